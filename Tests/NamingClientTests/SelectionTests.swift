import NacosClient
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// Selection by cluster, health, weight and enabled flag, and cluster-scoped subscriptions, against the
/// real registry (reference §9 scenario 19).
@Suite("NamingService selection")
struct SelectionTests {
    private static let clusterA = [
        Instance(ip: "10.1.0.1", port: 80, clusterName: "A"),
        Instance(ip: "10.1.0.2", port: 80, healthy: false, clusterName: "A"),
        Instance(ip: "10.1.0.3", port: 80, weight: 0, clusterName: "A"),
        Instance(ip: "10.1.0.4", port: 80, enabled: false, clusterName: "A"),
    ]

    @Test func selectsByClusterHealthWeightAndEnabledFlag() async throws {
        try await withNamingTestScope { scope in
            let node = try await scope.startRegistry()
            let provider = try await scope.makeService(node)
            let consumer = try await scope.makeService(node)
            let service = UniqueName.next("select")
            let clusterB = [Instance(ip: "10.2.0.1", port: 80, weight: 2, clusterName: "B")]
            try await provider.batchRegisterInstance(serviceName: service, instances: Self.clusterA + clusterB)

            for subscribe in [false, true] {
                // The server leaves disabled instances out.
                let all = try await consumer.getAllInstances(serviceName: service, subscribe: subscribe)
                #expect(addresses(all) == ["10.1.0.1:80", "10.1.0.2:80", "10.1.0.3:80", "10.2.0.1:80"])
                let inA = try await consumer.getAllInstances(serviceName: service, clusters: ["A"], subscribe: subscribe)
                #expect(addresses(inA) == ["10.1.0.1:80", "10.1.0.2:80", "10.1.0.3:80"])
                let healthyInA = try await consumer.selectInstances(serviceName: service, clusters: ["A"], healthy: true, subscribe: subscribe)
                #expect(addresses(healthyInA) == ["10.1.0.1:80"])
                let unhealthyInA = try await consumer.selectInstances(serviceName: service, clusters: ["A"], healthy: false, subscribe: subscribe)
                #expect(addresses(unhealthyInA) == ["10.1.0.2:80"])
                let healthy = try await consumer.selectInstances(serviceName: service, subscribe: subscribe)
                #expect(addresses(healthy) == ["10.1.0.1:80", "10.2.0.1:80"])
                let both = try await consumer.getAllInstances(serviceName: service, clusters: ["B", " A ", "B"], subscribe: subscribe)
                #expect(both.count == 4)
                let one = try await consumer.selectOneHealthyInstance(serviceName: service, clusters: ["B"], subscribe: subscribe)
                #expect(one?.inetAddress == "10.2.0.1:80")
                #expect(try await consumer.getAllInstances(serviceName: service, clusters: ["C"], subscribe: subscribe).isEmpty)
                #expect(try await consumer.selectOneHealthyInstance(serviceName: service, clusters: ["C"], subscribe: subscribe) == nil)
            }
        }
    }

    @Test func aSubscriberOfOneClusterIsNotToldAboutAnother() async throws {
        try await withNamingTestScope { scope in
            let node = try await scope.startRegistry()
            let provider = try await scope.makeService(node)
            let consumer = try await scope.makeService(node)
            let service = UniqueName.next("clusters")
            let inA = NamingEventRecorder()
            let inB = NamingEventRecorder()
            let everything = NamingEventRecorder()
            try await provider.batchRegisterInstance(
                serviceName: service,
                instances: [Instance(ip: "10.1.0.1", port: 80, clusterName: "A"), Instance(ip: "10.2.0.1", port: 80, clusterName: "B")]
            )
            try await consumer.subscribe(serviceName: service, clusters: ["A"], listener: inA.listener)
            try await consumer.subscribe(serviceName: service, clusters: ["B"], listener: inB.listener)
            try await consumer.subscribe(serviceName: service, listener: everything.listener)
            try await inA.waitForAddresses(["10.1.0.1:80"])
            try await inB.waitForAddresses(["10.2.0.1:80"])
            try await everything.waitForAddresses(["10.1.0.1:80", "10.2.0.1:80"])

            // A change in cluster B only.
            try await provider.batchRegisterInstance(
                serviceName: service,
                instances: [
                    Instance(ip: "10.1.0.1", port: 80, clusterName: "A"), Instance(ip: "10.2.0.1", port: 80, clusterName: "B"),
                    Instance(ip: "10.2.0.2", port: 80, clusterName: "B"),
                ]
            )
            try await inB.waitForAddresses(["10.2.0.1:80", "10.2.0.2:80"])
            try await everything.waitForAddresses(["10.1.0.1:80", "10.2.0.1:80", "10.2.0.2:80"])
            // Then one in cluster A: the A listener's next event is this one, so it never heard of B's change.
            try await provider.batchRegisterInstance(
                serviceName: service,
                instances: [Instance(ip: "10.1.0.9", port: 80, clusterName: "A"), Instance(ip: "10.2.0.1", port: 80, clusterName: "B")]
            )
            try await inA.waitForAddresses(["10.1.0.9:80"])
            try await inB.waitForAddresses(["10.2.0.1:80"])
            #expect(inA.events.map { addresses($0.instances) } == [["10.1.0.1:80"], ["10.1.0.9:80"]])
            #expect(inA.events.allSatisfy { $0.clusters == ["A"] })
            #expect(inB.events.map { addresses($0.instances) } == [["10.2.0.1:80"], ["10.2.0.1:80", "10.2.0.2:80"], ["10.2.0.1:80"]])
        }
    }

    @Test func batchDeregistrationKeepsTheOtherInstances() async throws {
        try await withNamingTestScope { scope in
            let node = try await scope.startRegistry()
            let provider = try await scope.makeService(node)
            let service = UniqueName.next("batch")
            let instances = (1...3).map { Instance(ip: "10.3.0.\($0)", port: 80) }
            try await provider.batchRegisterInstance(serviceName: service, instances: instances)
            #expect(node.instances(service).count == 3)

            try await provider.batchDeregisterInstance(serviceName: service, instances: [instances[1]])
            #expect(addresses(node.instances(service)) == ["10.3.0.1:80", "10.3.0.3:80"])
            // Deregistering one instance of a batch withdraws only that one too.
            try await provider.deregisterInstance(serviceName: service, instance: instances[0])
            #expect(addresses(node.instances(service)) == ["10.3.0.3:80"])
            try await provider.deregisterInstance(serviceName: service, instance: instances[2])
            #expect(node.instances(service).isEmpty)
            #expect(provider.redoSnapshot.instances.isEmpty)
        }
    }
}
