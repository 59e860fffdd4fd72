import NacosHTTP
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

@Suite struct HTTPClientTests {
    @Test(arguments: TransportKind.allCases)
    func sendsRequestsWithHostAndBody(kind: TransportKind) async throws {
        try await withHTTPServer(kind) { scenario async throws in
            let client = scenario.client()
            let get = try await client.send(HTTPRequest(method: .get, target: "/a?b=c"))
            #expect(get.status == .ok)
            #expect(get.bodyText == "GET /a ?b=c []")
            let expectedHost = kind == .inMemory ? scenario.address.host : scenario.address.description
            #expect(get.headers["X-Seen-Host"] == expectedHost)
            #expect(get.headers["Content-Type"] == "text/plain;charset=UTF-8")
            let post = try await client.send(
                HTTPRequest(method: .post, target: "/p", headers: ["Host": "nacos.example", "Content-Length": "1"], body: Array("hello".utf8))
            )
            #expect(post.bodyText == "POST /p ? [hello]")
            #expect(post.headers["X-Seen-Host"] == "nacos.example")
            let head = try await client.send(HTTPRequest(method: .head, target: "/h"))
            #expect(head.body.isEmpty)
            #expect(head.headers["Content-Length"] == String("HEAD /h ? []".utf8.count))
            #expect(try await client.send(HTTPRequest(method: .get, target: "/after-head")).bodyText == "GET /after-head ? []")
            await client.close()
        }
    }

    @Test(arguments: TransportKind.allCases)
    func reconnectsAfterTheServerClosed(kind: TransportKind) async throws {
        let peers = Mutex<Set<String>>([])
        let responder = ClosureResponder { request in
            peers.withLock { _ = $0.insert(request.remoteAddress.map { "\($0)" } ?? "?") }
            return HTTPResponse(headers: ["Connection": "close"], body: Array("once".utf8))
        }
        try await withHTTPServer(kind, responder: responder) { scenario async throws in
            let client = scenario.client()
            for _ in 0..<3 {
                #expect(try await client.send(HTTPRequest(method: .post, target: "/x")).bodyText == "once")
            }
            #expect(peers.withLock { $0.count } == 3)
            await client.close()
        }
    }

    @Test(arguments: TransportKind.allCases)
    func reconnectsAfterAnIdleTimeout(kind: TransportKind) async throws {
        var configuration = HTTPServerConfiguration()
        // Longer than the stalls of the suite's parallel start on 2 cores, which could otherwise close a
        // fresh connection before its first request is written.
        configuration.idleTimeout = .seconds(4)
        try await withHTTPServer(kind, configuration: configuration) { scenario async throws in
            let client = scenario.client()
            #expect(try await client.send(HTTPRequest(method: .post, target: "/1")).status == .ok)
            try await waitUntil(timeout: .seconds(20), "the idle timeout") { scenario.server.connectionCount == 0 }
            #expect(try await client.send(HTTPRequest(method: .post, target: "/2")).bodyText == "POST /2 ? []")
            await client.close()
        }
    }

    @Test(arguments: TransportKind.allCases)
    func serializesConcurrentRequestsOnOneConnection(kind: TransportKind) async throws {
        try await withHTTPServer(kind) { scenario async throws in
            let client = scenario.client()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<8 {
                    group.addTask {
                        for index in 0..<10 {
                            let response = try await client.send(HTTPRequest(method: .get, target: "/\(task)/\(index)"))
                            #expect(response.bodyText == "GET /\(task)/\(index) ? []")
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(scenario.server.connectionCount == 1)
            await client.close()
        }
    }

    @Test(arguments: TransportKind.allCases)
    func timesOutClosesAndRecovers(kind: TransportKind) async throws {
        let gate = AsyncGate()
        let responder = ClosureResponder { request in
            if request.path == "/slow" { await gate.wait() }
            return .text("ok")
        }
        try await withHTTPServer(kind, responder: responder) { scenario async throws in
            let client = scenario.client(timeout: .milliseconds(150))
            await #expect { try await client.send(HTTPRequest(method: .get, target: "/slow")) } throws: { error in
                (error as? HTTPClientError)?.code == .timeout
            }
            gate.open()
            #expect(try await client.send(HTTPRequest(method: .get, target: "/fast")).bodyText == "ok")
            await client.close()
        }
    }

    @Test(arguments: TransportKind.allCases)
    func refusesResponsesLargerThanTheLimit(kind: TransportKind) async throws {
        let responder = ClosureResponder { request in .text(String(repeating: "z", count: request.path == "/big" ? 1000 : 10)) }
        try await withHTTPServer(kind, responder: responder) { scenario async throws in
            let client = scenario.client(maxResponseBytes: 100)
            await #expect { try await client.send(HTTPRequest(method: .get, target: "/big")) } throws: { error in
                (error as? HTTPClientError)?.code == .responseTooLarge
            }
            #expect(try await client.send(HTTPRequest(method: .get, target: "/small")).body.count == 10)
            await client.close()
        }
    }

    @Test(arguments: TransportKind.allCases)
    func readsChunkedUntilCloseAndInterimResponses(kind: TransportKind) async throws {
        try await withEventLoopGroup { group async throws in
            let transport = makeStreamTransport(kind, group: group)
            let canned: [(String, String)] = [
                (
                    "/chunked",
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: t\r\n\r\n"
                ),
                ("/interim", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"),
                ("/no-reason", "HTTP/1.1 204\r\n\r\n"),
                ("/until-close", "HTTP/1.0 200 OK\r\n\r\nthe body runs until the close"),
                ("/garbage", "NOT HTTP AT ALL\r\n\r\n"),
            ]
            let listener = try await transport.listenStreams(on: kind.listenAddress) { _ in CannedHTTPServer(responses: canned) }
            let client = NacosHTTPClient(transport: transport, address: listener.localAddress)
            let chunked = try await client.send(HTTPRequest(method: .get, target: "/chunked"))
            #expect(chunked.bodyText == "Wikipedia in\r\n\r\nchunks.")
            #expect(chunked.headers["X-A"] == "1")
            let interim = try await client.send(HTTPRequest(method: .get, target: "/interim"))
            #expect(interim.status == .created)
            #expect(interim.bodyText == "ok")
            let noReason = try await client.send(HTTPRequest(method: .get, target: "/no-reason"))
            #expect(noReason.status.code == 204)
            #expect(noReason.status.reasonPhrase == "No Content")
            let untilClose = try await client.send(HTTPRequest(method: .get, target: "/until-close"))
            #expect(untilClose.bodyText == "the body runs until the close")
            await #expect { try await client.send(HTTPRequest(method: .get, target: "/garbage")) } throws: { error in
                (error as? HTTPClientError)?.code == .malformedResponse
            }
            #expect(try await client.send(HTTPRequest(method: .get, target: "/chunked")).body.count == 23)
            await client.close()
            await #expect { try await client.send(HTTPRequest(method: .get, target: "/chunked")) } throws: { error in
                (error as? HTTPClientError)?.code == .clientClosed
            }
            await listener.close()
        }
    }

    @Test(arguments: TransportKind.allCases)
    func failsToConnectWithoutAServer(kind: TransportKind) async throws {
        try await withEventLoopGroup { group async throws in
            let transport = makeStreamTransport(kind, group: group)
            // Bind a port (or a name), then close it so nothing listens there.
            let listener = try await transport.listenStreams(on: kind.listenAddress) { _ in CannedHTTPServer(responses: []) }
            let address = listener.localAddress
            await listener.close()
            let client = NacosHTTPClient(transport: transport, address: address, timeout: .seconds(2))
            await #expect(throws: (any Error).self) { try await client.send(HTTPRequest(method: .get, target: "/")) }
            await #expect { try await client.send(HTTPRequest(method: .get, target: "bad target")) } throws: { error in
                (error as? HTTPClientError)?.code == .invalidRequest
            }
        }
    }
}
