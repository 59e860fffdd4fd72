import NacosClient
import NacosTestKit
import Testing

/// Three real `nacos-server` processes in cluster mode on loopback: SDK registrations made on each member
/// are replicated to every member and subscriber, and when a member is killed its SDK client moves to a
/// survivor and registers again while the copies of its old connection expire everywhere.
@Suite("nacos-server cluster processes")
struct ClusterProcessTests {
    /// The service every SDK client registers one instance of.
    static let service = "cluster-e2e"
    /// Short timers: verify and member reports every 500 ms, synced clients expire 4 s after their last
    /// renewal (a live owner renews them every verify round), and expired clients are removed every 500 ms.
    static let timers = [
        "--nacos.core.protocol.distro.data.verify.intervalMs=500",
        "--nacos.core.member.report.interval-ms=500",
        "--nacos.naming.client.expired.time=4s",
        "--nacos.naming.client.clean.interval=500ms",
    ]

    @Test("registrations on three members reach every member and subscriber; a killed member's client moves and its stale copies expire")
    func registrationsReplicateAndAKilledMembersClientsMoveAndExpire() async throws {
        try await withEventLoopGroup { group in
            try await withClusterProcesses(count: 3, arguments: Self.timers, group: group) { cluster in
                let nodes = cluster.nodes
                var clients: [NamingService] = []
                var recorders: [SubscriptionRecorder] = []
                var expected: [String] = []
                for index in nodes.indices {
                    let naming = try await cluster.startClient(homeAt: index, appName: "cluster-e2e-\(index)")
                    let recorder = SubscriptionRecorder()
                    try await naming.subscribe(serviceName: Self.service, listener: recorder.listener)
                    let ip = "10.77.0.\(index + 1)"
                    let port = 8000 + index
                    try await naming.registerInstance(serviceName: Self.service, ip: ip, port: port)
                    clients.append(naming)
                    recorders.append(recorder)
                    expected.append("\(ip):\(port)")
                }
                expected.sort()
                let connectionIds = clients.compactMap(\.connectionId)
                try #require(connectionIds.count == 3)

                // Every member lists the three instances and holds the three clients (one its own, two synced).
                try await pollUntil(timeout: .seconds(10), "every member to list the three instances and hold the three clients") {
                    for node in nodes {
                        guard try await node.instanceAddresses(of: Self.service) == expected,
                            try await node.clientIds().isSuperset(of: connectionIds)
                        else { return false }
                    }
                    return true
                }
                try await waitUntil(timeout: .seconds(10), interval: .milliseconds(10), "every subscription to see the three instances") {
                    recorders.allSatisfy { $0.lastAddresses == expected }
                }
                for node in nodes {
                    #expect(try await node.instanceAddresses(of: Self.service) == expected, "\(node.memberAddress)")
                }

                // Kill the first member: no graceful shutdown, its sockets just close.
                let victim = nodes[0]
                let survivors = Array(nodes.dropFirst())
                let moved = clients[0]
                let staleId = connectionIds[0]
                try await victim.kill()

                try await pollUntil(timeout: .seconds(10), "the survivors to mark \(victim.memberAddress) DOWN") {
                    for node in survivors where try await node.memberStates()[victim.memberAddress] != "DOWN" { return false }
                    return true
                }
                var movedId = staleId
                try await pollUntil(timeout: .seconds(10), "the killed member's SDK client to reconnect to a survivor") {
                    guard moved.isConnected, let id = moved.connectionId, id != staleId,
                        let holder = try await cluster.liveNode(holding: id)
                    else { return false }
                    movedId = id
                    return survivors.contains { $0 === holder }
                }
                let liveIds = [movedId] + connectionIds.dropFirst()

                // Converged: each survivor lists exactly the three instances (the re-registered one once) and
                // holds the three live clients, and the synced copy of the killed member's connection — which
                // also published 10.77.0.1:8000 — has expired on both.
                try await pollUntil(timeout: .seconds(15), interval: .milliseconds(50), "the survivors to converge without the stale client") {
                    for node in survivors {
                        guard try await node.instanceAddresses(of: Self.service) == expected else { return false }
                        let ids = try await node.clientIds()
                        guard ids.isSuperset(of: liveIds), !ids.contains(staleId) else { return false }
                    }
                    return true
                }
                try await waitUntil(timeout: .seconds(10), interval: .milliseconds(10), "every subscription to see the three instances again") {
                    recorders.allSatisfy { $0.lastAddresses == expected }
                }
                for node in survivors {
                    #expect(try await node.instanceAddresses(of: Self.service) == expected, "\(node.memberAddress)")
                    let ids = try await node.clientIds()
                    #expect(!ids.contains(staleId), "\(node.memberAddress) still holds \(staleId)")
                    #expect(ids.isSuperset(of: liveIds), "\(node.memberAddress) holds \(ids.sorted()), not all of \(liveIds)")
                }
            }
        }
    }
}
