import NacosHTTP
import Testing

@Suite struct HTTPRequestParserTests {
    /// Three requests back to back: a GET with a query, a form POST with Content-Length, and a chunked POST
    /// with a chunk extension, a bare-LF line and a trailer field.
    static let stream: [UInt8] = Array(
        ("GET /nacos/v1/ns/instance/list?serviceName=a%40b&x=1 HTTP/1.1\r\nHost: h\r\nUser-Agent:  test/1  \r\n\r\n"
            + "POST /nacos/v1/ns/instance HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 23\r\n\r\n"
            + "serviceName=a&ip=1.2.3."
            + "POST /chunked HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n1A\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: t\r\n\r\n").utf8
    )

    static let expected: [ParserProbe.Summary] = [
        .init(
            method: "GET",
            target: "/nacos/v1/ns/instance/list?serviceName=a%40b&x=1",
            path: "/nacos/v1/ns/instance/list",
            query: "serviceName=a%40b&x=1",
            versionMinor: 1,
            headers: ["Host=h", "User-Agent=test/1"],
            body: [],
            keepAlive: true
        ),
        .init(
            method: "POST",
            target: "/nacos/v1/ns/instance",
            path: "/nacos/v1/ns/instance",
            query: "",
            versionMinor: 1,
            headers: ["Content-Type=application/x-www-form-urlencoded", "Content-Length=23"],
            body: Array("serviceName=a&ip=1.2.3.".utf8),
            keepAlive: true
        ),
        .init(
            method: "POST",
            target: "/chunked",
            path: "/chunked",
            query: "",
            versionMinor: 1,
            headers: ["Transfer-Encoding=chunked"],
            body: Array("helloabcdefghijklmnopqrstuvwxyz".utf8),
            keepAlive: true
        ),
    ]

    @Test func parsesAStreamOfRequestsInOnePiece() {
        let outcome = ParserProbe().run(Self.stream)
        #expect(outcome.errorStatus == nil)
        #expect(outcome.requests == Self.expected)
    }

    @Test func parsesTheSameAtEverySplitPoint() {
        let probe = ParserProbe()
        for split in 0...Self.stream.count {
            let outcome = probe.run([Array(Self.stream[..<split]), Array(Self.stream[split...])])
            if outcome.requests != Self.expected || outcome.errorStatus != nil {
                Issue.record("split at \(split): \(outcome.requests) error \(String(describing: outcome.errorStatus))")
                return
            }
        }
    }

    @Test func parsesTheSameFedByteByByte() {
        let outcome = ParserProbe().run(Self.stream.map { [$0] })
        #expect(outcome.errorStatus == nil)
        #expect(outcome.requests == Self.expected)
    }

    @Test func parsesTheChunkedRequestAtEveryPairOfSplitPoints() {
        let marker = Array("POST /chunked".utf8)
        let start = (0...(Self.stream.count - marker.count)).first { Array(Self.stream[$0..<($0 + marker.count)]) == marker }!
        let tail = Array(Self.stream[start...])
        let probe = ParserProbe()
        for first in 0...tail.count {
            for second in first...tail.count {
                let outcome = probe.run([Array(tail[..<first]), Array(tail[first..<second]), Array(tail[second...])])
                if outcome.requests != [Self.expected[2]] || outcome.errorStatus != nil {
                    Issue.record("splits at \(first) and \(second): \(outcome.requests) error \(String(describing: outcome.errorStatus))")
                    return
                }
            }
        }
    }

    @Test func toleratesBareLineFeedsAndLeadingEmptyLines() {
        let outcome = ParserProbe().run("\r\n\nGET /a HTTP/1.1\nHost: x\n\nGET /b HTTP/1.0\n\n")
        #expect(outcome.errorStatus == nil)
        #expect(outcome.requests.map(\.path) == ["/a", "/b"])
        #expect(outcome.requests.map(\.keepAlive) == [true, false])
    }

    @Test func decodesThePathAndKeepsTheRawQuery() {
        let outcome = ParserProbe().run("GET /a%20b/c%zz+d?q=%20+x HTTP/1.1\r\n\r\n")
        #expect(outcome.requests.first?.path == "/a b/c%zz+d")
        #expect(outcome.requests.first?.query == "q=%20+x")
    }

    @Test func acceptsAbsoluteFormTargets() {
        let outcome = ParserProbe().run("GET http://example.com:8848/nacos/v1?x=1 HTTP/1.1\r\n\r\nGET http://example.com HTTP/1.1\r\n\r\n")
        #expect(outcome.requests.map(\.path) == ["/nacos/v1", "/"])
        #expect(outcome.requests.first?.query == "x=1")
    }

    @Test func keepAliveFollowsVersionAndConnectionField() {
        let probe = ParserProbe()
        #expect(probe.run("GET / HTTP/1.1\r\n\r\n").requests.first?.keepAlive == true)
        #expect(probe.run("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n").requests.first?.keepAlive == false)
        #expect(probe.run("GET / HTTP/1.1\r\nConnection: upgrade, close\r\n\r\n").requests.first?.keepAlive == false)
        #expect(probe.run("GET / HTTP/1.0\r\n\r\n").requests.first?.keepAlive == false)
        #expect(probe.run("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").requests.first?.keepAlive == true)
        #expect(probe.run("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").requests.first?.versionMinor == 0)
    }

    @Test func transferEncodingWinsOverContentLengthAndClosesAfterwards() {
        let outcome = ParserProbe().run("POST / HTTP/1.1\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        #expect(outcome.errorStatus == nil)
        #expect(outcome.requests.first?.body == Array("abc".utf8))
        #expect(outcome.requests.first?.keepAlive == false)
    }

    @Test func acceptsRepeatedEqualContentLengths() {
        let outcome = ParserProbe().run("POST / HTTP/1.1\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc")
        #expect(outcome.errorStatus == nil)
        #expect(outcome.requests.first?.body == Array("abc".utf8))
    }

    @Test func aRequestWithoutFramingHasNoBody() {
        let outcome = ParserProbe().run("POST /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n")
        #expect(outcome.requests.map(\.path) == ["/a", "/b"])
        #expect(outcome.requests.first?.body == [])
    }

    @Test func signalsExpectContinueOnlyWhileTheBodyHasNotStarted() {
        let probe = ParserProbe()
        let head = "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"
        let waiting = probe.run([Array(head.utf8), Array("ok".utf8)])
        #expect(waiting.continues == 1)
        #expect(waiting.requests.first?.body == Array("ok".utf8))
        #expect(probe.run(head + "ok").continues == 0)
    }

    @Test(arguments: [
        ("GET / HTTP/2.0\r\n\r\n", 505),
        ("PRI * HTTP/2.0\r\n\r\n", 505),
        ("GET / HTTP/1.1x\r\n\r\n", 400),
        ("GET / http/1.1\r\n\r\n", 400),
        ("GET /\r\n\r\n", 400),
        ("GET  / HTTP/1.1\r\n\r\n", 400),
        ("GET / a HTTP/1.1\r\n\r\n", 400),
        ("G(T / HTTP/1.1\r\n\r\n", 400),
        ("GET /\u{01} HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nName : v\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nNo colon here\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n: empty name\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nA: b\u{00}c\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: \r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", 400),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n;ext\r\n", 400),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n", 400),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\rx", 400),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\rx", 400),
    ])
    func rejectsMalformedRequests(input: String, status: Int) {
        #expect(ParserProbe().errorStatus(input) == status, "\(input.debugDescription)")
    }

    @Test func enforcesTheHeadLimits() {
        var probe = ParserProbe()
        probe.configuration.maxHeaderBytes = 1024
        probe.configuration.maxRequestLineBytes = 256
        let longTarget = "/" + String(repeating: "a", count: 300)
        // A long request line: 414, whether or not its end has arrived.
        #expect(probe.errorStatus("GET \(longTarget) HTTP/1.1\r\n\r\n") == 414)
        #expect(probe.errorStatus("GET \(longTarget)") == 414)
        // Many fields: 431, whether or not the head's end has arrived.
        let fields = (0..<60).map { "X-Field-\($0): value\r\n" }.joined()
        #expect(probe.errorStatus("GET / HTTP/1.1\r\n\(fields)\r\n") == 431)
        #expect(probe.errorStatus("GET / HTTP/1.1\r\n\(fields)") == 431)
        // Just under the limits passes.
        let fewer = (0..<10).map { "X-Field-\($0): value\r\n" }.joined()
        #expect(probe.run("GET /\(String(repeating: "a", count: 200)) HTTP/1.1\r\n\(fewer)\r\n").requests.count == 1)
    }

    @Test func enforcesTheBodyLimit() {
        var probe = ParserProbe()
        probe.configuration.maxBodyBytes = 10
        #expect(probe.errorStatus("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n") == 413)
        #expect(probe.errorStatus("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n") == 413)
        #expect(probe.run("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789").requests.count == 1)
        #expect(probe.errorStatus("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\n") == 413)
        #expect(probe.errorStatus("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFFFFFF\r\n") == 413)
        #expect(probe.run("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n4\r\nghij\r\n0\r\n\r\n").requests.count == 1)
    }

    @Test func boundsTheTrailerSection() {
        var probe = ParserProbe()
        probe.configuration.maxHeaderBytes = 128
        let trailers = String(repeating: "X-T: 0123456789\r\n", count: 20)
        #expect(probe.errorStatus("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\(trailers)\r\n") == 431)
    }
}
