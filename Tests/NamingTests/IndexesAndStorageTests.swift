import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import Testing

/// Indexes, events and ServiceInfo building (reference §3.8, §6.3; §9 scenarios 8 and 9).
@Suite("Indexes and storage")
struct IndexesAndStorageTests {
    let service = Service(namespace: "ns", group: "G", name: "svc")

    /// A fixture whose registry has namespace `ns`, which these tests write into.
    private func fixture() async throws -> RegistryFixture {
        let fixture = RegistryFixture()
        try await fixture.registry.namespaceOperator.create(id: "ns", name: "ns", description: "")
        return fixture
    }

    @Test("register, deregister, subscribe, unsubscribe and release keep both indexes and publish their events (scenario 8)")
    func indexesFollowOperations() async throws {
        let fixture = try await self.fixture()
        let operations = fixture.registry.operations
        let indexes = fixture.registry.indexes
        fixture.connectionClient("c1")
        fixture.connectionClient("c2")
        try operations.registerInstance(RegistryFixture.instance("10.0.0.1", 80), service: self.service, clientId: "c1")
        #expect(indexes.publishers(of: self.service) == ["c1"])
        try operations.subscribeService(self.service, subscriber: RegistryFixture.subscriber(self.service), clientId: "c2")
        try operations.subscribeService(self.service, subscriber: RegistryFixture.subscriber(self.service), clientId: "c2")
        #expect(indexes.subscribers(of: self.service) == ["c2"])
        try operations.deregisterInstance(service: self.service, clientId: "c1")
        #expect(indexes.publishers(of: self.service).isEmpty)
        try operations.unsubscribeService(self.service, clientId: "c2")
        #expect(indexes.subscribers(of: self.service).isEmpty)

        try operations.registerInstance(RegistryFixture.instance("10.0.0.1", 80), service: self.service, clientId: "c1")
        try operations.subscribeService(self.service, subscriber: RegistryFixture.subscriber(self.service), clientId: "c1")
        #expect(fixture.registry.clients.connectionClients.clientDisconnected("c1"))
        #expect(indexes.publishers(of: self.service).isEmpty)
        #expect(indexes.subscribers(of: self.service).isEmpty)

        try await waitUntil("events delivered") { fixture.recorded.contains(.clientRelease(clientId: "c1", isNative: false)) }
        let expected: [RegistryEvent] = [
            .clientRegisterService(self.service, clientId: "c1"), .clientChanged(clientId: "c1"), .serviceChanged(self.service, incrementRevision: true),
            .clientSubscribeService(self.service, clientId: "c2"), .serviceSubscribed(self.service, clientId: "c2"),
            .clientSubscribeService(self.service, clientId: "c2"),
            .clientDeregisterService(self.service, clientId: "c1"), .clientChanged(clientId: "c1"), .serviceChanged(self.service, incrementRevision: true),
            .clientUnsubscribeService(self.service, clientId: "c2"),
            .clientRegisterService(self.service, clientId: "c1"), .clientChanged(clientId: "c1"), .serviceChanged(self.service, incrementRevision: true),
            .clientSubscribeService(self.service, clientId: "c1"), .serviceSubscribed(self.service, clientId: "c1"),
            .clientDisconnect(clientId: "c1", isNative: false), .clientRelease(clientId: "c1", isNative: false),
        ]
        #expect(Array(fixture.recorded.all.prefix(expected.count)) == expected)
        try await waitUntil("service changed after release") { fixture.recorded.all.count == expected.count + 1 }
        #expect(fixture.recorded.all.last == .serviceChanged(self.service, incrementRevision: true))
        #expect(fixture.registry.services.record(of: self.service)?.revision == 4)
    }

    @Test("instances are cached and recomputed from publishers after a change; batches expand (scenario 9)")
    func storageRecomputes() async throws {
        let fixture = try await self.fixture()
        let operations = fixture.registry.operations
        fixture.connectionClient("c1")
        fixture.connectionClient("c2")
        try operations.registerInstance(RegistryFixture.instance("10.0.0.1", 80, cluster: "A"), service: self.service, clientId: "c1")
        try operations.batchRegisterInstances(
            [RegistryFixture.instance("10.0.0.2", 80, cluster: "B"), RegistryFixture.instance("10.0.0.3", 80)],
            service: self.service,
            clientId: "c2"
        )
        let storage = fixture.registry.storage
        #expect(Set(storage.instances(of: self.service).map(\.ip)) == ["10.0.0.1", "10.0.0.2", "10.0.0.3"])
        #expect(storage.clusters(of: self.service) == ["A", "B", "DEFAULT"])
        try operations.deregisterInstance(service: self.service, clientId: "c2")
        #expect(storage.instances(of: self.service).map(\.ip) == ["10.0.0.1"])
        let instance = try #require(storage.instances(of: self.service).first)
        #expect(instance.instanceId == "10.0.0.1#80#A#G@@svc")
        #expect(instance.serviceName == "G@@svc")
        #expect(instance.ephemeral)
    }

    @Test("selection by clusters, enabled-only and healthy-only")
    func selection() async throws {
        let fixture = try await self.fixture()
        for (index, instance) in [
            RegistryFixture.instance("10.0.0.1", 80, cluster: "A"),
            RegistryFixture.instance("10.0.0.2", 80, cluster: "A", healthy: false),
            RegistryFixture.instance("10.0.0.3", 80, cluster: "B", enabled: false),
            RegistryFixture.instance("10.0.0.4", 80, cluster: "C", weight: 3),
        ].enumerated() {
            fixture.connectionClient("c\(index)")
            try fixture.registry.operations.registerInstance(instance, service: self.service, clientId: "c\(index)")
        }
        let storage = fixture.registry.storage
        let now = fixture.clock.nowMillis()
        func ips(_ info: ServiceInfo) -> Set<String> { Set(info.instances.map(\.ip)) }
        #expect(ips(storage.serviceInfo(of: self.service, clusters: [], healthyOnly: false, now: now)) == ["10.0.0.1", "10.0.0.2", "10.0.0.4"])
        #expect(ips(storage.serviceInfo(of: self.service, clusters: [], healthyOnly: true, now: now)) == ["10.0.0.1", "10.0.0.4"])
        #expect(ips(storage.serviceInfo(of: self.service, clusters: ["A"], healthyOnly: false, now: now)) == ["10.0.0.1", "10.0.0.2"])
        #expect(ips(storage.serviceInfo(of: self.service, clusters: ["B"], healthyOnly: false, now: now)).isEmpty)
        #expect(ips(storage.serviceInfo(of: self.service, clusters: ["B"], healthyOnly: false, enabledOnly: false, now: now)) == ["10.0.0.3"])
        let info = storage.serviceInfo(of: self.service, clusters: ["A", "C"], healthyOnly: false, now: now)
        #expect(info.clusters == "A,C")
        #expect(info.name == "svc" && info.groupName == "G")
        #expect(info.instances.first { $0.ip == "10.0.0.4" }?.weight == 3)
        #expect(!info.reachProtectionThreshold)
    }

    @Test("the protect threshold reports every kept instance healthy once too few are healthy")
    func protectThreshold() async throws {
        let fixture = try await self.fixture()
        for (index, healthy) in [true, false, false].enumerated() {
            fixture.connectionClient("c\(index)")
            try fixture.registry.operations.registerInstance(
                RegistryFixture.instance("10.0.0.\(index)", 80, healthy: healthy),
                service: self.service,
                clientId: "c\(index)"
            )
        }
        let storage = fixture.registry.storage
        let now = fixture.clock.nowMillis()
        // No service metadata: no protection.
        #expect(storage.serviceInfo(of: self.service, clusters: [], healthyOnly: false, now: now).instances.count { $0.healthy } == 1)
        fixture.registry.services.setMetadata(ServiceMetadata(protectThreshold: 0.5), for: self.service, now: now)
        let protected = storage.serviceInfo(of: self.service, clusters: [], healthyOnly: false, now: now)
        #expect(protected.reachProtectionThreshold)
        #expect(protected.instances.count == 3 && protected.instances.allSatisfy(\.healthy))
        // healthyOnly keeps only healthy ones, so the ratio is 1 and protection does not trigger.
        let healthyOnly = storage.serviceInfo(of: self.service, clusters: [], healthyOnly: true, now: now)
        #expect(!healthyOnly.reachProtectionThreshold && healthyOnly.instances.count == 1)
        fixture.registry.services.setMetadata(ServiceMetadata(protectThreshold: 0.2), for: self.service, now: now)
        #expect(!storage.serviceInfo(of: self.service, clusters: [], healthyOnly: false, now: now).reachProtectionThreshold)
    }

    @Test("lastRefTime strictly increases per service even within one millisecond")
    func lastRefTimeIncreases() {
        let fixture = RegistryFixture()
        let now = fixture.clock.nowMillis()
        var previous: Int64 = 0
        for _ in 0..<5 {
            let info = fixture.registry.storage.serviceInfo(of: self.service, clusters: [], healthyOnly: false, now: now)
            #expect(info.lastRefTime > previous)
            #expect(info.hosts == [])
            previous = info.lastRefTime
        }
        #expect(previous == now + 4)
    }

    @Test("the empty-service cleaner removes services without publishers after 60 s idle")
    func emptyServiceCleaner() async throws {
        let fixture = try await self.fixture()
        let kept = Service(namespace: "ns", group: "G", name: "kept")
        let withMetadata = Service(namespace: "ns", group: "G", name: "meta")
        fixture.connectionClient("c1")
        fixture.connectionClient("c2")
        try fixture.registry.operations.registerInstance(RegistryFixture.instance("10.0.0.1", 80), service: self.service, clientId: "c1")
        try fixture.registry.operations.registerInstance(RegistryFixture.instance("10.0.0.2", 80), service: kept, clientId: "c2")
        fixture.registry.services.setMetadata(ServiceMetadata(), for: withMetadata, now: fixture.clock.nowMillis())
        try fixture.registry.operations.deregisterInstance(service: self.service, clientId: "c1")
        fixture.clock.advance(by: .seconds(59))
        #expect(fixture.registry.cleanEmptyServices().isEmpty)
        fixture.clock.advance(by: .seconds(1))
        #expect(fixture.registry.cleanEmptyServices() == [self.service])
        #expect(!fixture.registry.services.contains(self.service))
        #expect(fixture.registry.services.contains(kept))
        #expect(fixture.registry.services.contains(withMetadata))
        #expect(fixture.registry.services.services(inNamespace: "ns").count == 2)
    }
}
