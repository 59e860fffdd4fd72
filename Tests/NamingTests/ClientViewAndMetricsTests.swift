import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import Testing

/// The client views of `/v2/ns/client/*` (Nacos's `ClientInfoControllerV2`) and the registry metrics of
/// `/operator/metrics`, kept by counters.
@Suite("Client views and metrics")
struct ClientViewAndMetricsTests {
    let orders = Service(namespace: nil, group: nil, name: "orders")
    let users = Service(namespace: "ns", group: "g", name: "users")
    let db = Service(namespace: nil, group: nil, name: "db", ephemeral: false)
    let syncedId = "1700000000000_10.0.0.5_50001"

    /// Synced connection `syncedId` publishes one instance of `orders` and subscribes to both services;
    /// synced connection `batch` publishes three of `users`; `10.0.0.1:80#true` and `10.0.0.7:3306#false`
    /// publish one each.
    private func populated() async throws -> RegistryFixture {
        let fixture = RegistryFixture()
        try await fixture.registry.namespaceOperator.create(id: "ns", name: "ns", description: "")
        let operations = fixture.registry.operations
        fixture.connectionClient(self.syncedId)
        fixture.connectionClient("batch")
        try operations.registerInstance(RegistryFixture.instance("10.0.0.5", 8080), service: self.orders, clientId: self.syncedId)
        try operations.subscribeService(self.orders, subscriber: RegistryFixture.subscriber(self.orders), clientId: self.syncedId)
        try operations.subscribeService(self.users, subscriber: RegistryFixture.subscriber(self.users, clusters: "c1"), clientId: self.syncedId)
        try operations.batchRegisterInstances(
            [RegistryFixture.instance("10.0.0.6", 1), RegistryFixture.instance("10.0.0.6", 2), RegistryFixture.instance("10.0.0.6", 3)],
            service: self.users,
            clientId: "batch"
        )
        try operations.registerIpPortInstance(RegistryFixture.instance("10.0.0.1", 80), service: self.orders)
        try await operations.registerPersistentInstance(Instance(ip: "10.0.0.7", port: 3306, ephemeral: false), service: self.db)
        return fixture
    }

    @Test("metrics count services, instances, subscriptions and clients, and follow changes and releases")
    func metrics() async throws {
        let fixture = try await self.populated()
        let registry = fixture.registry
        #expect(registry.metrics == NamingMetrics(
            serviceCount: 3,
            instanceCount: 6,
            subscribeCount: 2,
            clientCount: 4,
            connectionBasedClientCount: 2,
            ephemeralIpPortClientCount: 1,
            persistentIpPortClientCount: 1,
            responsibleClientCount: 2,
            responsibleInstanceCount: 2
        ))
        try registry.operations.batchRegisterInstances([RegistryFixture.instance("10.0.0.6", 1)], service: self.users, clientId: "batch")
        #expect(registry.metrics.instanceCount == 4)
        try registry.operations.unsubscribeService(self.users, clientId: self.syncedId)
        #expect(registry.metrics.subscribeCount == 1)
        registry.clients.connectionClients.clientDisconnected(self.syncedId)
        let after = registry.metrics
        #expect(after.instanceCount == 3 && after.subscribeCount == 0 && after.clientCount == 3)
        try await registry.operations.deregisterPersistentInstance(Instance(ip: "10.0.0.7", port: 3306), service: self.db)
        #expect(registry.metrics.persistentIpPortClientCount == 0)
        #expect(registry.metrics.instanceCount == 2 && registry.metrics.responsibleInstanceCount == 1)
    }

    @Test("client detail of a connection and of ip:port clients; 404 for an unknown one")
    func detail() async throws {
        let fixture = try await self.populated()
        let views = fixture.registry.clientInfo
        #expect(views.clientIds == ["10.0.0.1:80#true", "10.0.0.7:3306#false", self.syncedId, "batch"].sorted())
        let connection = try views.detail(of: self.syncedId)
        #expect(connection.kind == .connection && connection.ephemeral && !connection.isNative)
        #expect(connection.clientPort == "50001" && connection.connection == nil)
        #expect(connection.lastUpdatedTime == fixture.clock.nowMillis())
        let ipPort = try views.detail(of: "10.0.0.7:3306#false")
        #expect(ipPort.kind == .ipPort && !ipPort.ephemeral && ipPort.isNative)
        #expect(ipPort.clientIp == "10.0.0.7" && ipPort.clientPort == "3306")
        #expect(try views.detail(of: "10.0.0.1:80#true").ephemeral)
        #expect(throws: NacosException(.notFound, "clientId [ nobody ] not exist")) { try views.detail(of: "nobody") }
        #expect(throws: NacosException.self) { try views.publications(of: "nobody") }
        #expect(throws: NacosException.self) { try views.subscriptions(of: "nobody") }
    }

    @Test("a client's publications (batches expanded) and subscriptions")
    func clientLists() async throws {
        let fixture = try await self.populated()
        let views = fixture.registry.clientInfo
        let batch = try views.publications(of: "batch")
        #expect(batch.map(\.instance.port) == [1, 2, 3] && batch.allSatisfy { $0.service == self.users })
        let single = try views.publications(of: self.syncedId)
        #expect(single.count == 1 && single.first?.service == self.orders && single.first?.instance.address == "10.0.0.5:8080")
        let subscriptions = try views.subscriptions(of: self.syncedId)
        #expect(subscriptions.map(\.service) == [self.users, self.orders], "sorted by namespace, then grouped name")
        #expect(subscriptions.first?.subscriber.clusters == "c1")
        #expect(try views.subscriptions(of: "batch").isEmpty)
    }

    @Test("a service's publishers and subscribers, optionally filtered by ip and port")
    func serviceLists() async throws {
        let fixture = try await self.populated()
        let views = fixture.registry.clientInfo
        #expect(views.publishers(of: self.orders).map(\.clientId) == ["10.0.0.1:80#true", self.syncedId])
        #expect(views.publishers(of: self.orders, ip: "10.0.0.1", port: 80).map(\.clientId) == ["10.0.0.1:80#true"])
        #expect(views.publishers(of: self.users, port: 2).map(\.instance.port) == [2])
        #expect(views.publishers(of: self.users, ip: "10.9.9.9").isEmpty)
        #expect(views.subscribers(of: self.orders).map(\.clientId) == [self.syncedId])
        #expect(views.subscribers(of: self.orders, ip: "10.0.0.9", port: 0).count == 1)
        #expect(views.subscribers(of: self.orders, ip: "10.0.0.8").isEmpty)
    }

    @Test("a native connection counts as responsible and shows its connection metadata", arguments: [TransportKind.inMemory])
    func nativeConnection(kind: TransportKind) async throws {
        try await NamingHarness.run(kind) { harness in
            let client = try await harness.connect(clientIp: "10.0.0.5", app: "shop")
            #expect(try await client.register(Instance(ip: "10.0.0.5", port: 8080), service: "orders").success)
            let metrics = harness.registry.metrics
            #expect(metrics.connectionBasedClientCount == 1 && metrics.responsibleClientCount == 1)
            #expect(metrics.instanceCount == 1 && metrics.responsibleInstanceCount == 1)
            let detail = try harness.registry.clientInfo.detail(of: client.connectionId)
            #expect(detail.isNative && detail.kind == .connection)
            #expect(detail.clientIp == "10.0.0.5" && detail.connection?.appName == "shop")
            client.rpc.shutdown()
            try await waitUntil("released") {
                let metrics = harness.registry.metrics
                return metrics.clientCount == 0 && metrics.instanceCount == 0 && metrics.responsibleClientCount == 0
            }
        }
    }
}
