import NacosHTTP
import NacosTestKit
import NacosTransport
import Testing

@Suite struct HTTPFuzzTests {
    static let templates: [String] = [
        "GET /nacos/v1/ns/instance/list?serviceName=DEFAULT_GROUP%40%40a&clusters=c HTTP/1.1\r\nHost: h\r\nUser-Agent: Nacos-Java-Client:v1.4.1\r\n\r\n",
        "POST /nacos/v1/ns/instance HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 38\r\n\r\nserviceName=a&ip=10.0.0.1&port=8080&x=",
        "PUT /nacos/v1/ns/instance/beat HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nbeat=\r\n3\r\n{ }\r\n0\r\nT: 1\r\n\r\n",
        "DELETE /x HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
        "POST /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nbody",
    ]

    static let knownStatuses: Set<Int> = [200, 400, 408, 413, 414, 431, 501, 505]

    /// One connection's input: random bytes, a mutated template, a truncated template, or several
    /// templates with garbage between them.
    static func input(_ random: inout SeededRandom) -> [UInt8] {
        let template = Array(Self.templates[Int(random.next() % UInt64(Self.templates.count))].utf8)
        switch random.next() % 4 {
        case 0:
            return random.bytes(Int(random.next() % 3000) + 1)
        case 1:
            var bytes = template
            for _ in 0..<(Int(random.next() % 6) + 1) {
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 4 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
                case 2: bytes.remove(at: position)
                default: bytes.insert(contentsOf: [13, 10, 58, 32, 48, 0x7F][Int(random.next() % 6)...].prefix(2), at: position)
                }
                if bytes.isEmpty { bytes = [0] }
            }
            return bytes
        case 2:
            return Array(template.prefix(Int(random.next() % UInt64(template.count))))
        default:
            var bytes: [UInt8] = []
            for _ in 0..<3 {
                bytes += Array(Self.templates[Int(random.next() % UInt64(Self.templates.count))].utf8)
                if random.next() % 2 == 0 { bytes += random.bytes(Int(random.next() % 8)) }
            }
            return bytes
        }
    }

    @Test(arguments: TransportKind.allCases)
    func randomAndMutatedInputNeverHurtsTheServer(kind: TransportKind) async throws {
        var configuration = HTTPServerConfiguration()
        configuration.requestTimeout = .milliseconds(300)
        configuration.idleTimeout = .milliseconds(300)
        configuration.maxHeaderBytes = 2048
        configuration.maxRequestLineBytes = 512
        configuration.maxBodyBytes = 4096
        try await withHTTPServer(kind, configuration: configuration) { scenario async throws in
            var random = SeededRandom(seed: kind == .tcp ? 0x5EED_0001 : 0x5EED_0002)
            var connections: [RawHTTPConnection] = []
            for index in 0..<32 {
                let connection = try await scenario.raw()
                let bytes = Self.input(&random)
                connection.writeInPieces(bytes, size: Int(random.next() % 64) + 1)
                if index % 5 == 0 { connection.close() }
                connections.append(connection)
            }

            // Another client is served as usual meanwhile.
            let client = scenario.client()
            let good = try await client.send(HTTPRequest(method: .post, target: "/still/alive", body: Array("yes".utf8)))
            #expect(good.bodyText == "POST /still/alive ? [yes]")
            await client.close()

            // Every fuzzed connection ends: bad input is answered and closed, partial input times out, and
            // complete requests are answered before the idle timeout closes the connection.
            for (index, connection) in connections.enumerated() {
                try await connection.waitForClose(timeout: .seconds(10))
                let parsed = RawHTTPResponse.parseAll(connection.received)
                let unknown = parsed.responses.map(\.code).filter { !Self.knownStatuses.contains($0) }
                #expect(unknown.isEmpty, "connection \(index) got statuses \(unknown)")
                #expect(parsed.rest == 0 || index % 5 == 0, "connection \(index) got a truncated response")
            }
            try await waitUntil("every connection to close") { scenario.server.connectionCount == 0 }
        }
    }
}
