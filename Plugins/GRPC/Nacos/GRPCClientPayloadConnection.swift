import NacosHTTP2
import NacosRemote
import NacosTransport

/// The client side of one Nacos gRPC connection, as Nacos's `GrpcClient` speaks it: every request with a
/// call id is a unary `/Request/request` call on a stream of its own, and the messages without one
/// (ConnectionSetupRequest, answers to server pushes) go on one `/BiRequestStream/requestBiStream`
/// stream, opened with the first of them; the server's pushes arrive on it.
///
/// The bi-stream ending, by trailers or reset, closes the connection, so the client reconnects (Java's
/// client switches servers then too).
///
/// `@unchecked Sendable`: the thread-safe surface is `core`; every other field is confined to the loop.
internal final class GRPCClientPayloadConnection: GRPCPayloadConnection, HTTP2ConnectionDelegate, @unchecked Sendable {
    /// One unary call waiting for its response.
    private struct UnaryCall {
        let callId: UInt64
        var deframer: GRPCMessageDeframer
        var answered = false
    }

    let core: GRPCPayloadConnectionCore
    private let configuration: NacosGRPCConfiguration
    private let authority: String
    private let logger: NacosLogger
    private(set) var http2: HTTP2Connection?
    private var onEstablished: ((Result<GRPCClientPayloadConnection, any Error>) -> Void)?
    private var handler: (any NacosPayloadConnectionHandler)?
    private var early: [NacosPayload] = []
    private var calls: [UInt32: UnaryCall] = [:]
    private var biStream: (id: UInt32, deframer: GRPCMessageDeframer)?

    /// Connects over `transport` and returns once the HTTP/2 connection is usable.
    static func connect(
        over transport: any NacosStreamTransport,
        to address: NacosSocketAddress,
        timeout: Duration?,
        configuration: NacosGRPCConfiguration,
        options: NacosProtocolOptions,
        logger: NacosLogger
    ) async throws -> GRPCClientPayloadConnection {
        try configuration.validate()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<GRPCClientPayloadConnection, any Error>) in
            do {
                try transport.connectStream(to: address, timeout: timeout) { loop in
                    let connection = GRPCClientPayloadConnection(
                        eventLoop: loop,
                        address: address,
                        configuration: configuration,
                        options: options,
                        logger: logger
                    ) { result in
                        continuation.resume(with: result)
                    }
                    let http2 = HTTP2Connection(role: .client, configuration: configuration.http2, logger: logger, delegate: connection)
                    connection.http2 = http2
                    return http2
                }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    private init(
        eventLoop: NacosEventLoop,
        address: NacosSocketAddress,
        configuration: NacosGRPCConfiguration,
        options: NacosProtocolOptions,
        logger: NacosLogger,
        onEstablished: @escaping (Result<GRPCClientPayloadConnection, any Error>) -> Void
    ) {
        self.core = GRPCPayloadConnectionCore(eventLoop: eventLoop, codec: NacosGRPCMessageCodec(maxHeaderCount: options.maxHeaderCount))
        self.configuration = configuration
        self.authority = address.family == .inMemory ? address.host : address.description
        self.logger = logger
        self.onEstablished = onEstablished
    }

    // MARK: - NacosPayloadConnection

    func start(_ handler: any NacosPayloadConnectionHandler) {
        self.onLoop {
            precondition(self.handler == nil, "start(_:) called twice on gRPC connection \(self.id)")
            self.handler = handler
            let early = self.early
            self.early = []
            for payload in early { handler.connection(self, didReceive: payload) }
            if !self.core.isOpen, self.http2 == nil {
                handler.connectionClosed(self, error: nil)
            }
        }
    }

    func close(flush: Bool) {
        self.onLoop {
            guard let http2 = self.http2 else { return }
            if flush {
                http2.goAway(errorCode: .noError, debugData: "", timeout: .seconds(1))
            } else {
                http2.close()
            }
        }
    }

    // MARK: - Outbound

    private func requestHeaders(path: String) -> [HPACKHeader] {
        [
            HPACKHeader(":method", "POST"),
            HPACKHeader(":scheme", self.configuration.scheme),
            HPACKHeader(":path", path),
            HPACKHeader(":authority", self.authority),
            HPACKHeader("content-type", "application/grpc"),
            HPACKHeader("te", "trailers"),
            HPACKHeader("user-agent", self.configuration.userAgent),
        ]
    }

    func write(_ payload: NacosPayload, _ message: NacosByteBuffer, completion: (@Sendable (Result<Void, NacosTransportError>) -> Void)?) {
        guard let http2 = self.http2, http2.isOpen else {
            completion?(.failure(NacosTransportError(.connectionClosed, "gRPC connection \(self.id) is closed")))
            return
        }
        if payload.callId != 0 {
            guard let streamID = http2.makeStreamID() else {
                completion?(.failure(NacosTransportError(.connectionClosed, "gRPC connection \(self.id) can open no more streams")))
                return
            }
            let deframer = GRPCMessageDeframer(maxMessageSize: self.configuration.maxMessageSize)
            self.calls[streamID] = UnaryCall(callId: payload.callId, deframer: deframer)
            http2.sendHeaders(self.requestHeaders(path: NacosGRPCPaths.unary), streamID: streamID, endStream: false)
            http2.sendData(message, streamID: streamID, endStream: true, completion: completion)
            return
        }
        if self.biStream == nil {
            guard let streamID = http2.makeStreamID() else {
                completion?(.failure(NacosTransportError(.connectionClosed, "gRPC connection \(self.id) can open no bi-stream")))
                return
            }
            self.biStream = (streamID, GRPCMessageDeframer(maxMessageSize: self.configuration.maxMessageSize))
            http2.sendHeaders(self.requestHeaders(path: NacosGRPCPaths.biStream), streamID: streamID, endStream: false)
        }
        guard let bi = self.biStream else { return }
        http2.sendData(message, streamID: bi.id, endStream: false, completion: completion)
    }

    // MARK: - Inbound

    private func deliver(_ payload: NacosPayload) {
        if let handler = self.handler {
            handler.connection(self, didReceive: payload)
        } else {
            self.early.append(payload)
        }
    }

    /// Fails the call on `streamID` (once) with `message`.
    private func failCall(_ streamID: UInt32, _ message: String) {
        guard let call = self.calls.removeValue(forKey: streamID), !call.answered else { return }
        self.handler?.connection(self, didReceiveUndecodable: NacosRemoteError(.connectionClosed, message), kind: .response, callId: call.callId)
    }

    /// Ends the connection because its bi-stream ended.
    private func biStreamEnded(_ reason: String) {
        self.biStream = nil
        self.logger.info("gRPC connection \(self.id): \(reason); closing the connection")
        self.http2?.close()
    }

    // MARK: - HTTP2ConnectionDelegate

    func http2ConnectionActive(_ connection: HTTP2Connection) {
        self.core.opened(local: connection.localAddress, remote: connection.remoteAddress, writable: connection.isWritable)
        let established = self.onEstablished
        self.onEstablished = nil
        established?(.success(self))
    }

    func http2Connection(_ connection: HTTP2Connection, didReceiveHeaders headers: [HPACKHeader], streamID: UInt32, endStream: Bool) {
        let status = NacosGRPCPaths.value(of: ":status", in: headers)
        if let status, status != "200" {
            let text = "HTTP status \(status) on the gRPC stream"
            if self.biStream?.id == streamID { return self.biStreamEnded(text) }
            return self.failCall(streamID, text)
        }
        guard let grpcStatus = NacosGRPCPaths.value(of: "grpc-status", in: headers) else {
            if endStream { self.streamEnded(streamID, status: GRPCStatus(code: .internalError, message: "the stream ended without grpc-status")) }
            return
        }
        let message = NacosGRPCPaths.value(of: "grpc-message", in: headers).map(GRPCStatus.percentDecode) ?? ""
        let code = GRPCStatusCode(rawValue: Int(grpcStatus) ?? GRPCStatusCode.unknown.rawValue) ?? .unknown
        self.streamEnded(streamID, status: GRPCStatus(code: code, message: message))
    }

    private func streamEnded(_ streamID: UInt32, status: GRPCStatus) {
        if self.biStream?.id == streamID {
            return self.biStreamEnded("the server ended the bi-stream with \(status.code) \(status.message)")
        }
        guard let call = self.calls.removeValue(forKey: streamID), !call.answered else { return }
        let reason = status.code == .ok ? "the call ended without a response message" : "gRPC status \(status.code): \(status.message)"
        self.handler?.connection(self, didReceiveUndecodable: NacosRemoteError(.unexpectedResponse, reason), kind: .response, callId: call.callId)
    }

    func http2Connection(_ connection: HTTP2Connection, didReceiveData data: NacosByteBuffer, streamID: UInt32, endStream: Bool) {
        if var call = self.calls[streamID] {
            call.deframer.append(data)
            let message: NacosByteBuffer?
            do {
                message = try call.deframer.nextMessage()
            } catch {
                connection.resetStream(streamID, errorCode: .cancel)
                return self.failCall(streamID, "invalid response message: \(error)")
            }
            if let message, !call.answered {
                call.answered = true
                self.calls[streamID] = call
                do {
                    self.deliver(try self.core.codec.decode(message, kind: .response, callId: call.callId))
                } catch {
                    self.handler?.connection(self, didReceiveUndecodable: error, kind: .response, callId: call.callId)
                }
            } else {
                self.calls[streamID] = call
            }
            if endStream { self.streamEnded(streamID, status: GRPCStatus(code: .internalError, message: "the stream ended without trailers")) }
            return
        }
        guard var bi = self.biStream, bi.id == streamID else { return }
        bi.deframer.append(data)
        var messages: [NacosByteBuffer] = []
        do {
            while let message = try bi.deframer.nextMessage() { messages.append(message) }
        } catch {
            return self.biStreamEnded("invalid message on the bi-stream: \(error)")
        }
        self.biStream = bi
        for message in messages {
            do {
                self.deliver(try self.core.codec.decode(message, kind: nil, callId: 0))
            } catch {
                self.handler?.connection(self, didReceiveUndecodable: error, kind: nil, callId: 0)
            }
        }
        if endStream { self.biStreamEnded("the server ended the bi-stream") }
    }

    func http2Connection(_ connection: HTTP2Connection, streamReset streamID: UInt32, errorCode: HTTP2ErrorCode) {
        if self.biStream?.id == streamID {
            return self.biStreamEnded("the bi-stream was reset (\(errorCode))")
        }
        self.failCall(streamID, "the call's stream was reset (\(errorCode))")
    }

    func http2Connection(_ connection: HTTP2Connection, didReceiveGoAway lastStreamID: UInt32, errorCode: HTTP2ErrorCode) {
        self.logger.info("gRPC connection \(self.id): the server sent GOAWAY (\(errorCode), last stream \(lastStreamID))")
    }

    func http2Connection(_ connection: HTTP2Connection, writabilityChanged isWritable: Bool) {
        self.core.writabilityChanged(isWritable)
    }

    func http2ConnectionClosed(_ connection: HTTP2Connection, error: (any Error)?) {
        self.calls.removeAll()
        self.biStream = nil
        self.http2 = nil
        self.core.closed(error: error)
        if let established = self.onEstablished {
            self.onEstablished = nil
            established(.failure(error ?? NacosTransportError(.connectionClosed, "the gRPC connection closed before it was established")))
            return
        }
        self.handler?.connectionClosed(self, error: error)
    }
}
