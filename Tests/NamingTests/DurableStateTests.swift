import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosStore
import NacosTestKit
import NacosTransport
import Testing

/// The registry over a store: durable writes are committed before they are answered and in memory when
/// they return, a store that cannot take a write leaves memory as it was, and a new registry over the
/// same store (a restart) loads everything back.
@Suite("Durable state")
struct DurableStateTests {
    private let orders = Service(namespace: "public", group: "DEFAULT_GROUP", name: "orders", ephemeral: false)

    /// A registry over `store`, opened.
    private static func registry(_ store: any NacosStore, configuration: NamingConfiguration = NamingConfiguration()) async throws -> NamingRegistry {
        let registry = NamingRegistry(
            configuration: configuration,
            connectionManager: NacosConnectionManager(clock: NacosManualClock()),
            store: store,
            clock: NacosManualClock(),
            logger: .disabled(),
            healthProber: ScriptedProber()
        )
        try await registry.open()
        return registry
    }

    private static func addresses(_ registry: NamingRegistry, _ service: Service) -> [String] {
        registry.storage.instances(of: service).map { "\($0.ip):\($0.port)" }.sorted()
    }

    @Test func aPersistentInstanceIsCommittedBeforeItIsAnsweredAndLoadedByANewRegistry() async throws {
        let store = NacosMemoryStore()
        let registry = try await Self.registry(store)
        try await registry.operations.registerPersistentInstance(Instance(ip: "127.0.0.1", port: 80, ephemeral: false, metadata: ["k": "v"]), service: self.orders)
        #expect(Self.addresses(registry, self.orders) == ["127.0.0.1:80"])
        #expect(store.metrics.commits == 1)

        let restarted = try await Self.registry(store)
        let instances = restarted.storage.instances(of: self.orders)
        #expect(instances.map(\.ip) == ["127.0.0.1"])
        #expect(instances.first?.metadata["k"] == "v")
        #expect(instances.first?.ephemeral == false)

        try await restarted.operations.deregisterPersistentInstance(Instance(ip: "127.0.0.1", port: 80, ephemeral: false), service: self.orders)
        #expect(Self.addresses(restarted, self.orders).isEmpty)
        #expect(Self.addresses(try await Self.registry(store), self.orders).isEmpty)
    }

    @Test func aStoreThatTakesNoWritesAnswers503AndChangesNothing() async throws {
        let store = NacosMemoryStore()
        let registry = try await Self.registry(store)
        store.isAvailable = false
        do {
            try await registry.operations.registerPersistentInstance(Instance(ip: "127.0.0.1", port: 80, ephemeral: false), service: self.orders)
            Issue.record("the write was acknowledged although the store is down")
        } catch {
            #expect(error.errorCode == .overThreshold)
            #expect(error.message.contains("memory store"))
        }
        #expect(Self.addresses(registry, self.orders).isEmpty)
        await #expect(throws: NacosException.self) {
            try await registry.serviceOperator.createService(self.orders, metadata: ServiceMetadata(protectThreshold: 0.3, ephemeral: false))
        }
        #expect(!registry.services.contains(self.orders))
        store.isAvailable = true
        try await registry.serviceOperator.createService(self.orders, metadata: ServiceMetadata(protectThreshold: 0.3, ephemeral: false))
        #expect(registry.services.metadata(of: self.orders)?.protectThreshold == 0.3)
    }

    @Test func serviceMetadataClustersOverlaysAndSwitchesSurviveARestart() async throws {
        let store = NacosMemoryStore()
        let registry = try await Self.registry(store)
        try await registry.serviceOperator.createService(self.orders, metadata: ServiceMetadata(protectThreshold: 0.5, extendData: ["owner": "pay"], ephemeral: false))
        try await registry.serviceOperator.updateCluster("DEFAULT", of: self.orders, metadata: ClusterMetadata(healthCheckType: .none, healthCheckPort: 81, useInstancePortForCheck: false))
        try await registry.operations.registerPersistentInstance(Instance(ip: "127.0.0.1", port: 80, weight: 2, ephemeral: false), service: self.orders)
        try await registry.instanceOperator.updateInstance(Instance(ip: "127.0.0.1", port: 80, weight: 9, ephemeral: false), service: self.orders)
        try await registry.instanceOperator.setPersistentInstanceHealth(service: self.orders, ip: "127.0.0.1", port: 80, cluster: nil, healthy: false)
        try await registry.updateSwitch(entry: "clientBeatInterval", value: "7000")
        try await registry.updateSwitch(entry: "checkTimes", value: "5")
        try await registry.updateSwitch(entry: "clientBeatInterval", value: "8000")
        #expect(registry.switches.clientBeatInterval == 8000)

        let restarted = try await Self.registry(store)
        let metadata = try #require(restarted.services.metadata(of: self.orders))
        #expect(metadata.protectThreshold == 0.5)
        #expect(metadata.extendData == ["owner": "pay"])
        #expect(metadata.clusters["DEFAULT"] == ClusterMetadata(healthCheckType: .none, healthCheckPort: 81, useInstancePortForCheck: false))
        let instance = try #require(restarted.storage.instances(of: self.orders).first)
        #expect(instance.weight == 9)
        #expect(!instance.healthy)
        #expect(restarted.switches.clientBeatInterval == 8000)
        #expect(restarted.switches.checkTimes == 5)
        #expect(restarted.switches.overrides.map(\.entry) == ["checkTimes", "clientBeatInterval"])
    }

    @Test func deletingAServiceRemovesItsOverlaysInTheSameCommit() async throws {
        let store = NacosMemoryStore()
        let registry = try await Self.registry(store)
        try await registry.serviceOperator.createService(self.orders, metadata: ServiceMetadata(ephemeral: false))
        try await registry.operations.registerPersistentInstance(Instance(ip: "127.0.0.1", port: 80, ephemeral: false), service: self.orders)
        try await registry.instanceOperator.updateInstance(Instance(ip: "127.0.0.1", port: 80, weight: 3, ephemeral: false), service: self.orders)
        try await registry.operations.deregisterPersistentInstance(Instance(ip: "127.0.0.1", port: 80, ephemeral: false), service: self.orders)
        let commits = store.metrics.commits
        try await registry.serviceOperator.deleteService(self.orders)
        #expect(store.metrics.commits == commits + 1)
        #expect(!registry.services.contains(self.orders))
        #expect(registry.instanceMetadata.count == 0)
        let snapshot = try await store.open()
        #expect(snapshot.records.isEmpty, "\(snapshot.records.keys)")
    }

    @Test func namespacesAreDurableAndGateWrites() async throws {
        let store = NacosMemoryStore()
        let registry = try await Self.registry(store)
        let dev = Service(namespace: "dev", group: "DEFAULT_GROUP", name: "orders", ephemeral: false)
        #expect(registry.namespaceOperator.all.map(\.id) == ["public"])
        await #expect(throws: NacosException.self) {
            try await registry.operations.registerPersistentInstance(Instance(ip: "127.0.0.1", port: 80, ephemeral: false), service: dev)
        }
        try await registry.namespaceOperator.create(id: "dev", name: "Development", description: "team")
        await #expect(throws: NacosException.self) { try await registry.namespaceOperator.create(id: "dev", name: "again", description: "") }
        await #expect(throws: NacosException.self) { try await registry.namespaceOperator.create(id: "bad id!", name: "x", description: "") }
        try await registry.operations.registerPersistentInstance(Instance(ip: "127.0.0.1", port: 80, ephemeral: false), service: dev)
        try await registry.namespaceOperator.update(id: "dev", name: "Dev", description: "renamed")

        let restarted = try await Self.registry(store)
        #expect(restarted.namespaceOperator.all.map(\.id) == ["public", "dev"])
        #expect(try restarted.namespaceOperator.namespace("dev").name == "Dev")
        await #expect(throws: NacosException.self) { try await restarted.namespaceOperator.delete(id: "public", force: true) }
        await #expect(throws: NacosException.self) { try await restarted.namespaceOperator.delete(id: "dev", force: false) }
        try await restarted.namespaceOperator.delete(id: "dev", force: true)
        #expect(restarted.namespaceOperator.all.map(\.id) == ["public"])
        #expect(Self.addresses(restarted, dev).isEmpty)
        #expect(try await store.open().records.isEmpty)
    }

    @Test func autoCreateMakesTheNamespaceOnFirstUse() async throws {
        var configuration = NamingConfiguration()
        configuration.autoCreateNamespaces = true
        let store = NacosMemoryStore()
        let registry = try await Self.registry(store, configuration: configuration)
        let service = Service(namespace: "team-a", group: "DEFAULT_GROUP", name: "svc", ephemeral: false)
        try await registry.operations.registerPersistentInstance(Instance(ip: "127.0.0.1", port: 80, ephemeral: false), service: service)
        #expect(registry.namespaces.contains("team-a"))
        try await waitUntil("the namespace committed in the background") { store.metrics.commits == 2 }
        #expect(try await store.open().records.keys.contains(NacosStoreKey(kind: "namespace", key: "team-a")))
    }

    @Test func anUnreadableRecordIsCountedAndSkippedNotApplied() async throws {
        let store = NacosMemoryStore()
        try await store.commit([.put("instance", "[\"public\",\"DEFAULT_GROUP\",\"orders\",\"127.0.0.1:80\"]", Array("{not json".utf8))])
        try await store.commit([.put("namespace", "dev", Array(#"{"namespace":"dev","namespaceShowName":"Dev"}"#.utf8))])
        let registry = try await Self.registry(store)
        #expect(registry.storeApplier.unreadableRecords == 1)
        #expect(registry.namespaces.contains("dev"))
        #expect(Self.addresses(registry, self.orders).isEmpty)
    }
}
