import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import Testing

/// 1.x beats through the instance operator (reference §4.3) and manual health of persistent instances
/// (`PUT /health`), with the cluster health-check settings that govern both kinds of check.
@Suite("Beats and manual health")
struct BeatAndHealthTests {
    let service = Service(namespace: nil, group: nil, name: "beating")
    let db = Service(namespace: nil, group: nil, name: "db", ephemeral: false)

    @Test("a light beat for an unknown instance answers 20404 with the switch's interval")
    func lightBeatUnknown() throws {
        let fixture = RegistryFixture()
        let result = try fixture.registry.instanceOperator.beat(service: self.service, ip: "10.0.0.1", port: 80, cluster: nil, beatInfo: nil)
        #expect(result == BeatResult(code: 20404, clientBeatInterval: 5_000, lightBeatEnabled: true))
        #expect(fixture.registry.clients.ephemeralIpPortClients.clientCount == 0)
        #expect(!fixture.registry.services.contains(self.service))
    }

    @Test("a full beat for an unknown instance registers it from the beat info and answers 10200")
    func fullBeatRegisters() throws {
        let fixture = RegistryFixture()
        let info = Instance(ip: "ignored", port: 1, weight: 3, clusterName: "c1", metadata: ["v": "1"])
        let result = try fixture.registry.instanceOperator.beat(service: self.service, ip: "10.0.0.1", port: 80, cluster: nil, beatInfo: info)
        #expect(result.code == 10200)
        let instance = try #require(fixture.registry.storage.instances(of: self.service).first)
        #expect(instance.ip == "10.0.0.1" && instance.port == 80 && instance.weight == 3)
        #expect(instance.clusterName == "c1" && instance.metadata == ["v": "1"] && instance.ephemeral)
        #expect(fixture.registry.clients.client("10.0.0.1:80#true") != nil)
    }

    @Test("a full beat that would register into a persistent service, or an illegal instance, is a 400")
    func fullBeatRefused() async throws {
        let fixture = RegistryFixture()
        try await fixture.registry.operations.registerPersistentInstance(Instance(ip: "10.0.0.9", port: 1, ephemeral: false), service: self.db)
        #expect(throws: NacosException.self) {
            try fixture.registry.instanceOperator.beat(service: self.db, ip: "10.0.0.1", port: 80, cluster: nil, beatInfo: Instance())
        }
        let illegal = Instance(clusterName: "bad_cluster")
        #expect(throws: NacosException.self) {
            try fixture.registry.instanceOperator.beat(service: self.service, ip: "10.0.0.1", port: 80, cluster: nil, beatInfo: illegal)
        }
        #expect(fixture.registry.storage.instances(of: self.service).isEmpty)
    }

    @Test("a light beat renews a known instance and revives it; the client's update time is renewed")
    func beatRenews() throws {
        let fixture = RegistryFixture()
        let registry = fixture.registry
        try registry.operations.registerIpPortInstance(RegistryFixture.instance("10.0.0.1", 80, cluster: "c1"), service: self.service)
        fixture.clock.advance(by: .seconds(16))
        #expect(registry.beatChecker.checkOnce(now: fixture.clock.nowMillis()).markedUnhealthy == ["10.0.0.1:80"])
        let result = try registry.instanceOperator.beat(service: self.service, ip: "10.0.0.1", port: 80, cluster: "c1", beatInfo: nil)
        #expect(result.code == 10200)
        #expect(registry.storage.instances(of: self.service).first?.healthy == true)
        #expect(registry.clients.client("10.0.0.1:80#true")?.storage.lastUpdatedTime == fixture.clock.nowMillis())
        fixture.clock.advance(by: .seconds(20))
        #expect(registry.beatChecker.checkOnce(now: fixture.clock.nowMillis()).removed.isEmpty, "the beat renewed it")
    }

    @Test("the interval comes from the overlay, else the instance's metadata, else the switch")
    func beatInterval() async throws {
        let fixture = RegistryFixture()
        let registry = fixture.registry
        try registry.switches.update(entry: "clientBeatInterval", value: "4000")
        try registry.switches.update(entry: "lightBeatEnabled", value: "false")
        try registry.operations.registerIpPortInstance(RegistryFixture.instance("10.0.0.1", 80), service: self.service)
        #expect(try registry.instanceOperator.beat(service: self.service, ip: "10.0.0.1", port: 80, cluster: nil, beatInfo: nil)
            == BeatResult(code: 10200, clientBeatInterval: 4_000, lightBeatEnabled: false))
        let metadata = ["preserved.heart.beat.interval": "2000"]
        try registry.operations.registerIpPortInstance(RegistryFixture.instance("10.0.0.1", 80, metadata: metadata), service: self.service)
        #expect(try registry.instanceOperator.beat(service: self.service, ip: "10.0.0.1", port: 80, cluster: nil, beatInfo: nil).clientBeatInterval == 2_000)
        try await registry.instanceOperator.patchInstance(
            service: self.service, ip: "10.0.0.1", port: 80, cluster: nil,
            metadata: ["preserved.heart.beat.interval": "1000"], weight: nil, enabled: nil
        )
        #expect(try registry.instanceOperator.beat(service: self.service, ip: "10.0.0.1", port: 80, cluster: nil, beatInfo: nil).clientBeatInterval == 1_000)
    }

    @Test("manual health needs a NONE cluster (Nacos's text), and a published persistent instance")
    func manualHealthRefused() async throws {
        let fixture = RegistryFixture()
        let registry = fixture.registry
        try await registry.operations.registerPersistentInstance(Instance(ip: "10.0.0.7", port: 3306, ephemeral: false), service: self.db)
        let working = NacosException(.invalidParam, "health check is still working, service: DEFAULT_GROUP@@db, cluster: DEFAULT")
        await #expect(throws: working) {
            try await registry.instanceOperator.setPersistentInstanceHealth(service: self.db, ip: "10.0.0.7", port: 3306, cluster: nil, healthy: false)
        }
        try await registry.serviceOperator.updateCluster("DEFAULT", of: self.db, metadata: ClusterMetadata(healthCheckType: .tcp))
        await #expect(throws: working) {
            try await registry.instanceOperator.setPersistentInstanceHealth(service: self.db, ip: "10.0.0.7", port: 3306, cluster: nil, healthy: false)
        }
        try await registry.serviceOperator.updateCluster("DEFAULT", of: self.db, metadata: ClusterMetadata(healthCheckType: .none))
        await #expect(throws: NacosException(.notFound, "no persistent instance 10.0.0.8:3306 in cluster DEFAULT of service DEFAULT_GROUP@@db")) {
            try await registry.instanceOperator.setPersistentInstanceHealth(service: self.db, ip: "10.0.0.8", port: 3306, cluster: nil, healthy: false)
        }
        #expect(registry.storage.instances(of: self.db).first?.healthy == true)
    }

    @Test("manual health of a NONE cluster flips the instance, pushes, and the active checker leaves it alone")
    func manualHealth() async throws {
        let fixture = RegistryFixture()
        let registry = fixture.registry
        try await registry.operations.registerPersistentInstance(Instance(ip: "10.0.0.7", port: 3306, ephemeral: false), service: self.db)
        try await registry.serviceOperator.updateCluster("DEFAULT", of: self.db, metadata: ClusterMetadata(healthCheckType: .none))
        try await registry.instanceOperator.setPersistentInstanceHealth(service: self.db, ip: "10.0.0.7", port: 3306, cluster: nil, healthy: false)
        #expect(registry.storage.instances(of: self.db).first?.healthy == false)
        try await waitUntil("serviceChanged for the flip") {
            fixture.recorded.all.filter { $0 == .serviceChanged(self.db, incrementRevision: true) }.count >= 2
        }
        fixture.prober.set("10.0.0.7:3306", answers: true)
        for _ in 0..<3 { #expect(await registry.healthChecker.checkOnce().isEmpty) }
        #expect(fixture.prober.probeCount == 0)
        #expect(registry.storage.instances(of: self.db).first?.healthy == false)
    }

    @Test("a cluster that does not use the instance port is probed on its check port")
    func checkPort() async throws {
        let fixture = RegistryFixture()
        let registry = fixture.registry
        try await registry.operations.registerPersistentInstance(Instance(ip: "10.0.0.7", port: 3306, ephemeral: false), service: self.db)
        let settings = ClusterMetadata(healthCheckType: .tcp, healthCheckPort: 9000, useInstancePortForCheck: false)
        try await registry.serviceOperator.updateCluster("DEFAULT", of: self.db, metadata: settings)
        await registry.healthChecker.checkOnce()
        #expect(fixture.prober.probedAddresses == ["10.0.0.7:9000"])
    }
}
