import NacosHTTP
import NacosNaming
import NacosTestKit
import NacosTransport
import Testing

/// Random and malformed input on the Open API server: garbage parameters on every route, raw random and
/// mutated requests, deep JSON, invalid UTF-8 and huge numbers never crash the server, never answer 500,
/// and never disturb another client's registrations.
@Suite("OpenAPI fuzz") struct OpenAPIFuzzTests {
    typealias Paths = OpenAPIPaths

    /// The parameter names the endpoints read.
    static let names = [
        "serviceName", "groupName", "namespaceId", "ip", "port", "weight", "healthy", "enabled", "enable", "ephemeral",
        "clusterName", "cluster", "clusters", "metadata", "beat", "udpPort", "clientIP", "healthyOnly", "app", "pageNo",
        "pageSize", "protectThreshold", "selector", "aggregation", "onlyStatus", "entry", "value", "count", "connectionId",
        "redirectAddress", "loaderFactor", "force", "clientId", "checkPort", "useInstancePort4Check", "healthChecker", "valid",
    ]

    /// Values that are wrong (or odd) in every way a parameter can be.
    static let values: [String] = [
        "", " ", "0", "-1", "1", "65536", "99999999999999999999999", "-99999999999999999999", "+7", "0x10", "1e309", "NaN",
        "-0.0", "10000.0000001", "true", "FALSE", "yes", "None", "@@", "@@x", "g@@", "a@@b@@c", "DEFAULT_GROUP@@fuzz",
        "fuzz", "10.0.0.1", "::1", "服务", "a b", "a,b", "c_1", "\u{FFFD}", "\t", "\u{7F}", String(repeating: "x", count: 600),
        "{}", "[]", "{\"a\":", "{\"a\":1}", #"{"ip":"10.0.0.9","port":"x"}"#, #"{"ip":7,"port":1}"#, #"{"metadata":[1,2]}"#,
        #"{"ip":"10.0.0.9","port":70000,"weight":-5}"#, #"{"type":"NONE"}"#, "k=v", "=v", "k=", "a=1,,b=2",
        String(repeating: "[", count: 5000), String(repeating: "{\"a\":", count: 3000) + "1" + String(repeating: "}", count: 3000),
        String(repeating: "{\"a\":", count: 60) + "1" + String(repeating: "}", count: 60),
    ]

    /// Raw, percent-level garbage for query strings (invalid UTF-8, broken escapes, NULs).
    static let rawValues = ["%FF%FE", "%C3%28", "%00", "%", "%%", "%G1", "%E2%82", "a%2", "%F0%9F%98", "+%2B+", "%C0%AF"]

    /// Random parameters for one request.
    static func parameters(_ random: inout SeededRandom) -> [(String, String)] {
        var result: [(String, String)] = []
        for _ in 0..<Int(random.next() % 8) {
            let name = Self.names[Int(random.next() % UInt64(Self.names.count))]
            let value = Self.values[Int(random.next() % UInt64(Self.values.count))]
            result.append((name, value))
        }
        return result
    }

    @Test func garbageParametersOnEveryRouteNeverFailTheServer() async throws {
        try await OpenAPIHarness.run(udp: true) { harness in
            let keeper = [("serviceName", "keeper"), ("namespaceId", "keepers"), ("ip", "10.9.9.9"), ("port", "9999")]
            try await harness.registry.namespaceOperator.create(id: "keepers", name: "keepers", description: "")
            #expect(try await harness.post(Paths.v1Instance, keeper).status == 200)
            let routes = NacosOpenAPI(context: OpenAPIContext(registry: harness.registry, connections: harness.manager, selfAddress: "x"))
                .makeRouter().paths
            #expect(routes.count >= 38, "\(routes)")
            let methods: [HTTPMethod] = [.get, .post, .put, .patch, .delete]
            let fuzzer = harness.newClient()
            var random = SeededRandom(seed: 0x0A_F1_2024)
            var statuses: [Int: Int] = [:]
            for index in 0..<600 {
                let path = routes[Int(random.next() % UInt64(routes.count))]
                let method = methods[Int(random.next() % UInt64(methods.count))]
                var parameters = Self.parameters(&random)
                if random.next() % 3 == 0 { parameters.append(("serviceName", "fuzz")) }
                var headers: [(String, String)] = []
                if random.next() % 3 == 0 {
                    // A 1.x agent that may be subscribed for UDP pushes, always on loopback (the first value wins).
                    headers.append(("User-Agent", "Nacos-Java-Client:v1.4.1"))
                    parameters.insert(("clientIP", "127.0.0.1"), at: 0)
                }
                let reply: OpenAPIReply
                if random.next() % 4 == 0 {
                    // Percent-level garbage straight into the query string.
                    let name = Self.names[Int(random.next() % UInt64(Self.names.count))]
                    let raw = Self.rawValues[Int(random.next() % UInt64(Self.rawValues.count))]
                    let query = FormEncoding.encode(parameters) + "&\(name)=\(raw)"
                    reply = try await harness.call(method, path + "?" + query, headers: headers, via: fuzzer)
                } else {
                    reply = try await harness.call(method, path, parameters, form: random.next() % 2 == 0, headers: headers, via: fuzzer)
                }
                statuses[reply.status, default: 0] += 1
                #expect([200, 400, 404, 405, 414, 431, 503].contains(reply.status), "#\(index) \(method) \(path) \(parameters): \(reply)")
                let enveloped = path.hasPrefix("/nacos/v2/ns") && !path.hasSuffix("/beat")
                // The router's 405 and the HTTP layer's limits (414, 431) are not the API's answers.
                if enveloped && ![405, 414, 431].contains(reply.status) {
                    #expect(reply.json.keys.sorted() == ["code", "data", "message"], "#\(index) \(method) \(path): \(reply)")
                }
            }
            #expect(statuses[200, default: 0] > 20 && statuses[400, default: 0] > 60, "\(statuses)")

            // The keeper is untouched and a well-behaved client is served as usual.
            let kept = try await harness.hosts("keeper", [("namespaceId", "keepers")])
            #expect(kept.map { $0["ip"].string } == ["10.9.9.9"])
            let other = harness.newClient()
            let good = try await harness.call(.get, Paths.v1 + "/operator/metrics", via: other)
            #expect(good.text == #"{"status":"UP"}"#)
        }
    }

    @Test func deepJSONHugeNumbersAndInvalidUTF8AreAnsweredWith400() async throws {
        try await OpenAPIHarness.run { harness in
            let instance = [("serviceName", "deep"), ("ip", "10.0.0.1"), ("port", "1")]
            let deepObject = String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000)
            let deepArray = String(repeating: "[", count: 200_000)
            for metadata in [deepObject, deepArray, "{" + (0..<20_000).map { "\"k\($0)\":1" }.joined(separator: ",") + "}"] {
                let reply = try await harness.post(Paths.v1Instance, instance + [("metadata", metadata)])
                #expect(reply.status == 400, "\(reply)")
            }
            for beat in [deepObject, deepArray, #"{"ip":"10.0.0.1","port":99999999999999999999999}"#, #"{"metadata":{"a":{"b":1}}}"#] {
                let reply = try await harness.put(Paths.v1Beat, [("serviceName", "deep"), ("beat", beat)])
                #expect(reply.status == 400, "\(reply)")
            }
            let hugePort = try await harness.call(.post, Paths.v1Instance + "?serviceName=deep&ip=10.0.0.1&port=" + String(repeating: "9", count: 4000))
            #expect(hugePort.status == 400)
            let hugeWeight = try await harness.post(Paths.v1Instance, instance + [("weight", "1" + String(repeating: "0", count: 400))])
            #expect(hugeWeight.status == 400)
            // Invalid UTF-8 in a form body (not percent-encoded) is decoded with replacement characters.
            let body = Array("serviceName=deep&ip=10.0.0.1&port=1&metadata=k%3D".utf8) + [0xFF, 0xC3, 0x28]
            let raw = try await harness.client.send(
                HTTPRequest(method: .post, target: Paths.v1Instance, headers: ["Content-Type": "application/x-www-form-urlencoded"], body: body)
            )
            #expect(raw.status.code == 200, "\(raw.bodyText)")
            let host = try #require(try await harness.hosts("deep").first)
            #expect(host["metadata"]["k"].string?.contains("\u{FFFD}") == true)
            let badName = try await harness.call(.get, Paths.v1List + "?serviceName=%FF%FE%20x")
            #expect(badName.status == 400)
        }
    }

    /// Valid Open API requests to mutate.
    static let templates: [String] = [
        "POST /nacos/v1/ns/instance HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 41\r\n\r\nserviceName=fuzz&ip=10.0.0.1&port=8080&x=",
        "GET /nacos/v1/ns/instance/list?serviceName=fuzz&clusters=c1&healthyOnly=true HTTP/1.1\r\nUser-Agent: Nacos-Java-Client:v1.4.1\r\n\r\n",
        "PUT /nacos/v1/ns/instance/beat?serviceName=fuzz&ip=10.0.0.1&port=8080 HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        "PUT /nacos/v1/ns/instance/beat HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n1a\r\nserviceName=fuzz&beat=%7B%7D\r\n0\r\n\r\n",
        "DELETE /nacos/v2/ns/instance?serviceName=fuzz&ip=10.0.0.1&port=8080 HTTP/1.1\r\n\r\n",
        "GET /nacos/v2/core/loader/cluster HTTP/1.0\r\n\r\n",
        "PUT /nacos/v1/ns/operator/switches?entry=checkTimes&value=3 HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n",
    ]

    /// One connection's bytes: random bytes, a mutated template, or templates with garbage between them.
    static func input(_ random: inout SeededRandom) -> [UInt8] {
        let template = Array(Self.templates[Int(random.next() % UInt64(Self.templates.count))].utf8)
        switch random.next() % 3 {
        case 0:
            return random.bytes(Int(random.next() % 2000) + 1)
        case 1:
            var bytes = template
            for _ in 0..<(Int(random.next() % 5) + 1) {
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
                default: bytes.remove(at: position)
                }
                if bytes.isEmpty { bytes = [0] }
            }
            return bytes
        default:
            var bytes: [UInt8] = []
            for _ in 0..<3 {
                bytes += Array(Self.templates[Int(random.next() % UInt64(Self.templates.count))].utf8)
                if random.next() % 2 == 0 { bytes += random.bytes(Int(random.next() % 16)) }
            }
            return bytes
        }
    }

    @Test(arguments: TransportKind.allCases)
    func rawRandomAndMutatedRequestsDoNotDisturbOtherClients(kind: TransportKind) async throws {
        var http = HTTPServerConfiguration()
        http.requestTimeout = .milliseconds(300)
        // The harness's own keep-alive client must not be idled out between its requests on a loaded machine;
        // unfinished fuzz requests end through the request timeout.
        http.idleTimeout = .seconds(2)
        try await OpenAPIHarness.run(kind, http: http) { harness in
            let keeper = [("serviceName", "keeper"), ("namespaceId", "keepers"), ("ip", "10.9.9.9"), ("port", "9999")]
            try await harness.registry.namespaceOperator.create(id: "keepers", name: "keepers", description: "")
            #expect(try await harness.post(Paths.v1Instance, keeper).status == 200)
            var random = SeededRandom(seed: kind == .tcp ? 0x0A_F1_0001 : 0x0A_F1_0002)
            var connections: [RawHTTPConnection] = []
            for index in 0..<48 {
                let connection = try await harness.raw()
                connection.writeInPieces(Self.input(&random), size: Int(random.next() % 128) + 1)
                if index % 6 == 0 { connection.close() }
                connections.append(connection)
                if index % 8 == 0 {
                    // Meanwhile another client is served as usual and sees the keeper.
                    let other = harness.newClient()
                    let kept = try await harness.call(.get, Paths.v1List, [("serviceName", "keeper"), ("namespaceId", "keepers")], via: other)
                    #expect(kept.json["hosts"].array.map { $0["ip"].string } == ["10.9.9.9"], "\(kept)")
                }
            }
            for (index, connection) in connections.enumerated() {
                try await connection.waitForClose(timeout: .seconds(10))
                let codes = RawHTTPResponse.parseAll(connection.received).responses.map(\.code)
                #expect(!codes.contains(500), "connection \(index) got \(codes)")
            }
            #expect(try await harness.hosts("keeper", [("namespaceId", "keepers")]).count == 1)
            let registered = try await harness.post(Paths.v1Instance, [("serviceName", "after"), ("ip", "10.0.0.1"), ("port", "1")])
            #expect(registered.text == "ok")
            try await waitUntil("the fuzzed connections to close") { harness.server.connectionCount <= 2 }
        }
    }
}
