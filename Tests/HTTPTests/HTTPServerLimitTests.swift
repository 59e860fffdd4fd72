import NacosHTTP
import NacosTestKit
import NacosTransport
import Testing

@Suite struct HTTPServerLimitTests {
    @Test(arguments: TransportKind.allCases)
    func tooLargeBodyIs413(kind: TransportKind) async throws {
        var configuration = HTTPServerConfiguration()
        configuration.maxBodyBytes = 1000
        try await withHTTPServer(kind, configuration: configuration) { scenario async throws in
            let declared = try await scenario.raw()
            declared.write("POST / HTTP/1.1\r\nContent-Length: 1001\r\n\r\n")
            let response = try await declared.waitForResponses(1)[0]
            #expect(response.code == 413)
            #expect(response.header("Connection") == "close")
            try await declared.waitForClose()

            let chunked = try await scenario.raw()
            chunked.write("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + String(repeating: "100\r\n" + String(repeating: "x", count: 256) + "\r\n", count: 4))
            #expect(try await chunked.waitForResponses(1)[0].code == 413)
            try await chunked.waitForClose()

            // A body that is sent anyway is read and dropped while the server lingers, so the client still
            // gets its answer.
            let sent = try await scenario.raw()
            sent.write("POST / HTTP/1.1\r\nContent-Length: 200000\r\n\r\n" + String(repeating: "y", count: 200_000))
            #expect(try await sent.waitForResponses(1)[0].code == 413)
        }
    }

    @Test(arguments: TransportKind.allCases)
    func tooLargeHeadIs431AndTooLongLineIs414(kind: TransportKind) async throws {
        var configuration = HTTPServerConfiguration()
        configuration.maxHeaderBytes = 2048
        configuration.maxRequestLineBytes = 512
        try await withHTTPServer(kind, configuration: configuration) { scenario async throws in
            let fields = try await scenario.raw()
            fields.write("GET / HTTP/1.1\r\n" + String(repeating: "X-Filler: 0123456789abcdef\r\n", count: 100))
            let headResponse = try await fields.waitForResponses(1)[0]
            #expect(headResponse.code == 431)
            #expect(headResponse.header("Connection") == "close")
            try await fields.waitForClose()

            let line = try await scenario.raw()
            line.write("GET /" + String(repeating: "a", count: 600))
            #expect(try await line.waitForResponses(1)[0].code == 414)
            try await line.waitForClose()
        }
    }

    @Test(arguments: TransportKind.allCases)
    func slowRequestIs408(kind: TransportKind) async throws {
        var configuration = HTTPServerConfiguration()
        configuration.requestTimeout = .milliseconds(150)
        try await withHTTPServer(kind, configuration: configuration) { scenario async throws in
            let connection = try await scenario.raw()
            connection.write("GET / HTTP/1.1\r\nHost: x\r\n")  // never finished
            let response = try await connection.waitForResponses(1)[0]
            #expect(response.code == 408)
            #expect(response.header("Connection") == "close")
            try await connection.waitForClose()

            // A body that stops arriving times out the same way.
            let body = try await scenario.raw()
            body.write("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc")
            #expect(try await body.waitForResponses(1)[0].code == 408)
        }
    }

    @Test(arguments: TransportKind.allCases)
    func idleKeepAliveConnectionIsClosed(kind: TransportKind) async throws {
        var configuration = HTTPServerConfiguration()
        // Long enough that a loaded CI machine (the whole suite runs in parallel on 2 cores) still gets the
        // request to the server before the timer; the close after the response is what is checked.
        configuration.idleTimeout = .seconds(8)
        try await withHTTPServer(kind, configuration: configuration) { scenario async throws in
            let connection = try await scenario.raw()
            connection.write("GET / HTTP/1.1\r\n\r\n")
            #expect(try await connection.waitForResponses(1)[0].code == 200)
            try await connection.waitForClose(timeout: .seconds(30))
            #expect(RawHTTPResponse.parseAll(connection.received).responses.count == 1)
            try await waitUntil("the server to drop the connection") { scenario.server.connectionCount == 0 }
        }
    }

    @Test(arguments: TransportKind.allCases)
    func connectionsBeyondTheLimitAreClosed(kind: TransportKind) async throws {
        var configuration = HTTPServerConfiguration()
        configuration.maxConnections = 2
        try await withHTTPServer(kind, configuration: configuration) { scenario async throws in
            let first = try await scenario.raw()
            let second = try await scenario.raw()
            try await waitUntil("two connections") { scenario.server.connectionCount == 2 }
            let third = try await scenario.raw()
            try await third.waitForClose()
            #expect(third.received.isEmpty)
            #expect(scenario.server.connectionCount == 2)
            try await scenario.logs.waitForMessage(containing: "limit of 2 connections")
            for connection in [first, second] {
                connection.write("GET / HTTP/1.1\r\n\r\n")
                #expect(try await connection.waitForResponses(1)[0].code == 200)
            }
            first.close()
            try await waitUntil("a free slot") { scenario.server.connectionCount == 1 }
            let fourth = try await scenario.raw()
            fourth.write("GET / HTTP/1.1\r\n\r\n")
            #expect(try await fourth.waitForResponses(1)[0].code == 200)
        }
    }

    @Test(arguments: TransportKind.allCases)
    func malformedRequestsGetTheirStatusThenClose(kind: TransportKind) async throws {
        let cases: [(String, Int)] = [
            ("GET / HTTP/2.0\r\n\r\n", 505),
            ("NOT A REQUEST\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 400),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
            ("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
        ]
        try await withHTTPServer(kind) { scenario async throws in
            for (input, status) in cases {
                let connection = try await scenario.raw()
                // A good request first: it is answered before the error.
                connection.write("GET /ok HTTP/1.1\r\n\r\n" + input)
                let responses = try await connection.waitForResponses(2)
                #expect(responses.map(\.code) == [200, status], "\(input.debugDescription)")
                #expect(responses[1].header("Connection") == "close")
                #expect(responses[1].header("Content-Type") == "text/plain;charset=UTF-8")
                #expect(!responses[1].text.isEmpty)
                try await connection.waitForClose()
            }
            try await scenario.logs.waitForMessage(containing: "bad HTTP request")
        }
    }
}
