import NacosGRPC
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// hyper-h2 as a raw HTTP/2 peer of our gRPC port (Tests/Peers/h2_raw_peer.py): frames split at every byte,
/// 1-byte windows, CONTINUATION, HPACK table eviction, a bad preface, malformed frames answered with the
/// RFC's GOAWAY codes, an oversize header list, RST_STREAM mid-message, 1,000 concurrent streams, rapid
/// reset and PING floods; and a well-behaved client on another connection is unaffected throughout.
@Suite("HTTP/2 raw peer (hyper-h2)")
struct HTTP2RawPeerTests {
    static let scenarios = [
        "split", "tiny-window", "continuation", "dynamic-table", "bad-preface", "malformed", "oversize-headers",
        "rst-mid-message", "many-streams", "rapid-reset", "ping",
    ]

    @Test(arguments: Self.scenarios)
    func scenario(_ scenario: String) async throws {
        try await withGRPCNamingServer { server in
            // A client of ours on its own connection, held through the peer's scenario.
            var configuration = NacosRpcClientConfiguration(name: "bystander", serverAddresses: [server.address])
            configuration.protocolLayer = NacosGRPCProtocol()
            configuration.labels = ["source": "sdk", "module": "naming"]
            let bystander = NacosRpcClient(configuration: configuration, transport: server.transport, payloads: .naming, logger: .disabled())
            defer { bystander.shutdown() }
            #expect(await bystander.start())
            let connectionId = bystander.connectionId

            let outcome = try await PythonPeer.run("h2_raw_peer.py", ["--target", "127.0.0.1:\(server.port)", scenario], timeout: .seconds(150))
            #expect(outcome.succeeded, "\(outcome)")
            let checks = outcome.jsonLines.filter { $0["check"] != nil }
            #expect(!checks.isEmpty, "no check reported: \(outcome)")
            for check in checks where check["ok"] as? Bool != true {
                Issue.record("h2 check \(check["check"] ?? "?") failed: \(check)")
            }

            #expect(try await bystander.request(HealthCheckRequest(), expecting: HealthCheckResponse.self).success)
            #expect(bystander.connectionId == connectionId, "the other connection was never disturbed")
        }
    }
}
