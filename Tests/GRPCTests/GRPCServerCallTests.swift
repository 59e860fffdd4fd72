import NacosGRPC
import NacosHTTP2
import NacosRemote
import NacosTestKit
@testable import NacosTransport
import Synchronization
import Testing

/// Receives the payloads of a gRPC server connection and never answers them.
final class SilentPayloadHandler: NacosPayloadConnectionHandler {
    let received = Mutex<[NacosPayload]>([])
    let undecodable = Mutex<[(NacosPayload.Kind?, UInt64)]>([])

    func connection(_ connection: any NacosPayloadConnection, didReceive payload: NacosPayload) {
        self.received.withLock { $0.append(payload) }
    }

    func connection(_ connection: any NacosPayloadConnection, didReceiveUndecodable error: NacosRemoteError, kind: NacosPayload.Kind?, callId: UInt64) {
        self.undecodable.withLock { $0.append((kind, callId)) }
    }

    func connectionClosed(_ connection: any NacosPayloadConnection, error: (any Error)?) {}
}

/// The gRPC call rules of the server side, seen from a raw HTTP/2 client of ours: deadlines, message limits,
/// compression, unknown paths and methods, and a Payload that does not decode.
@Suite("gRPC server calls", .serialized)
struct GRPCServerCallTests {
    private static func call(path: String = "/Request/request", method: String = "POST", extra: [HPACKHeader] = []) -> [HPACKHeader] {
        [
            HPACKHeader(":method", method), HPACKHeader(":scheme", "http"), HPACKHeader(":path", path),
            HPACKHeader(":authority", "test"), HPACKHeader("content-type", "application/grpc"), HPACKHeader("te", "trailers"),
        ] + extra
    }

    private static func message(_ payload: NacosGRPCPayload) -> NacosByteBuffer {
        var buffer = NacosByteBuffer()
        GRPCMessageFramer.write(into: &buffer) { payload.encode(into: &$0) }
        return buffer
    }

    /// A gRPC server connection whose payloads go to `handler`, and a raw HTTP/2 client to it.
    private func withServer(
        maxMessageSize: Int = 1024,
        _ body: (HTTP2Handle, HTTP2Recorder, NacosEventLoop, SilentPayloadHandler) async throws -> Void
    ) async throws {
        try await withEventLoopGroup { group in
            let transport = NacosInMemoryTransport(group: group, logger: .disabled())
            let address = NacosSocketAddress.inMemory("grpc-calls-\(UInt64.random(in: 0..<UInt64.max))")
            var configuration = NacosGRPCConfiguration()
            configuration.maxMessageSize = maxMessageSize
            let layer = NacosGRPCProtocol(configuration: configuration)
            let handler = SilentPayloadHandler()
            let listener = try await transport.listenStreams(on: address) { loop in
                layer.makeServerHandler(transport: transport, eventLoop: loop, options: NacosProtocolOptions(), logger: .disabled()) { connection in
                    connection.start(handler)
                }
            }
            let client = HTTP2Recorder()
            let handle = Mutex<(HTTP2Handle, NacosEventLoop)?>(nil)
            try transport.connectStream(to: address, timeout: .seconds(15)) { loop in
                let connection = HTTP2Connection(role: .client, logger: .disabled(), delegate: client)
                handle.withLock { $0 = (HTTP2Handle(connection), loop) }
                return connection
            }
            try await waitUntil(timeout: .seconds(10), "the client") { client.state.withLock { $0.active } }
            let (connection, loop) = try #require(handle.withLock { $0 })
            try await body(connection, client, loop, handler)
            loop.execute { connection.connection?.close() }
            await listener.close()
        }
    }

    private func open(_ handle: HTTP2Handle, _ loop: NacosEventLoop, headers: [HPACKHeader], data: NacosByteBuffer?) async throws -> UInt32 {
        try await loop.submitAndWait {
            guard let connection = handle.connection, let id = connection.makeStreamID() else { throw HTTP2ConnectionError(.internalError, "no stream") }
            connection.sendHeaders(headers, streamID: id, endStream: data == nil)
            if let data { connection.sendData(data, streamID: id, endStream: true, completion: nil) }
            return id
        }
    }

    private func status(_ client: HTTP2Recorder, _ id: UInt32) -> (http: String?, grpc: String?, message: String?) {
        client.state.withLock { state in
            let blocks = state.headers[id] ?? []
            let all = blocks.flatMap { $0 }
            return (
                all.first { $0.name == ":status" }?.value, all.first { $0.name == "grpc-status" }?.value,
                all.first { $0.name == "grpc-message" }?.value
            )
        }
    }

    @Test func anUnansweredCallEndsWithDeadlineExceededAtItsGrpcTimeout() async throws {
        try await self.withServer { handle, client, loop, handler in
            let request = Self.message(NacosGRPCPayload(type: "HealthCheckRequest", body: NacosByteBuffer(string: "{}")))
            let id = try await self.open(handle, loop, headers: Self.call(extra: [HPACKHeader("grpc-timeout", "200m")]), data: request)
            try await waitUntil(timeout: .seconds(10), "the deadline") { client.state.withLock { $0.ended.contains(id) } }
            #expect(self.status(client, id).grpc == "4")
            #expect(handler.received.withLock { $0.map(\.callId) } == [UInt64(id)], "the call was delivered with its stream as call id")
        }
    }

    @Test func oversizeCompressedAndBadMessagesEndTheirCallsOnly() async throws {
        try await self.withServer(maxMessageSize: 64) { handle, client, loop, handler in
            var oversize = NacosByteBuffer()
            GRPCMessageFramer.write(NacosByteBuffer(bytes: Array(repeating: 0x61, count: 65)), into: &oversize)
            let big = try await self.open(handle, loop, headers: Self.call(), data: oversize)
            let compressed = try await self.open(handle, loop, headers: Self.call(), data: NacosByteBuffer(bytes: [1, 0, 0, 0, 1, 0]))
            let unknown = try await self.open(handle, loop, headers: Self.call(path: "/Foo/bar"), data: nil)
            let get = try await self.open(handle, loop, headers: Self.call(method: "GET"), data: nil)
            let empty = try await self.open(handle, loop, headers: Self.call(), data: NacosByteBuffer())
            var garbage = NacosByteBuffer()
            GRPCMessageFramer.write(NacosByteBuffer(bytes: [0x12, 0x7f]), into: &garbage)
            let notProtobuf = try await self.open(handle, loop, headers: Self.call(), data: garbage)
            try await waitUntil(timeout: .seconds(10), "every call to end") {
                client.state.withLock { state in [big, compressed, unknown, get, empty].allSatisfy { state.ended.contains($0) } }
            }
            #expect(self.status(client, big).grpc == "8", "RESOURCE_EXHAUSTED")
            #expect(self.status(client, compressed).grpc == "12", "UNIMPLEMENTED: no encoding negotiated")
            #expect(self.status(client, unknown).grpc == "12")
            #expect(self.status(client, unknown).message?.contains("Method not found") == true)
            #expect(self.status(client, get).http == "405")
            #expect(self.status(client, empty).grpc == "13", "INTERNAL: no request message")
            try await waitUntil(timeout: .seconds(10), "the undecodable Payload reported with its call id") {
                handler.undecodable.withLock { $0.contains { $0.0 == .request && $0.1 == UInt64(notProtobuf) } }
            }
            // The connection still carries calls.
            let fine = Self.message(NacosGRPCPayload(type: "HealthCheckRequest", body: NacosByteBuffer(string: "{}")))
            let later = try await self.open(handle, loop, headers: Self.call(), data: fine)
            try await waitUntil(timeout: .seconds(10), "a later call delivered") { handler.received.withLock { $0.contains { $0.callId == UInt64(later) } } }
        }
    }
}
