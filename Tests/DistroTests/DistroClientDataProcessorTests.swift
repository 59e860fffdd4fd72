import NacosDistro
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// Replication of naming clients on both ends (reference §7.3): what a member sends, and what applying
/// a peer's data, deletes, verifies and snapshots does to the registry.
@Suite("Distro client data processor")
struct DistroClientDataProcessorTests {
    static let orders = Service(namespace: nil, group: nil, name: "orders")
    static let stock = Service(namespace: "dev", group: "G", name: "stock")

    @Test("received data creates a synced client, publishes register and change events, and takes over the revision")
    func receiveCreatesSyncedClient() async throws {
        let fixture = DistroRegistryFixture()
        let data = ClientSyncData(
            clientId: "peer-conn-1",
            revision: 5,
            publications: [
                Self.orders: .single(DistroRegistryFixture.info("10.0.0.1", 80, weight: 3, metadata: ["zone": "a"])),
                Self.stock: .batch(BatchInstancePublishInfo(instances: [DistroRegistryFixture.info("10.0.0.2", 81), DistroRegistryFixture.info("10.0.0.3", 82)])),
            ]
        )
        #expect(fixture.processor.apply(data))

        let client = try #require(fixture.registry.clients.connectionClients.connectionClient("peer-conn-1"))
        #expect(!client.isNative)
        #expect(client.revision == 5)
        #expect(Set(fixture.registry.indexes.publishers(of: Self.orders)) == ["peer-conn-1"])
        let orders = fixture.registry.storage.instances(of: Self.orders)
        #expect(orders.map(\.ip) == ["10.0.0.1"])
        #expect(orders.first?.weight == 3)
        #expect(orders.first?.metadata == ["zone": "a"])
        #expect(Set(fixture.registry.storage.instances(of: Self.stock).map(\.ip)) == ["10.0.0.2", "10.0.0.3"])
        #expect(fixture.registry.metrics.instanceCount == 3)
        #expect(fixture.registry.metrics.responsibleClientCount == 0)

        try await fixture.waitForEvents([
            .clientRegisterService(Self.orders, clientId: "peer-conn-1"),
            .serviceChanged(Self.orders, incrementRevision: true),
            .clientRegisterService(Self.stock, clientId: "peer-conn-1"),
            .serviceChanged(Self.stock, incrementRevision: true),
        ])
        #expect(!fixture.recorded.all.contains { if case .clientChanged = $0 { true } else { false } })
    }

    @Test("a second sync diffs: a changed service is registered again, a missing one deregistered, an unchanged one left alone")
    func receiveDiffs() async throws {
        let fixture = DistroRegistryFixture()
        let unchanged = Service(namespace: nil, group: nil, name: "unchanged")
        let first: [Service: PublishedInstances] = [
            Self.orders: .single(DistroRegistryFixture.info("10.0.0.1", 80)),
            Self.stock: .single(DistroRegistryFixture.info("10.0.0.2", 81)),
            unchanged: .single(DistroRegistryFixture.info("10.0.0.4", 83)),
        ]
        fixture.processor.apply(ClientSyncData(clientId: "peer-conn-2", revision: 1, publications: first))
        let before = fixture.registry.storage.serviceInfo(of: Self.orders, clusters: [], healthyOnly: false, now: fixture.clock.nowMillis())
        #expect((before.hosts ?? []).map(\.weight) == [1])
        // Three registrations and three changes.
        try await waitUntil("events of the first sync") { fixture.recorded.all.count >= 6 }
        let countBefore = fixture.recorded.all.count
        #expect(countBefore == 6)

        fixture.clock.advance(by: .seconds(1))
        let second: [Service: PublishedInstances] = [
            Self.orders: .single(DistroRegistryFixture.info("10.0.0.1", 80, weight: 7, healthy: false)),
            unchanged: .single(DistroRegistryFixture.info("10.0.0.4", 83)),
        ]
        fixture.processor.apply(ClientSyncData(clientId: "peer-conn-2", revision: 2, publications: second))

        let client = try #require(fixture.registry.clients.client("peer-conn-2"))
        #expect(client.revision == 2)
        #expect(Set(client.storage.publishedServices) == [Self.orders, unchanged])
        let after = fixture.registry.storage.serviceInfo(of: Self.orders, clusters: [], healthyOnly: false, now: fixture.clock.nowMillis())
        #expect((after.hosts ?? []).map(\.weight) == [7])
        #expect((after.hosts ?? []).map(\.healthy) == [false])
        #expect(after.lastRefTime > before.lastRefTime)
        #expect(fixture.registry.storage.instances(of: Self.stock).isEmpty)
        #expect(fixture.registry.indexes.publishers(of: Self.stock).isEmpty)

        try await fixture.waitForEvents([
            .clientRegisterService(Self.orders, clientId: "peer-conn-2"),
            .clientDeregisterService(Self.stock, clientId: "peer-conn-2"),
            .serviceChanged(Self.stock, incrementRevision: true),
        ])
        try await waitUntil("events of the second sync") { fixture.recorded.all.count >= countBefore + 4 }
        let secondEvents = fixture.recorded.all.dropFirst(countBefore)
        #expect(!secondEvents.contains { $0.description.contains("unchanged") })

        // The same data again changes nothing, and keeps the revision it carries.
        let revisionBefore = fixture.registry.services.record(of: Self.orders)?.revision
        fixture.processor.apply(ClientSyncData(clientId: "peer-conn-2", revision: 2, publications: second))
        #expect(fixture.registry.services.record(of: Self.orders)?.revision == revisionBefore)
    }

    @Test("DELETE removes a synced connection client and releases its instances")
    func deleteConnectionClient() async throws {
        let fixture = DistroRegistryFixture()
        fixture.processor.apply(ClientSyncData(clientId: "peer-conn-3", revision: 1, publications: [Self.orders: .single(DistroRegistryFixture.info("10.0.0.1", 80))]))
        #expect(fixture.registry.metrics.instanceCount == 1)

        #expect(fixture.processor.remove(clientId: "peer-conn-3"))
        #expect(fixture.registry.clients.client("peer-conn-3") == nil)
        #expect(fixture.registry.storage.instances(of: Self.orders).isEmpty)
        #expect(fixture.registry.indexes.publishers(of: Self.orders).isEmpty)
        #expect(fixture.registry.metrics.instanceCount == 0)
        try await fixture.waitForEvents([
            .clientDisconnect(clientId: "peer-conn-3", isNative: false),
            .clientRelease(clientId: "peer-conn-3", isNative: false),
        ])
        #expect(!fixture.processor.remove(clientId: "peer-conn-3"))
        #expect(!fixture.processor.remove(clientId: "10.0.0.1:80#false"))
    }

    @Test("ip:port data makes an ephemeral ip:port client that this member is not responsible for; DELETE removes and releases it")
    func ipPortClient() async throws {
        let fixture = DistroRegistryFixture(responsible: { $0 == "10.0.0.9:9" })
        let clientId = "10.0.0.7:8080#true"
        fixture.processor.apply(ClientSyncData(clientId: clientId, revision: 77, publications: [Self.orders: .single(DistroRegistryFixture.info("10.0.0.7", 8080))]))
        let client = try #require(fixture.registry.clients.ephemeralIpPortClients.ipPortClient(clientId))
        #expect(client.revision == 77)
        #expect(fixture.registry.metrics.ephemeralIpPortClientCount == 1)
        #expect(fixture.registry.metrics.responsibleClientCount == 0)
        #expect(fixture.processor.responsibleVerifyInfos().isEmpty)
        #expect(!fixture.processor.shouldSync(clientId: clientId, isNative: true))

        // The beat checker leaves instances of other members' clients alone.
        fixture.clock.advance(by: .seconds(40))
        #expect(fixture.registry.beatChecker.checkOnce(now: fixture.clock.nowMillis()).removed.isEmpty)
        #expect(fixture.registry.storage.instances(of: Self.orders).count == 1)

        #expect(fixture.processor.remove(clientId: clientId))
        #expect(fixture.registry.clients.client(clientId) == nil)
        #expect(fixture.registry.storage.instances(of: Self.orders).isEmpty)
        #expect(fixture.registry.metrics.instanceCount == 0)
        try await fixture.waitForEvents([.clientRelease(clientId: clientId, isNative: false)])
    }

    @Test("data of persistent clients is ignored; a service that exists as persistent is skipped")
    func persistentIgnored() async throws {
        let fixture = DistroRegistryFixture()
        #expect(!fixture.processor.apply(ClientSyncData(clientId: "10.0.0.1:80#false", revision: 1, publications: [Self.orders: .single(DistroRegistryFixture.info("10.0.0.1", 80))])))
        #expect(fixture.registry.clients.client("10.0.0.1:80#false") == nil)
        #expect(fixture.processor.syncData(clientId: "10.0.0.1:80#false") == nil)

        let persistent = Service(namespace: nil, group: nil, name: "db", ephemeral: false)
        try await fixture.registry.operations.registerPersistentInstance(Instance(ip: "10.0.0.5", port: 3306, ephemeral: false), service: persistent)
        #expect(fixture.processor.syncData(clientId: "10.0.0.5:3306#false") == nil)
        fixture.processor.apply(ClientSyncData(clientId: "peer-conn-4", revision: 1, publications: [
            persistent: .single(DistroRegistryFixture.info("10.0.0.6", 1)),
            Self.orders: .single(DistroRegistryFixture.info("10.0.0.6", 2)),
        ]))
        #expect(fixture.registry.storage.instances(of: persistent).map(\.ip) == ["10.0.0.5"])
        #expect(fixture.registry.storage.instances(of: Self.orders).map(\.port) == [2])
    }

    @Test("shouldSync: connection clients when native, ephemeral ip:port clients when responsible, persistent never")
    func shouldSync() {
        let fixture = DistroRegistryFixture(responsible: { $0.hasPrefix("10.0.0.1:") })
        #expect(fixture.processor.shouldSync(clientId: "conn", isNative: true))
        #expect(!fixture.processor.shouldSync(clientId: "conn", isNative: false))
        #expect(fixture.processor.shouldSync(clientId: "10.0.0.1:80#true", isNative: false))
        #expect(!fixture.processor.shouldSync(clientId: "10.0.0.2:80#true", isNative: true))
        #expect(!fixture.processor.shouldSync(clientId: "10.0.0.1:80#false", isNative: true))
        fixture.processor.apply(ClientSyncData(clientId: "synced", revision: 1, publications: [:]))
        #expect(!fixture.processor.shouldSync(clientId: "synced"))
        #expect(!fixture.processor.shouldSync(clientId: "unknown"))
        #expect(fixture.processor.shouldSync(clientId: "10.0.0.1:81#true"))
    }

    @Test("the sender's data and verify claims: responsible ip:port clients at their revisions")
    func senderSide() throws {
        let fixture = DistroRegistryFixture(responsible: { $0 == "10.0.0.1:80" })
        try fixture.registry.operations.registerIpPortInstance(Instance(ip: "10.0.0.1", port: 80), service: Self.orders)
        try fixture.registry.operations.registerIpPortInstance(Instance(ip: "10.0.0.2", port: 80), service: Self.orders)
        let mine = try #require(fixture.registry.clients.client("10.0.0.1:80#true"))

        #expect(fixture.processor.responsibleVerifyInfos() == [DistroClientVerifyInfo(clientId: "10.0.0.1:80#true", revision: mine.revision)])
        let data = try #require(fixture.processor.syncData(clientId: "10.0.0.1:80#true"))
        #expect(data.revision == mine.revision)
        #expect(data.publications.keys.map(\.name) == ["orders"])
        #expect(data.publications[Self.orders]?.instances.map(\.address) == ["10.0.0.1:80"])
        #expect(fixture.processor.syncData(clientId: "nobody") == nil)
    }

    @Test("verify renews matching claims, passes revision 0, and fails unknown or mismatched clients")
    func verify() throws {
        let fixture = DistroRegistryFixture(responsible: { _ in false })
        fixture.processor.apply(ClientSyncData(clientId: "peer-conn-5", revision: 9, publications: [Self.orders: .single(DistroRegistryFixture.info("10.0.0.1", 80))]))
        fixture.processor.apply(ClientSyncData(clientId: "10.0.0.8:8#true", revision: 4, publications: [Self.stock: .single(DistroRegistryFixture.info("10.0.0.8", 8))]))

        fixture.clock.advance(by: .seconds(170))
        let failed = fixture.processor.verify([
            DistroClientVerifyInfo(clientId: "peer-conn-5", revision: 9),
            DistroClientVerifyInfo(clientId: "unknown", revision: 1),
            DistroClientVerifyInfo(clientId: "10.0.0.8:8#true", revision: 5),
            DistroClientVerifyInfo(clientId: "10.0.0.8:8#true", revision: 0),
        ])
        #expect(failed == ["unknown", "10.0.0.8:8#true"])
        let ipPort = try #require(fixture.registry.clients.ephemeralIpPortClients.ipPortClient("10.0.0.8:8#true"))
        #expect(ipPort.storage.lastUpdatedTime == fixture.clock.nowMillis())
        #expect(ipPort.instances(of: Self.stock).map(\.lastHeartBeatTime) == [fixture.clock.nowMillis()])

        // Renewed at 170 s, so alive at 340 s; the unrenewed deadline (180 s) has passed.
        fixture.clock.advance(by: .seconds(170))
        #expect(fixture.registry.cleanExpiredClients().isEmpty)
    }

    @Test("a synced connection client that is not renewed expires after 3 min and its instances go")
    func syncedClientExpiry() async throws {
        let fixture = DistroRegistryFixture()
        fixture.processor.apply(ClientSyncData(clientId: "peer-conn-6", revision: 1, publications: [Self.orders: .single(DistroRegistryFixture.info("10.0.0.1", 80))]))
        fixture.clock.advance(by: .seconds(179))
        #expect(fixture.registry.cleanExpiredClients().isEmpty)
        fixture.clock.advance(by: .seconds(2))
        #expect(fixture.registry.cleanExpiredClients() == ["peer-conn-6"])
        #expect(fixture.registry.storage.instances(of: Self.orders).isEmpty)
        try await fixture.waitForEvents([.clientDisconnect(clientId: "peer-conn-6", isNative: false)])
    }

    @Test("a snapshot of one registry, through its JSON, rebuilds the same services in another")
    func snapshotIntoSecondRegistry() async throws {
        let source = DistroRegistryFixture()
        source.processor.apply(ClientSyncData(clientId: "peer-conn-7", revision: 3, publications: [
            Self.orders: .single(DistroRegistryFixture.info("10.0.0.1", 80, metadata: ["m": "1"])),
            Self.stock: .batch(BatchInstancePublishInfo(instances: [DistroRegistryFixture.info("10.0.0.2", 81), DistroRegistryFixture.info("10.0.0.3", 82, weight: 0)])),
        ]))
        try source.registry.operations.registerIpPortInstance(Instance(ip: "10.0.0.4", port: 83, enabled: false), service: Self.orders)
        try await source.registry.operations.registerPersistentInstance(Instance(ip: "10.0.0.5", port: 84, ephemeral: false), service: Service(namespace: nil, group: nil, name: "db", ephemeral: false))

        let snapshot = source.processor.snapshot()
        #expect(Set(snapshot.clientSyncDataList.map(\.clientId)) == ["peer-conn-7", "10.0.0.4:83#true"])
        let target = DistroRegistryFixture()
        target.processor.applySnapshot(try ClientSyncDatumSnapshot(jsonBytes: snapshot.jsonBytes()))

        for service in [Self.orders, Self.stock] {
            let expected = source.registry.storage.instances(of: service).sorted { $0.ip < $1.ip }
            let actual = target.registry.storage.instances(of: service).sorted { $0.ip < $1.ip }
            #expect(actual == expected, "\(service)")
        }
        #expect(target.registry.clients.client("10.0.0.5:84#false") == nil)
        let ipPort = try #require(target.registry.clients.client("10.0.0.4:83#true"))
        #expect(ipPort.revision == source.registry.clients.client("10.0.0.4:83#true")?.revision)
        #expect(target.registry.clients.connectionClients.connectionClient("peer-conn-7")?.revision == 3)
    }

    @Test("a native connection client is never changed or removed by peers, and is what this member verifies")
    func nativeClientUntouched() async throws {
        try await withEventLoopGroup { group in
            let logs = CapturingLogHandler()
            let logger = logs.logger(label: "distro-native", level: .info)
            let clock = NacosSystemClock(group: group)
            let transport = NacosInMemoryTransport(group: group, logger: logger)
            let manager = NacosConnectionManager(clock: clock, logger: logger)
            let registry = NamingRegistry(connectionManager: manager, clock: clock, logger: logger, healthProber: NeverProber())
            let processor = DistroClientDataProcessor(registry: registry, logger: logger)
            var handlers = NacosRequestHandlerRegistry()
            registry.install(into: &handlers)
            let server = NacosRpcServer(
                configuration: NacosRpcServerConfiguration(kind: .sdk, address: TransportKind.inMemory.listenAddress),
                transport: transport,
                handlers: handlers,
                payloads: NamingRegistry.payloads,
                connectionManager: manager,
                clock: clock,
                logger: logger
            )
            try await server.start()
            var configuration = NacosRpcClientConfiguration(name: "distro-native", serverAddresses: [server.localAddress!])
            configuration.labels = ["source": "sdk", "module": "naming"]
            let rpc = NacosRpcClient(configuration: configuration, transport: transport, payloads: .naming, clock: clock)
            defer { rpc.shutdown() }
            #expect(await rpc.start())
            let connectionId = try #require(rpc.connectionId)
            try await waitUntil("the native client") { registry.clients.connectionClients.connectionClient(connectionId) != nil }
            try registry.operations.registerInstance(Instance(ip: "10.0.0.1", port: 80), service: Self.orders, clientId: connectionId)
            let native = try #require(registry.clients.connectionClients.connectionClient(connectionId))
            #expect(native.isNative)

            #expect(!processor.apply(ClientSyncData(clientId: connectionId, revision: 99, publications: [:])))
            #expect(!processor.remove(clientId: connectionId))
            #expect(native.revision == 1)
            #expect(registry.storage.instances(of: Self.orders).map(\.ip) == ["10.0.0.1"])
            #expect(logs.messages.contains { $0.contains("native connection client \(connectionId)") })

            #expect(processor.shouldSync(clientId: connectionId))
            #expect(processor.responsibleVerifyInfos() == [DistroClientVerifyInfo(clientId: connectionId, revision: 1)])
            #expect(processor.snapshot().clientSyncDataList.map(\.clientId) == [connectionId])

            rpc.shutdown()
            registry.shutdown()
            await server.shutdown()
            manager.shutdown()
        }
    }
}

/// A registry on a manual clock with its events recorded, and a processor over it.
final class DistroRegistryFixture: Sendable {
    let clock = NacosManualClock()
    let registry: NamingRegistry
    let processor: DistroClientDataProcessor
    let recorded = DistroEventRecorder()

    init(responsible: @escaping @Sendable (String) -> Bool = { _ in true }) {
        let logger = NacosLogger(label: "distro-fixture", handler: CapturingLogHandler())
        self.registry = NamingRegistry(
            connectionManager: NacosConnectionManager(clock: self.clock, logger: logger),
            clock: self.clock,
            logger: logger,
            healthProber: NeverProber(),
            isResponsibleAddress: responsible
        )
        self.processor = DistroClientDataProcessor(registry: self.registry, logger: logger)
        let recorded = self.recorded
        self.registry.events.subscribe(name: "recorder") { event in recorded.append(event) }
    }

    /// Waits until every one of `events` has been delivered.
    func waitForEvents(_ events: [RegistryEvent]) async throws {
        try await waitUntil("events \(events)") { events.allSatisfy(self.recorded.contains) }
    }

    /// Publish info of `ip:port` with the given weight, health and metadata.
    static func info(_ ip: String, _ port: Int, weight: Double = 1, healthy: Bool = true, metadata: [String: String] = [:]) -> InstancePublishInfo {
        let instance = Instance(ip: ip, port: port, weight: weight, healthy: healthy, clusterName: "DEFAULT", metadata: metadata, instanceId: "\(ip)#\(port)")
        return InstancePublishInfo(instance: instance, now: 0)
    }
}

/// Collects every registry event delivered, in order.
final class DistroEventRecorder: Sendable {
    private let events = Mutex<[RegistryEvent]>([])

    func append(_ event: RegistryEvent) { self.events.withLock { $0.append(event) } }

    var all: [RegistryEvent] { self.events.withLock { $0 } }

    func contains(_ event: RegistryEvent) -> Bool { self.all.contains(event) }
}

/// A health prober that never reaches anything (no sockets in these tests).
struct NeverProber: HealthProber {
    func probe(ip: String, port: Int, timeout: Duration) async -> Bool { false }
}
