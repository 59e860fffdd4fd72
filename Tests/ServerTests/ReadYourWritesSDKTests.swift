import NacosClient
import NacosNamingAPI
import NacosRemote
import NacosServer
import NacosTestKit
import NacosTransport
import Testing

/// Read-your-writes through the SDK on a three-member cluster (in-process nodes, real wiring): an instance
/// an SDK client registers is returned by its very next query through the same member, and gone after
/// its deregister, on every member.
@Suite("Read-your-writes over the SDK (three in-process nodes)", .serialized)
struct ReadYourWritesSDKTests {
    /// Register + read rounds in all, spread over the members.
    static let rounds = 1_000

    @Test("1,000 register-then-query rounds through the SDK on three members, no miss; deregister is gone at once")
    func sdkReadsItsOwnWrites() async throws {
        try await withEventLoopGroup { group in
            try await InProcessCluster.run(group: group) { cluster in
                let transport = NacosTCPTransport(group: group, logger: .disabled())
                var clients: [NamingService] = []
                defer { for client in clients { client.shutdown() } }
                for member in cluster.members {
                    var configuration = NamingClientConfiguration(serverAddresses: [member.node.clientRpcAddress], appName: "ryw-sdk")
                    configuration.rpc.requestTimeout = .seconds(5)
                    let naming = try NamingService(configuration: configuration, transport: transport, clock: NacosSystemClock(group: group), logger: .disabled())
                    clients.append(naming)
                    #expect(await naming.start())
                }
                var misses: [String] = []
                for round in 0..<Self.rounds {
                    let naming = clients[round % clients.count]
                    let service = "ryw.sdk.\(round % 11)"
                    let port = 20_000 + round
                    try await naming.registerInstance(serviceName: service, ip: "192.0.2.7", port: port)
                    let listed = try await naming.getAllInstances(serviceName: service, subscribe: false)
                    if !listed.contains(where: { $0.port == port }) { misses.append("round \(round): register not read back") }
                    try await naming.deregisterInstance(serviceName: service, ip: "192.0.2.7", port: port)
                    let after = try await naming.getAllInstances(serviceName: service, subscribe: false)
                    if after.contains(where: { $0.port == port }) { misses.append("round \(round): deregister not read back") }
                }
                #expect(misses.isEmpty, "\(misses.count) misses: \(misses.prefix(5))")
            }
        }
    }
}
