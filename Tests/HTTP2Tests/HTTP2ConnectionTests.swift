import NacosHTTP2
import NacosTestKit
@testable import NacosTransport
import Synchronization
import Testing

@Suite("HTTP/2 connection, client and server of ours", .serialized)
struct HTTP2ConnectionTests {
    static let requestHeaders = [
        HPACKHeader(":method", "POST"), HPACKHeader(":scheme", "http"), HPACKHeader(":path", "/echo"),
        HPACKHeader(":authority", "test"), HPACKHeader("content-type", "application/grpc"),
    ]

    /// A server that echoes each request body back with `:status 200` and trailers, and a client to it.
    private func withPair(
        server serverConfiguration: HTTP2Configuration = HTTP2Configuration(),
        client clientConfiguration: HTTP2Configuration = HTTP2Configuration(),
        _ body: (HTTP2Handle, HTTP2Recorder, HTTP2Recorder, NacosEventLoop) async throws -> Void
    ) async throws {
        try await withEventLoopGroup { group in
            let transport = NacosInMemoryTransport(group: group, logger: .disabled())
            let address = NacosSocketAddress.inMemory("http2-\(UInt64.random(in: 0..<UInt64.max))")
            let log = CapturingLogHandler()
            let server = HTTP2Recorder()
            server.onRequestEnd = { connection, streamID, bytes in
                connection.sendHeaders([HPACKHeader(":status", "200")], streamID: streamID, endStream: false)
                connection.sendData(NacosByteBuffer(bytes: bytes), streamID: streamID, endStream: false, completion: nil)
                connection.sendHeaders([HPACKHeader("grpc-status", "0")], streamID: streamID, endStream: true)
            }
            let listener = try await transport.listenStreams(on: address) { _ in
                HTTP2Connection(role: .server, configuration: serverConfiguration, logger: log.logger(label: "server", level: .debug), delegate: server)
            }
            let client = HTTP2Recorder()
            let loop = Mutex<NacosEventLoop?>(nil)
            let handle = Mutex<HTTP2Handle?>(nil)
            try transport.connectStream(to: address, timeout: .seconds(15)) { eventLoop in
                let connection = HTTP2Connection(role: .client, configuration: clientConfiguration, logger: log.logger(label: "client", level: .debug), delegate: client)
                loop.withLock { $0 = eventLoop }
                handle.withLock { $0 = HTTP2Handle(connection) }
                return connection
            }
            try await waitUntil(timeout: .seconds(10), "the client connection") { client.state.withLock { $0.active } }
            let eventLoop = try #require(loop.withLock { $0 })
            let connection = try #require(handle.withLock { $0 })
            // Streams open once the connection is up on both sides: the server saw the preface.
            try await waitUntil(timeout: .seconds(10), "the server side of the connection") { server.state.withLock { $0.active } }
            do {
                try await body(connection, client, server, eventLoop)
            } catch {
                // What the two sides saw, for a failure that only a loaded machine shows.
                let sides = [("client", client), ("server", server)].map { name, recorder in
                    recorder.state.withLock { "\(name): closed \($0.closed), GOAWAY \($0.goAway.map { "\($0)" } ?? "none")" }
                }
                let logged = log.events.suffix(10).map { "\($0.label) \($0.level): \($0.message)" }
                throw HTTP2ConnectionError(.internalError, "\(error) — \(sides.joined(separator: "; ")); log: \(logged)")
            }
            eventLoop.execute { connection.connection?.close() }
            await listener.close()
        }
    }

    private func send(_ body: [UInt8], on handle: HTTP2Handle, loop: NacosEventLoop) async throws -> UInt32 {
        try await loop.submitAndWait {
            guard let connection = handle.connection else {
                throw HTTP2ConnectionError(.internalError, "the client connection is gone (closed and released)")
            }
            guard let id = connection.makeStreamID() else {
                throw HTTP2ConnectionError(.internalError, "the client connection opens no stream (open: \(connection.isOpen))")
            }
            connection.sendHeaders(Self.requestHeaders, streamID: id, endStream: false)
            connection.sendData(NacosByteBuffer(bytes: body), streamID: id, endStream: true, completion: nil)
            return id
        }
    }

    @Test func bodiesLargerThanEveryWindowFlowThrough() async throws {
        var small = HTTP2Configuration()
        small.initialStreamWindowSize = 1000
        small.connectionWindowSize = 65_535
        try await self.withPair(server: small, client: small) { handle, client, _, loop in
            let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let id = try await self.send(body, on: handle, loop: loop)
            try await waitUntil(timeout: .seconds(20), "the echo of 300 KB through 1 KB stream windows") { client.state.withLock { $0.ended.contains(id) } }
            #expect(client.state.withLock { $0.data[id] } == body)
            #expect(client.state.withLock { $0.headers[id]?.last?.first?.name } == "grpc-status")
        }
    }

    @Test func manyConcurrentStreamsAreAnswered() async throws {
        try await self.withPair { handle, client, _, loop in
            var ids: [UInt32] = []
            for index in 0..<300 { ids.append(try await self.send(Array("request \(index)".utf8), on: handle, loop: loop)) }
            try await waitUntil(timeout: .seconds(20), "300 answers") { client.state.withLock { $0.ended.count } == 300 }
            for (index, id) in ids.enumerated() {
                #expect(client.state.withLock { $0.data[id] } == Array("request \(index)".utf8))
            }
        }
    }

    @Test func streamsBeyondTheServersLimitAreRefused() async throws {
        var limited = HTTP2Configuration()
        limited.maxConcurrentStreams = 2
        try await self.withPair(server: limited) { handle, client, server, loop in
            server.onRequestEnd = nil  // The server never answers: streams stay open.
            // Let the client learn the server's settings first.
            try await waitUntil(timeout: .seconds(10), "the server's SETTINGS") { server.state.withLock { $0.active } }
            var ids: [UInt32?] = []
            for _ in 0..<3 {
                ids.append(try await loop.submitAndWait { () -> UInt32? in
                    guard let connection = handle.connection, let id = connection.makeStreamID() else { return nil }
                    connection.sendHeaders(Self.requestHeaders, streamID: id, endStream: false)
                    return id
                })
            }
            #expect(ids.compactMap { $0 }.count == 2, "the client itself keeps to the peer's MAX_CONCURRENT_STREAMS")
            _ = client
        }
    }

    @Test func resetStreamsAreReportedAndTheConnectionKeepsWorking() async throws {
        try await self.withPair { handle, client, server, loop in
            let reset = try await loop.submitAndWait { () -> UInt32 in
                guard let connection = handle.connection, let id = connection.makeStreamID() else {
                    throw HTTP2ConnectionError(.internalError, "the client connection can open no stream")
                }
                connection.sendHeaders(Self.requestHeaders, streamID: id, endStream: false)
                connection.sendData(NacosByteBuffer(bytes: [1, 2, 3]), streamID: id, endStream: false, completion: nil)
                connection.resetStream(id, errorCode: .cancel)
                return id
            }
            try await waitUntil(timeout: .seconds(10), "the server to see the reset") { server.state.withLock { $0.resets[reset] } == .cancel }
            let id = try await self.send([9, 9], on: handle, loop: loop)
            try await waitUntil(timeout: .seconds(10), "a later echo") { client.state.withLock { $0.ended.contains(id) } }
            #expect(client.state.withLock { $0.data[id] } == [9, 9])
        }
    }

    @Test func gracefulGoAwayFinishesOpenStreamsThenCloses() async throws {
        try await self.withPair { handle, client, server, loop in
            server.onRequestEnd = nil
            let id = try await self.send([7], on: handle, loop: loop)
            try await waitUntil(timeout: .seconds(10), "the request at the server") { server.state.withLock { $0.ended.contains(id) } }
            let serverConnection = try #require(server.connection)
            let serverHandle = HTTP2Handle(serverConnection)
            serverConnection.eventLoop?.execute {
                guard let connection = serverHandle.connection else { return }
                connection.goAway(errorCode: .noError, debugData: "bye", timeout: .seconds(10))
                connection.sendHeaders([HPACKHeader(":status", "200")], streamID: id, endStream: false)
                connection.sendHeaders([HPACKHeader("grpc-status", "0")], streamID: id, endStream: true)
            }
            try await waitUntil(timeout: .seconds(10), "GOAWAY at the client") { client.state.withLock { $0.goAway } == .noError }
            try await waitUntil(timeout: .seconds(10), "the open stream to finish") { client.state.withLock { $0.ended.contains(id) } }
            try await waitUntil(timeout: .seconds(10), "the connection to close once drained") { client.state.withLock { $0.closed } }
            #expect(try await loop.submitAndWait { handle.connection?.makeStreamID() } == nil)
        }
    }
}
