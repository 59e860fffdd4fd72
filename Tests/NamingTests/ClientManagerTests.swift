import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// Client managers and the delegate (reference §6.2, §9 scenarios 6 and 7).
@Suite("Client managers")
struct ClientManagerTests {
    @Test("syncClientConnected creates a non-native client; verify passes with revision 0 or the exact revision (scenario 6)")
    func connectionClientVerify() throws {
        let fixture = RegistryFixture()
        let manager = fixture.registry.clients.connectionClients
        #expect(manager.syncClientConnected("conn-1"))
        #expect(!manager.syncClientConnected("conn-1"))
        let client = try #require(manager.connectionClient("conn-1"))
        #expect(!client.isNative)
        #expect(!manager.isResponsible(client))
        #expect(manager.verifyClient("conn-1", revision: 0, now: fixture.clock.nowMillis()))
        #expect(!manager.verifyClient("unknown", revision: 0, now: fixture.clock.nowMillis()))
        #expect(!manager.verifyClient("conn-1", revision: 7, now: fixture.clock.nowMillis()))

        try fixture.registry.operations.registerInstance(RegistryFixture.instance("10.0.0.1", 80), service: Service(namespace: nil, group: nil, name: "s"), clientId: "conn-1")
        #expect(client.revision == 1)
        #expect(manager.verifyClient("conn-1", revision: 1, now: fixture.clock.nowMillis()))
    }

    @Test("a synced connection client expires 3 min after its last renewal; verification renews it")
    func syncedClientExpiry() throws {
        let fixture = RegistryFixture()
        let service = Service(namespace: nil, group: nil, name: "s")
        fixture.connectionClient("peer-conn")
        try fixture.registry.operations.registerInstance(RegistryFixture.instance("10.0.0.1", 80), service: service, clientId: "peer-conn")
        fixture.clock.advance(by: .seconds(170))
        #expect(fixture.registry.clients.verifyClient("peer-conn", revision: 0, now: fixture.clock.nowMillis()))
        fixture.clock.advance(by: .seconds(170))
        #expect(fixture.registry.cleanExpiredClients().isEmpty)
        fixture.clock.advance(by: .seconds(11))
        #expect(fixture.registry.cleanExpiredClients() == ["peer-conn"])
        #expect(fixture.registry.storage.instances(of: service).isEmpty)
        #expect(fixture.registry.indexes.publishers(of: service).isEmpty)
    }

    @Test("ip:port clients verify only with revision 0 or their exact revision (scenario 7)")
    func ipPortVerify() throws {
        let fixture = RegistryFixture()
        let service = Service(namespace: nil, group: nil, name: "http")
        try fixture.registry.operations.registerIpPortInstance(RegistryFixture.instance("10.0.0.3", 8080), service: service)
        let client = try #require(fixture.registry.clients.client("10.0.0.3:8080#true"))
        let revision = client.revision
        #expect(revision != 0)
        let manager = fixture.registry.clients.ephemeralIpPortClients
        #expect(manager.verifyClient("10.0.0.3:8080#true", revision: 0, now: 0))
        #expect(manager.verifyClient("10.0.0.3:8080#true", revision: revision, now: 0))
        #expect(!manager.verifyClient("10.0.0.3:8080#true", revision: revision &+ 1, now: 0))
        #expect(!manager.verifyClient("10.0.0.4:8080#true", revision: 0, now: 0))
    }

    @Test("an ephemeral ip:port client with nothing published expires after 30 s; one with instances after 3 min of silence")
    func ipPortExpiry() throws {
        let fixture = RegistryFixture()
        let service = Service(namespace: nil, group: nil, name: "http")
        let instance = RegistryFixture.instance("10.0.0.3", 8080)
        try fixture.registry.operations.registerIpPortInstance(instance, service: service)
        fixture.registry.operations.deregisterIpPortInstance(instance, service: service)
        try fixture.registry.operations.registerIpPortInstance(RegistryFixture.instance("10.0.0.4", 8080), service: service)
        fixture.clock.advance(by: .seconds(31))
        #expect(fixture.registry.cleanExpiredClients() == ["10.0.0.3:8080#true"])
        fixture.clock.advance(by: .seconds(150))
        #expect(fixture.registry.cleanExpiredClients() == ["10.0.0.4:8080#true"])
    }

    @Test("the delegate routes by the form of the id")
    func delegateRouting() throws {
        let fixture = RegistryFixture()
        let clients = fixture.registry.clients
        #expect(clients.manager(for: "1700000000000_10.0.0.1_5000") as? ConnectionBasedClientManager != nil)
        #expect(clients.manager(for: "inmemory#client-3_1") as? ConnectionBasedClientManager != nil)
        #expect((clients.manager(for: "10.0.0.1:80#true") as? IpPortClientManager)?.ephemeral == true)
        #expect((clients.manager(for: "10.0.0.1:80#false") as? IpPortClientManager)?.ephemeral == false)
        #expect(IpPortBasedClient.parse("10.0.0.1:80#false") == ("10.0.0.1:80", false))
        #expect(IpPortBasedClient(clientId: "10.0.0.1:80#true", now: 0).responsibleId == "10.0.0.1:80")
    }

    @Test("only module=naming connections get a client; it is native and released on disconnect", arguments: TransportKind.allCases)
    func connectionLabels(kind: TransportKind) async throws {
        try await NamingHarness.run(kind) { harness in
            let naming = try await harness.connect()
            let client = try #require(harness.registry.clients.connectionClients.connectionClient(naming.connectionId))
            #expect(client.isNative)
            #expect(harness.registry.clients.isResponsible(client))

            var configuration = NacosRpcClientConfiguration(name: "config-client", serverAddresses: [harness.server.localAddress!])
            configuration.labels = ["source": "sdk", "module": "config"]
            let other = NacosRpcClient(configuration: configuration, transport: harness.transport, payloads: .naming, clock: NacosSystemClock(group: harness.group))
            #expect(await other.start())
            let otherId = try #require(other.connectionId)
            try await waitUntil("registration") { harness.manager.isRegistered(otherId) }
            #expect(harness.registry.clients.client(otherId) == nil)
            other.shutdown()

            naming.rpc.shutdown()
            try await waitUntil("release") { harness.registry.clients.client(naming.connectionId) == nil }
        }
    }
}
