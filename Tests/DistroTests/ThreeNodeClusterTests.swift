import NacosClient
import NacosDistro
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import Synchronization
import Testing

@Suite("Three-node cluster (in-memory, manual clock)")
struct ThreeNodeClusterTests {
    static let members = ["10.0.0.1:8848", "10.0.0.2:8848", "10.0.0.3:8848"]

    @Test("a register on A reaches the subscribers of B and C; A's client going away removes it everywhere")
    func registerReachesEveryNodeAndDisconnectRemovesIt() async throws {
        try await withClusterTestScope { scope in
            let nodes = try await self.startAll(scope)
            try await scope.advanceUntil("every node initialized") { nodes.allSatisfy { $0.cluster.isInitialized } }
            let provider = try await scope.makeService(on: nodes[0])
            let recorders = [NamingEventRecorder(), NamingEventRecorder()]
            let watchers = [try await scope.makeService(on: nodes[1]), try await scope.makeService(on: nodes[2])]
            for (watcher, recorder) in zip(watchers, recorders) {
                try await watcher.subscribe(serviceName: "orders", listener: recorder.listener)
            }
            try await provider.registerInstance(serviceName: "orders", ip: "192.168.0.10", port: 8080)

            try await scope.advanceUntil("B and C subscribers pushed the instance") {
                recorders.allSatisfy { $0.lastAddresses == ["192.168.0.10:8080"] }
            }
            #expect(nodes.allSatisfy { $0.addresses("orders") == ["192.168.0.10:8080"] })
            // The copies on B and C are synced, not native.
            let clientId = try #require(nodes[0].registry.clients.connectionClients.allClientIds.first)
            for node in nodes.dropFirst() {
                #expect(node.registry.clients.connectionClients.connectionClient(clientId)?.isNative == false)
            }

            provider.shutdown()
            try await scope.advanceUntil("the instance gone from every node and every subscriber") {
                nodes.allSatisfy { $0.addresses("orders").isEmpty } && recorders.allSatisfy { $0.lastAddresses == [] }
            }
            for node in nodes {
                #expect(node.registry.clients.connectionClients.connectionClient(clientId) == nil)
            }
        }
    }

    @Test("a node that starts late loads the snapshot before it reports ready")
    func lateNodeLoadsTheSnapshot() async throws {
        try await withClusterTestScope { scope in
            let first = try await scope.startNode(Self.members[0], members: Self.members)
            let second = try await scope.startNode(Self.members[1], members: Self.members)
            let providers = [try await scope.makeService(on: first), try await scope.makeService(on: second)]
            try await providers[0].registerInstance(serviceName: "catalog", ip: "192.168.1.1", port: 80)
            try await providers[1].registerInstance(serviceName: "catalog", ip: "192.168.1.2", port: 80)
            try await scope.advanceUntil("the first two nodes agree") {
                first.addresses("catalog").count == 2 && second.addresses("catalog").count == 2
            }

            let late = try await scope.startNode(Self.members[2], members: Self.members)
            try await scope.advanceUntil("the late node initialized") { late.cluster.isInitialized }
            #expect(late.addresses("catalog") == ["192.168.1.1:80", "192.168.1.2:80"])
            #expect(late.cluster.distro.statistics.loadSucceeded == 1)
        }
    }

    @Test("a node whose Distro messages were lost converges through verify once they flow again")
    func droppedMessagesConvergeThroughVerify() async throws {
        try await withClusterTestScope { scope in
            let nodes = try await self.startAll(scope)
            try await scope.advanceUntil("every node initialized") { nodes.allSatisfy { $0.cluster.isInitialized } }
            scope.partitions.set(nodes[2].address, partitioned: true)
            let provider = try await scope.makeService(on: nodes[0])
            try await provider.registerInstance(serviceName: "billing", ip: "192.168.2.1", port: 9000)
            try await scope.advanceUntil("B has the instance") { nodes[1].addresses("billing") == ["192.168.2.1:9000"] }
            // Advance past several verify rounds while the messages are still dropped: C stays behind.
            for _ in 0..<40 { scope.clock.advance(by: .milliseconds(500)) }
            #expect(nodes[2].addresses("billing").isEmpty)

            scope.partitions.set(nodes[2].address, partitioned: false)
            try await scope.advanceUntil("C converged", step: .milliseconds(100)) {
                nodes[2].addresses("billing") == ["192.168.2.1:9000"]
            }
        }
    }

    @Test("ip:port clients of 1.x registrations are owned by their responsible node and replicated")
    func ipPortClientsFollowTheMapper() async throws {
        try await withClusterTestScope { scope in
            let nodes = try await self.startAll(scope)
            try await scope.advanceUntil("every node initialized") { nodes.allSatisfy { $0.cluster.isInitialized } }
            // Find an address each node is responsible for and register it there, as the HTTP filter would.
            for (index, node) in nodes.enumerated() {
                let port = try #require((1...10_000).first { node.cluster.mapper.isResponsible("192.168.3.1:\($0)") })
                var instance = Instance(ip: "192.168.3.1", port: port)
                instance.metadata = ["node": "\(index)"]
                try node.registry.operations.registerIpPortInstance(
                    instance,
                    service: Service(namespace: "public", group: NamingDefaults.group, name: "legacy")
                )
            }
            try await scope.advanceUntil("every node lists all three") { nodes.allSatisfy { $0.addresses("legacy").count == 3 } }
        }
    }

    @Test("a member that stops is marked DOWN, leaves the mapper, and its clients expire on the others")
    func stoppedMemberGoesDownAndItsClientsExpire() async throws {
        try await withClusterTestScope { scope in
            let nodes = try await self.startAll(scope)
            try await scope.advanceUntil("every node initialized") { nodes.allSatisfy { $0.cluster.isInitialized } }
            let provider = try await scope.makeService(on: nodes[2])
            try await provider.registerInstance(serviceName: "inventory", ip: "192.168.4.1", port: 7000)
            try await scope.advanceUntil("A and B have C's instance") {
                nodes[0].addresses("inventory") == ["192.168.4.1:7000"] && nodes[1].addresses("inventory") == ["192.168.4.1:7000"]
            }

            await nodes[2].stop()
            let dead = nodes[2].address
            try await scope.advanceUntil("A and B see C down") {
                nodes.prefix(2).allSatisfy { $0.cluster.members.member(dead)?.state == .down }
            }
            #expect(nodes.prefix(2).allSatisfy { !$0.cluster.mapper.healthyMembers.contains(dead) })
            // Nobody renews C's clients any more: they expire after the synced-client expiry (3 min).
            #expect(nodes[0].addresses("inventory") == ["192.168.4.1:7000"])
            try await scope.advanceUntil("C's instance expired on A and B", step: .seconds(5)) {
                nodes.prefix(2).allSatisfy { $0.addresses("inventory").isEmpty }
            }
        }
    }

    @Test("the cluster loader reads every member's connection counts")
    func loaderReadsEveryMember() async throws {
        try await withClusterTestScope { scope in
            let nodes = try await self.startAll(scope)
            _ = try await scope.makeService(on: nodes[1])
            let loads = await nodes[0].cluster.loader.memberLoads(timeout: .seconds(5))
            #expect(loads.map(\.address) == Self.members)
            #expect(loads.map(\.sdkConnectionCount) == [0, 1, 0])
        }
    }

    private func startAll(_ scope: ClusterTestScope) async throws -> [ClusterTestNode] {
        var nodes: [ClusterTestNode] = []
        for member in Self.members {
            nodes.append(try await scope.startNode(member, members: Self.members))
        }
        return nodes
    }
}

/// Records the instance lists a subscription listener receives.
final class NamingEventRecorder: Sendable {
    private let events = Mutex<[Set<String>]>([])

    /// The listener to subscribe with.
    var listener: @Sendable (NamingEvent) -> Void {
        { event in
            let addresses = Set(event.instances.map { "\($0.ip):\($0.port)" })
            self.events.withLock { $0.append(addresses) }
        }
    }

    /// The addresses of the last event, or `nil` before the first.
    var lastAddresses: Set<String>? { self.events.withLock { $0.last } }
}
