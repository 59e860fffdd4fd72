import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import Testing

/// Instance overlays set by the HTTP update and patch calls (Nacos's `InstanceMetadata`): what they
/// change, where they show, and when they expire.
@Suite("Instance metadata overlays")
struct InstanceMetadataTests {
    let service = Service(namespace: nil, group: nil, name: "overlaid")

    /// A fixture whose connection `p` publishes `10.0.0.1:80` (weight 2, metadata `a=1`) and whose
    /// connection `s1` subscribes to the service.
    private func publishedFixture(_ configuration: NamingConfiguration = NamingConfiguration()) throws -> RegistryFixture {
        let fixture = RegistryFixture(configuration: configuration)
        fixture.connectionClient("p")
        fixture.connectionClient("s1")
        let instance = RegistryFixture.instance("10.0.0.1", 80, weight: 2, metadata: ["a": "1"])
        try fixture.registry.operations.registerInstance(instance, service: self.service, clientId: "p")
        try fixture.registry.operations.subscribeService(self.service, subscriber: RegistryFixture.subscriber(self.service), clientId: "s1")
        return fixture
    }

    @Test("PUT on a service that does not exist is refused with Nacos's text")
    func updateNeedsService() async {
        let fixture = RegistryFixture()
        let missing = Service(namespace: "ns1", group: "g", name: "nothing")
        await #expect(throws: NacosException(
            .invalidParam,
            "service not found, namespace: ns1, service: Service{namespace='ns1', group='g', name='nothing', ephemeral=true}"
        )) {
            try await fixture.registry.instanceOperator.updateInstance(RegistryFixture.instance("10.0.0.1", 80), service: missing)
        }
        #expect(fixture.registry.instanceMetadata.count == 0)
    }

    @Test("PUT writes an overlay: weight and enabled win, metadata merges, the publication stays")
    func updateOverlays() async throws {
        let fixture = try self.publishedFixture()
        let update = RegistryFixture.instance("10.0.0.1", 80, enabled: true, weight: 5, metadata: ["b": "2", "a": "9"])
        try await fixture.registry.instanceOperator.updateInstance(update, service: self.service)
        let info = fixture.registry.storage.serviceInfo(of: self.service, clusters: [], healthyOnly: false, now: fixture.clock.nowMillis())
        let host = try #require(info.instances.first)
        #expect(host.weight == 5)
        #expect(host.metadata == ["a": "9", "b": "2"])
        let published = try #require(fixture.registry.clients.client("p")?.instances(of: self.service).first)
        #expect(published.weight == 2 && published.metadata == ["a": "1"])
    }

    @Test("an overlay that disables the instance hides it from queries but not from the detail")
    func disabledByOverlay() async throws {
        let fixture = try self.publishedFixture()
        let operations = fixture.registry.instanceOperator
        try await operations.patchInstance(service: self.service, ip: "10.0.0.1", port: 80, cluster: nil, metadata: nil, weight: nil, enabled: false)
        let info = fixture.registry.storage.serviceInfo(of: self.service, clusters: [], healthyOnly: false, now: fixture.clock.nowMillis())
        #expect(info.instances.isEmpty)
        let detail = try operations.instance(of: self.service, ip: "10.0.0.1", port: 80, cluster: "DEFAULT")
        #expect(!detail.enabled)
        #expect(detail.weight == 2, "a new overlay starts from the instance's weight")
    }

    @Test("a patch merges: absent fields stay, metadata replaces the overlay's metadata")
    func patchMerges() async throws {
        let fixture = try self.publishedFixture()
        let operations = fixture.registry.instanceOperator
        try await operations.patchInstance(service: self.service, ip: "10.0.0.1", port: 80, cluster: nil, metadata: ["x": "1"], weight: 3, enabled: nil)
        try await operations.patchInstance(service: self.service, ip: "10.0.0.1", port: 80, cluster: nil, metadata: nil, weight: nil, enabled: false)
        try await operations.patchInstance(service: self.service, ip: "10.0.0.1", port: 80, cluster: nil, metadata: ["y": "2"], weight: nil, enabled: nil)
        let overlay = try #require(fixture.registry.instanceMetadata.metadata(of: self.service, metadataId: "10.0.0.1:80:DEFAULT"))
        #expect(overlay == InstanceMetadata(enabled: false, weight: 3, extendData: ["y": "2"]))
        let detail = try operations.instance(of: self.service, ip: "10.0.0.1", port: 80, cluster: nil)
        #expect(detail.metadata == ["a": "1", "y": "2"])
    }

    @Test("patch and detail answer 404 for an instance that is not published")
    func notFound() async throws {
        let fixture = try self.publishedFixture()
        let operations = fixture.registry.instanceOperator
        await #expect(throws: NacosException(.notFound, "no matched ip found!")) {
            try await operations.patchInstance(service: self.service, ip: "10.0.0.2", port: 80, cluster: nil, metadata: nil, weight: 1, enabled: nil)
        }
        #expect(throws: NacosException(.notFound, "no matched ip found!")) {
            try operations.instance(of: self.service, ip: "10.0.0.1", port: 80, cluster: "other")
        }
        let empty = Service(namespace: nil, group: nil, name: "empty")
        #expect(throws: NacosException(.notFound, "no ips found for cluster DEFAULT in service DEFAULT_GROUP@@empty")) {
            try operations.instance(of: empty, ip: "10.0.0.1", port: 80, cluster: nil)
        }
        #expect(fixture.registry.instanceMetadata.count == 0)
    }

    @Test("bad weights and oversized metadata are refused")
    func badInput() async throws {
        let fixture = try self.publishedFixture()
        let operations = fixture.registry.instanceOperator
        await #expect(throws: NacosException(.invalidParam, "instance format invalid: The weights range from 0.0 to 10000.0")) {
            try await operations.patchInstance(service: self.service, ip: "10.0.0.1", port: 80, cluster: nil, metadata: nil, weight: -1, enabled: nil)
        }
        await #expect(throws: NacosException.self) {
            try await operations.updateInstance(RegistryFixture.instance("10.0.0.1", 80, weight: .nan), service: self.service)
        }
        let huge = ["k": String(repeating: "v", count: 2_000)]
        await #expect(throws: NacosException.self) {
            try await operations.patchInstance(service: self.service, ip: "10.0.0.1", port: 80, cluster: nil, metadata: huge, weight: nil, enabled: nil)
        }
        #expect(fixture.registry.instanceMetadata.count == 0)
    }

    @Test("an overlay change publishes serviceChanged, and the push carries the overlay")
    func overlayIsPushed() async throws {
        var configuration = NamingConfiguration()
        configuration.pushMergeWindow = .zero
        let fixture = try self.publishedFixture(configuration)
        let revision = fixture.registry.services.record(of: self.service)?.revision ?? 0
        try await fixture.registry.instanceOperator.patchInstance(
            service: self.service, ip: "10.0.0.1", port: 80, cluster: nil, metadata: ["zone": "b"], weight: 7, enabled: nil
        )
        #expect((fixture.registry.services.record(of: self.service)?.revision ?? 0) > revision)
        try await waitUntil("serviceChanged recorded") {
            fixture.recorded.all.filter { $0 == .serviceChanged(self.service, incrementRevision: true) }.count >= 2
        }
        fixture.registry.push.handle(.serviceChanged(self.service, incrementRevision: true))
        fixture.clock.advance(by: .zero)
        try await waitUntil("pushed") { !fixture.executor.pushes(to: "s1").isEmpty }
        let host = try #require(fixture.executor.pushes(to: "s1").last?.info.instances.first)
        #expect(host.weight == 7 && host.metadata["zone"] == "b")
    }

    @Test("batch metadata adds to and removes from every instance's overlay")
    func batchMetadata() async throws {
        let fixture = try self.publishedFixture()
        try fixture.registry.operations.registerIpPortInstance(RegistryFixture.instance("10.0.0.2", 81, cluster: "c1"), service: self.service)
        let operations = fixture.registry.instanceOperator
        let updated = try await operations.batchUpdateMetadata(service: self.service, instances: [], metadata: ["env": "prod"])
        #expect(Set(updated) == ["10.0.0.1:80:unknown:DEFAULT:ephemeral", "10.0.0.2:81:unknown:c1:ephemeral"])
        #expect(fixture.registry.storage.instances(of: self.service).allSatisfy { $0.metadata["env"] == "prod" })
        let only = try await operations.batchUpdateMetadata(
            service: self.service,
            instances: [RegistryFixture.instance("10.0.0.2", 81, cluster: "c1"), RegistryFixture.instance("10.9.9.9", 1)],
            metadata: ["tier": "1"]
        )
        #expect(only == ["10.0.0.2:81:unknown:c1:ephemeral"])
        try await operations.batchDeleteMetadata(service: self.service, instances: [], metadata: ["env": ""])
        let instances = fixture.registry.storage.instances(of: self.service)
        #expect(instances.allSatisfy { $0.metadata["env"] == nil })
        #expect(instances.first { $0.port == 81 }?.metadata["tier"] == "1")
        #expect(instances.first { $0.port == 80 }?.weight == 2, "the batch left the weight alone")
    }

    @Test("an overlay outlives its instance by 60 s; an instance that comes back keeps it")
    func overlayExpiry() async throws {
        let fixture = try self.publishedFixture()
        let registry = fixture.registry
        try await registry.instanceOperator.patchInstance(service: self.service, ip: "10.0.0.1", port: 80, cluster: nil, metadata: nil, weight: 4, enabled: nil)
        #expect(registry.cleanExpiredMetadata().isEmpty)
        try registry.operations.deregisterInstance(service: self.service, clientId: "p")
        #expect(registry.cleanExpiredMetadata().isEmpty, "first pass only marks it")
        fixture.clock.advance(by: .seconds(30))
        #expect(registry.cleanExpiredMetadata().isEmpty)
        let instance = RegistryFixture.instance("10.0.0.1", 80, weight: 2)
        try registry.operations.registerInstance(instance, service: self.service, clientId: "p")
        #expect(registry.cleanExpiredMetadata().isEmpty, "back: unmarked")
        #expect(registry.storage.instances(of: self.service).first?.weight == 4)
        try registry.operations.deregisterInstance(service: self.service, clientId: "p")
        fixture.clock.advance(by: .seconds(40))
        #expect(registry.cleanExpiredMetadata().isEmpty, "missing again: the clock restarts")
        fixture.clock.advance(by: .seconds(59))
        #expect(registry.cleanExpiredMetadata().isEmpty)
        fixture.clock.advance(by: .seconds(1))
        let removed = registry.cleanExpiredMetadata()
        #expect(removed.map(\.metadataId) == ["10.0.0.1:80:DEFAULT"])
        #expect(registry.instanceMetadata.count == 0)
    }

    @Test("the overlay limit refuses new overlays but still allows changing existing ones")
    func overlayLimit() async throws {
        var configuration = NamingConfiguration()
        configuration.maxInstanceMetadataCount = 1
        let fixture = try self.publishedFixture(configuration)
        let operations = fixture.registry.instanceOperator
        try await operations.updateInstance(RegistryFixture.instance("10.0.0.1", 80, weight: 3), service: self.service)
        await #expect(throws: NacosException.self) {
            try await operations.updateInstance(RegistryFixture.instance("10.0.0.9", 80), service: self.service)
        }
        try await operations.updateInstance(RegistryFixture.instance("10.0.0.1", 80, weight: 4), service: self.service)
        #expect(fixture.registry.instanceMetadata.count == 1)
        #expect(fixture.registry.storage.instances(of: self.service).first?.weight == 4)
    }

    @Test("an overlay's heart-beat timeout wins over the instance's for the beat checker")
    func overlayBeatTimeout() async throws {
        let fixture = RegistryFixture()
        try fixture.registry.operations.registerIpPortInstance(RegistryFixture.instance("10.0.0.1", 80), service: self.service)
        try await fixture.registry.instanceOperator.patchInstance(
            service: self.service,
            ip: "10.0.0.1",
            port: 80,
            cluster: nil,
            metadata: ["preserved.heart.beat.timeout": "2000", "preserved.heart.beat.interval": "1000"],
            weight: nil,
            enabled: nil
        )
        fixture.clock.advance(by: .milliseconds(2_001))
        #expect(fixture.registry.beatChecker.checkOnce(now: fixture.clock.nowMillis()).markedUnhealthy == ["10.0.0.1:80"])
    }
}
