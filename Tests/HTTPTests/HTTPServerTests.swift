import NacosHTTP
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

@Suite struct HTTPServerTests {
    @Test(arguments: TransportKind.allCases)
    func keepsOneConnectionAliveForManyRequests(kind: TransportKind) async throws {
        try await withHTTPServer(kind) { scenario async throws in
            let client = scenario.client()
            for index in 0..<200 {
                let response = try await client.send(
                    HTTPRequest(method: .post, target: "/r/\(index)?i=\(index)", body: Array("body \(index)".utf8))
                )
                #expect(response.status == .ok)
                #expect(response.bodyText == "POST /r/\(index) ?i=\(index) [body \(index)]")
            }
            #expect(scenario.server.connectionCount == 1)
            await client.close()
            try await waitUntil("the server to see the client close") { scenario.server.connectionCount == 0 }
        }
    }

    @Test(arguments: TransportKind.allCases)
    func answersPipelinedRequestsInOrder(kind: TransportKind) async throws {
        // Later requests finish faster: the answers must still come back in request order.
        let responder = ClosureResponder { request in
            let index = Int(request.query) ?? 0
            try? await Task.sleep(for: .milliseconds(2 * (10 - index)))
            return .text("answer \(index)")
        }
        try await withHTTPServer(kind, responder: responder) { scenario async throws in
            let connection = try await scenario.raw()
            let requests = (0..<10).map { "GET /p?\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined()
            connection.write(requests + "POST /p?10 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc")
            let responses = try await connection.waitForResponses(11)
            #expect(responses.map(\.text) == (0...10).map { "answer \($0)" })
            #expect(responses.allSatisfy { $0.header("Connection") == nil && $0.version == "HTTP/1.1" })
            #expect(!connection.isClosed)
        }
    }

    @Test(arguments: TransportKind.allCases)
    func parsesRequestsArrivingByteByByte(kind: TransportKind) async throws {
        try await withHTTPServer(kind) { scenario async throws in
            let connection = try await scenario.raw()
            let stream =
                "GET /one?a=1 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /two HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
                + "PUT /three HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: v\r\n\r\n"
            connection.writeInPieces(Array(stream.utf8), size: 1)
            let responses = try await connection.waitForResponses(3)
            #expect(responses.map(\.text) == ["GET /one ?a=1 []", "POST /two ? [hello]", "PUT /three ? [abcde]"])
        }
    }

    @Test(arguments: TransportKind.allCases)
    func closesAfterConnectionClose(kind: TransportKind) async throws {
        try await withHTTPServer(kind) { scenario async throws in
            let connection = try await scenario.raw()
            connection.write("GET /a HTTP/1.1\r\nConnection: close\r\n\r\nGET /ignored HTTP/1.1\r\n\r\n")
            let responses = try await connection.waitForResponses(1)
            #expect(responses[0].header("Connection") == "close")
            try await connection.waitForClose()
            #expect(RawHTTPResponse.parseAll(connection.received).responses.count == 1)
        }
    }

    @Test(arguments: TransportKind.allCases)
    func speaksHTTP10(kind: TransportKind) async throws {
        try await withHTTPServer(kind) { scenario async throws in
            let keepAlive = try await scenario.raw()
            keepAlive.write("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let responses = try await keepAlive.waitForResponses(2)
            #expect(responses.map { $0.header("Connection") } == ["keep-alive", "keep-alive"])
            #expect(responses.map(\.text) == ["GET /a ? []", "GET /b ? []"])
            #expect(!keepAlive.isClosed)

            let plain = try await scenario.raw()
            plain.write("GET /c HTTP/1.0\r\n\r\n")
            let answer = try await plain.waitForResponses(1)
            #expect(answer[0].header("Connection") == "close")
            #expect(answer[0].version == "HTTP/1.1")
            try await plain.waitForClose()
        }
    }

    @Test(arguments: TransportKind.allCases)
    func headGetsHeadersWithoutBody(kind: TransportKind) async throws {
        try await withHTTPServer(kind) { scenario async throws in
            let connection = try await scenario.raw()
            connection.write("HEAD /h HTTP/1.1\r\n\r\nGET /g HTTP/1.1\r\n\r\n")
            let responses = try await connection.waitForResponses(2, headOnly: [0])
            #expect(responses[0].header("Content-Length") == String("HEAD /h ? []".utf8.count))
            #expect(responses[0].body.isEmpty)
            #expect(responses[1].text == "GET /g ? []")
            #expect(RawHTTPResponse.parseAll(connection.received, headOnly: [0]).rest == 0)
        }
    }

    @Test(arguments: TransportKind.allCases)
    func framingFieldsOfTheResponderAreReplaced(kind: TransportKind) async throws {
        let responder = ClosureResponder { _ in
            HTTPResponse(
                status: HTTPStatus(code: 299),
                headers: ["Content-Length": "999", "Transfer-Encoding": "chunked", "X-Bad": "a\r\nInjected: yes", "Bad Name": "x"],
                body: Array("abc".utf8)
            )
        }
        try await withHTTPServer(kind, responder: responder) { scenario async throws in
            let connection = try await scenario.raw()
            connection.write("GET / HTTP/1.1\r\n\r\n")
            let response = try await connection.waitForResponses(1)[0]
            #expect(response.code == 299)
            #expect(response.header("Content-Length") == "3")
            #expect(response.header("Transfer-Encoding") == nil)
            #expect(response.header("Injected") == nil)
            #expect(response.header("X-Bad") == "a  Injected: yes")
            #expect(response.text == "abc")
        }
    }

    @Test(arguments: TransportKind.allCases)
    func interimStatusFromTheResponderBecomes500(kind: TransportKind) async throws {
        let responder = ClosureResponder { request in
            HTTPResponse(status: HTTPStatus(code: request.path == "/interim" ? 100 : 1000))
        }
        try await withHTTPServer(kind, responder: responder) { scenario async throws in
            let connection = try await scenario.raw()
            connection.write("GET /interim HTTP/1.1\r\n\r\nGET /huge HTTP/1.1\r\n\r\n")
            let responses = try await connection.waitForResponses(2)
            #expect(responses.map(\.code) == [500, 500])
            #expect(responses[0].text.contains("100"))
        }
    }

    @Test(arguments: TransportKind.allCases)
    func responderConnectionCloseClosesTheConnection(kind: TransportKind) async throws {
        let responder = ClosureResponder { _ in HTTPResponse(headers: ["Connection": "close"], body: Array("bye".utf8)) }
        try await withHTTPServer(kind, responder: responder) { scenario async throws in
            let connection = try await scenario.raw()
            connection.write("GET / HTTP/1.1\r\n\r\n")
            let response = try await connection.waitForResponses(1)[0]
            #expect(response.header("Connection") == "close")
            try await connection.waitForClose()
        }
    }

    @Test(arguments: TransportKind.allCases)
    func sendsContinueBeforeTheBody(kind: TransportKind) async throws {
        try await withHTTPServer(kind) { scenario async throws in
            let connection = try await scenario.raw()
            connection.write("POST /up HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
            try await waitUntil("100 Continue") { String(decoding: connection.received, as: UTF8.self).hasPrefix("HTTP/1.1 100 Continue\r\n\r\n") }
            connection.write("data")
            let responses = try await connection.waitForResponses(1)
            #expect(responses[0].text == "POST /up ? [data]")
        }
    }

    @Test(arguments: TransportKind.allCases)
    func answersAfterTheClientHalfCloses(kind: TransportKind) async throws {
        try await withHTTPServer(kind) { scenario async throws in
            let connection = try await scenario.raw()
            connection.write("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n")
            connection.shutdownOutput()
            let responses = try await connection.waitForResponses(2)
            #expect(responses.map(\.text) == ["GET /1 ? []", "GET /2 ? []"])
            try await connection.waitForClose()
            try await waitUntil("the server to close its side") { scenario.server.connectionCount == 0 }
        }
    }

    @Test(arguments: TransportKind.allCases)
    func responderFinishingAfterTheClientLeftIsHarmless(kind: TransportKind) async throws {
        let gate = AsyncGate()
        let responder = ClosureResponder { request in
            if request.path == "/slow" { await gate.wait() }
            return .text("done")
        }
        try await withHTTPServer(kind, responder: responder) { scenario async throws in
            let connection = try await scenario.raw()
            connection.write("GET /slow HTTP/1.1\r\n\r\n")
            try await waitUntil("the slow request to reach the responder") { gate.entered == 1 }
            connection.close()
            // The server cannot tell a close from a half-close, so it answers first, then closes.
            gate.open()
            try await waitUntil("the server to close after answering") { scenario.server.connectionCount == 0 }
            let client = scenario.client()
            #expect(try await client.send(HTTPRequest(method: .get, target: "/fast")).bodyText == "done")
            await client.close()
        }
    }

    @Test(arguments: TransportKind.allCases)
    func pipelineLimitPausesReadingWithoutLosingRequests(kind: TransportKind) async throws {
        let gate = AsyncGate()
        let seen = Mutex<[String]>([])
        let responder = ClosureResponder { request in
            seen.withLock { $0.append(request.query) }
            await gate.wait()
            return .text(request.query)
        }
        var configuration = HTTPServerConfiguration()
        configuration.maxPipelinedRequests = 2
        try await withHTTPServer(kind, configuration: configuration, responder: responder) { scenario async throws in
            let connection = try await scenario.raw()
            connection.write((0..<20).map { "GET /q?\($0) HTTP/1.1\r\n\r\n" }.joined())
            try await waitUntil("the first request to reach the responder") { gate.entered == 1 }
            // One at a time per connection, whatever the pipeline holds.
            #expect(seen.withLock { $0 } == ["0"])
            gate.open()
            let responses = try await connection.waitForResponses(20)
            #expect(responses.map(\.text) == (0..<20).map { "\($0)" })
            #expect(seen.withLock { $0 } == (0..<20).map { "\($0)" })
        }
    }
}
