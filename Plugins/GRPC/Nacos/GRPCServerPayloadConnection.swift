import NacosHTTP2
import NacosRemote
import NacosTransport

/// The server side of one Nacos gRPC connection: one HTTP/2 connection is one Nacos connection.
///
/// Each `/Request/request` stream is a unary call whose `callId` is its stream id; the response payload
/// with that call id goes back on it with trailers. The `/BiRequestStream/requestBiStream` stream carries
/// ConnectionSetupRequest and the answers to server pushes in (call id 0, the kind told by the type
/// name), and the pushes out. Other paths are answered UNIMPLEMENTED, trailers only.
///
/// `@unchecked Sendable`: the thread-safe surface is `core`; every other field is confined to the loop.
internal final class GRPCServerPayloadConnection: GRPCPayloadConnection, HTTP2ConnectionDelegate, @unchecked Sendable {
    /// One unary call being received or handled.
    private struct UnaryCall {
        var deframer: GRPCMessageDeframer
        var received = false
        var deadline: NacosScheduledTask?
    }

    let core: GRPCPayloadConnectionCore
    private let configuration: NacosGRPCConfiguration
    private let logger: NacosLogger
    private let onConnection: (any NacosPayloadConnection) -> Void
    private(set) weak var http2: HTTP2Connection?
    private var handler: (any NacosPayloadConnectionHandler)?
    private var early: [NacosPayload] = []
    private var calls: [UInt32: UnaryCall] = [:]
    private var biStream: (id: UInt32, deframer: GRPCMessageDeframer)?

    /// Creates the connection and the HTTP/2 connection beneath it; returns the stream handler to install.
    static func makeHandler(
        eventLoop: NacosEventLoop,
        configuration: NacosGRPCConfiguration,
        options: NacosProtocolOptions,
        logger: NacosLogger,
        onConnection: @escaping (any NacosPayloadConnection) -> Void
    ) -> any NacosStreamHandler {
        let connection = GRPCServerPayloadConnection(
            eventLoop: eventLoop,
            configuration: configuration,
            options: options,
            logger: logger,
            onConnection: onConnection
        )
        let http2 = HTTP2Connection(role: .server, configuration: configuration.http2, logger: logger, delegate: connection)
        connection.http2 = http2
        return http2
    }

    private init(
        eventLoop: NacosEventLoop,
        configuration: NacosGRPCConfiguration,
        options: NacosProtocolOptions,
        logger: NacosLogger,
        onConnection: @escaping (any NacosPayloadConnection) -> Void
    ) {
        self.core = GRPCPayloadConnectionCore(eventLoop: eventLoop, codec: NacosGRPCMessageCodec(maxHeaderCount: options.maxHeaderCount))
        self.configuration = configuration
        self.logger = logger
        self.onConnection = onConnection
    }

    // MARK: - NacosPayloadConnection

    func start(_ handler: any NacosPayloadConnectionHandler) {
        self.onLoop {
            precondition(self.handler == nil, "start(_:) called twice on gRPC connection \(self.id)")
            self.handler = handler
            let early = self.early
            self.early = []
            for payload in early { handler.connection(self, didReceive: payload) }
        }
    }

    func close(flush: Bool) {
        self.onLoop {
            guard let http2 = self.http2 else { return }
            guard flush else { return http2.close() }
            if let bi = self.biStream {
                self.biStream = nil
                http2.sendHeaders(NacosGRPCPaths.okTrailers, streamID: bi.id, endStream: true)
            }
            http2.goAway(errorCode: .noError, debugData: "", timeout: .seconds(1))
        }
    }

    // MARK: - Outbound

    func write(_ payload: NacosPayload, _ message: NacosByteBuffer, completion: (@Sendable (Result<Void, NacosTransportError>) -> Void)?) {
        guard let http2 = self.http2, http2.isOpen else {
            completion?(.failure(NacosTransportError(.connectionClosed, "gRPC connection \(self.id) is closed")))
            return
        }
        if payload.kind == .response, payload.callId != 0 {
            let streamID = UInt32(truncatingIfNeeded: payload.callId)
            guard let call = self.calls.removeValue(forKey: streamID) else {
                completion?(.failure(NacosTransportError(.connectionClosed, "the call on stream \(streamID) was cancelled or timed out")))
                return
            }
            call.deadline?.cancel()
            http2.sendHeaders(NacosGRPCPaths.responseHeaders, streamID: streamID, endStream: false)
            http2.sendData(message, streamID: streamID, endStream: false, completion: completion)
            http2.sendHeaders(NacosGRPCPaths.okTrailers, streamID: streamID, endStream: true)
            return
        }
        guard let bi = self.biStream else {
            completion?(.failure(NacosTransportError(.connectionClosed, "no bi-stream open on gRPC connection \(self.id) for \(payload.type)")))
            return
        }
        http2.sendData(message, streamID: bi.id, endStream: false, completion: completion)
    }

    /// Ends a call that will not be answered with a message: trailers only when nothing was sent yet.
    private func fail(streamID: UInt32, with status: GRPCStatus, resetAfter: Bool = false) {
        self.calls.removeValue(forKey: streamID)?.deadline?.cancel()
        guard let http2 = self.http2 else { return }
        http2.sendHeaders(NacosGRPCPaths.responseHeaders + NacosGRPCPaths.trailers(status), streamID: streamID, endStream: true)
        if resetAfter {
            http2.resetStream(streamID, errorCode: .noError)
        }
    }

    // MARK: - Inbound

    private func deliver(_ payload: NacosPayload) {
        if let handler = self.handler {
            handler.connection(self, didReceive: payload)
        } else {
            self.early.append(payload)
        }
    }

    private func receiveMessage(_ message: NacosByteBuffer, kind: NacosPayload.Kind?, callId: UInt64) {
        do {
            self.deliver(try self.core.codec.decode(message, kind: kind, callId: callId))
        } catch {
            self.handler?.connection(self, didReceiveUndecodable: error, kind: kind ?? .request, callId: callId)
        }
    }

    // MARK: - HTTP2ConnectionDelegate

    func http2ConnectionActive(_ connection: HTTP2Connection) {
        self.core.opened(local: connection.localAddress, remote: connection.remoteAddress, writable: connection.isWritable)
        self.onConnection(self)
    }

    func http2Connection(_ connection: HTTP2Connection, didReceiveHeaders headers: [HPACKHeader], streamID: UInt32, endStream: Bool) {
        if self.calls[streamID] != nil || self.biStream?.id == streamID {
            // Trailers from the client: a gRPC client sends none, so only the end of stream counts.
            if endStream { self.receiveEnd(streamID) }
            return
        }
        guard NacosGRPCPaths.value(of: ":method", in: headers) == "POST" else {
            connection.sendHeaders([HPACKHeader(":status", "405")], streamID: streamID, endStream: true)
            if !endStream { connection.resetStream(streamID, errorCode: .noError) }
            return
        }
        guard let contentType = NacosGRPCPaths.value(of: "content-type", in: headers), contentType.hasPrefix("application/grpc") else {
            connection.sendHeaders([HPACKHeader(":status", "415")], streamID: streamID, endStream: true)
            if !endStream { connection.resetStream(streamID, errorCode: .noError) }
            return
        }
        let path = NacosGRPCPaths.value(of: ":path", in: headers) ?? ""
        let deframer = GRPCMessageDeframer(maxMessageSize: self.configuration.maxMessageSize)
        switch path {
        case NacosGRPCPaths.unary:
            var call = UnaryCall(deframer: deframer)
            if let value = NacosGRPCPaths.value(of: "grpc-timeout", in: headers), let timeout = GRPCTimeout.parse(value) {
                let reference = NacosLoopBoundReference(self, eventLoop: self.eventLoop)
                call.deadline = self.eventLoop.scheduleTask(in: timeout) {
                    guard let self = reference.value, self.calls[streamID] != nil else { return }
                    self.fail(streamID: streamID, with: GRPCStatus(code: .deadlineExceeded, message: "deadline of \(value) exceeded"), resetAfter: true)
                    self.http2?.flush()
                }
            }
            self.calls[streamID] = call
            if endStream { self.receiveEnd(streamID) }
        case NacosGRPCPaths.biStream:
            if let previous = self.biStream {
                self.logger.debug("gRPC connection \(self.id): a new bi-stream \(streamID) replaces \(previous.id)")
                connection.sendHeaders(NacosGRPCPaths.okTrailers, streamID: previous.id, endStream: true)
            }
            self.biStream = (streamID, deframer)
            connection.sendHeaders(NacosGRPCPaths.responseHeaders, streamID: streamID, endStream: false)
            if endStream { self.receiveEnd(streamID) }
        default:
            self.fail(streamID: streamID, with: GRPCStatus(code: .unimplemented, message: "Method not found: \(path)"), resetAfter: !endStream)
        }
    }

    func http2Connection(_ connection: HTTP2Connection, didReceiveData data: NacosByteBuffer, streamID: UInt32, endStream: Bool) {
        if var call = self.calls[streamID] {
            var message: NacosByteBuffer?
            do throws(GRPCStatus) {
                call.deframer.append(data)
                message = try call.deframer.nextMessage()
                if message != nil {
                    let extra = try call.deframer.nextMessage()
                    if call.received || extra != nil {
                        throw GRPCStatus(code: .internalError, message: "a unary call carries one request message")
                    }
                }
            } catch {
                self.fail(streamID: streamID, with: error, resetAfter: !endStream)
                return
            }
            if let message {
                call.received = true
                self.calls[streamID] = call
                self.receiveMessage(message, kind: .request, callId: UInt64(streamID))
            } else {
                self.calls[streamID] = call
            }
            if endStream { self.receiveEnd(streamID) }
            return
        }
        if var bi = self.biStream, bi.id == streamID {
            bi.deframer.append(data)
            var messages: [NacosByteBuffer] = []
            do {
                while let message = try bi.deframer.nextMessage() { messages.append(message) }
            } catch {
                self.biStream = nil
                self.fail(streamID: streamID, with: error, resetAfter: !endStream)
                return
            }
            self.biStream = bi
            for message in messages { self.receiveMessage(message, kind: nil, callId: 0) }
            if endStream { self.receiveEnd(streamID) }
        }
        // DATA of a call already answered, failed or cancelled is dropped.
    }

    /// The client finished sending on `streamID`.
    private func receiveEnd(_ streamID: UInt32) {
        if let call = self.calls[streamID] {
            if call.deframer.hasPartialMessage {
                self.fail(streamID: streamID, with: GRPCStatus(code: .internalError, message: "incomplete message at the end of the stream"))
            } else if !call.received {
                self.fail(streamID: streamID, with: GRPCStatus(code: .internalError, message: "the call ended without a request message"))
            }
            return
        }
        if let bi = self.biStream, bi.id == streamID {
            // The client is done with the bi-stream: end ours too; the Nacos connection lives until the
            // HTTP/2 connection closes.
            self.biStream = nil
            self.http2?.sendHeaders(NacosGRPCPaths.okTrailers, streamID: streamID, endStream: true)
        }
    }

    func http2Connection(_ connection: HTTP2Connection, streamReset streamID: UInt32, errorCode: HTTP2ErrorCode) {
        self.calls.removeValue(forKey: streamID)?.deadline?.cancel()
        if self.biStream?.id == streamID {
            self.biStream = nil
        }
    }

    func http2Connection(_ connection: HTTP2Connection, didReceiveGoAway lastStreamID: UInt32, errorCode: HTTP2ErrorCode) {
        self.logger.debug("gRPC connection \(self.id): the client sent GOAWAY (\(errorCode))")
    }

    func http2Connection(_ connection: HTTP2Connection, writabilityChanged isWritable: Bool) {
        self.core.writabilityChanged(isWritable)
    }

    func http2ConnectionClosed(_ connection: HTTP2Connection, error: (any Error)?) {
        for call in self.calls.values { call.deadline?.cancel() }
        self.calls.removeAll()
        self.biStream = nil
        let wasOpen = self.core.isOpen
        self.core.closed(error: error)
        if wasOpen {
            self.handler?.connectionClosed(self, error: error)
        }
    }
}
