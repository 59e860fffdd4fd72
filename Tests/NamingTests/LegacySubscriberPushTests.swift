import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import Testing

/// 1.x subscribers that list with a UDP port (`/instance/list?udpPort=`, reference §4.4): their ip:port
/// clients, push routing to the UDP executor, non-retryable failures, expiry, and the push statistics.
@Suite("1.x UDP subscribers")
struct LegacySubscriberPushTests {
    let service = Service(namespace: nil, group: nil, name: "legacy")
    let agent = "Nacos-Java-Client:v1.4.1"
    let udpClientId = "10.0.0.5:9000#true"

    private func configuration() -> NamingConfiguration {
        var configuration = NamingConfiguration()
        configuration.pushMergeWindow = .zero
        return configuration
    }

    @discardableResult
    private func subscribe(_ fixture: RegistryFixture, clusters: String = "", agent: String? = nil) throws -> Bool {
        try fixture.registry.instanceOperator.subscribeUdp(
            service: self.service,
            clientIP: "10.0.0.5",
            udpPort: 9000,
            clusters: clusters,
            agent: agent ?? self.agent,
            app: "legacy-app"
        )
    }

    @Test("the first list creates client ip:udpPort#true and subscribes it; later lists renew it without a new push")
    func subscribes() async throws {
        let fixture = RegistryFixture(configuration: self.configuration(), udp: true)
        #expect(try self.subscribe(fixture))
        let client = try #require(fixture.registry.clients.client(self.udpClientId))
        let subscriber = try #require(client.storage.subscriber(of: self.service))
        #expect(subscriber.address == "10.0.0.5:9000" && subscriber.ip == "10.0.0.5" && subscriber.port == 9000)
        #expect(subscriber.agent == self.agent && subscriber.app == "legacy-app")
        #expect(fixture.registry.indexes.subscribers(of: self.service) == [self.udpClientId])
        fixture.clock.advance(by: .seconds(20))
        #expect(try self.subscribe(fixture))
        #expect(client.storage.lastUpdatedTime == fixture.clock.nowMillis())
        try await waitUntil("subscribe events delivered") {
            fixture.recorded.all.filter { if case .clientSubscribeService = $0 { true } else { false } }.count == 2
        }
        let subscribed = fixture.recorded.all.filter { $0 == .serviceSubscribed(self.service, clientId: self.udpClientId) }
        #expect(subscribed.count == 1)
    }

    @Test("agents that do not qualify, port 0 and switched-off push do not subscribe; bad input is a 400")
    func notSubscribed() throws {
        let fixture = RegistryFixture(udp: true)
        #expect(try !self.subscribe(fixture, agent: "Nacos-C-Client:v1.0.0"))
        #expect(try !self.subscribe(fixture, agent: "curl/8.0"))
        let operations = fixture.registry.instanceOperator
        #expect(try !operations.subscribeUdp(service: self.service, clientIP: "10.0.0.5", udpPort: 0, clusters: "", agent: self.agent, app: "a"))
        #expect(throws: NacosException.self) {
            try operations.subscribeUdp(service: self.service, clientIP: "10.0.0.5", udpPort: 70_000, clusters: "", agent: self.agent, app: "a")
        }
        #expect(throws: NacosException.self) {
            try operations.subscribeUdp(service: self.service, clientIP: " ", udpPort: 9000, clusters: "", agent: self.agent, app: "a")
        }
        try fixture.registry.switches.update(entry: "pushEnabled", value: "false")
        #expect(try !self.subscribe(fixture))
        #expect(fixture.registry.clients.ephemeralIpPortClients.clientCount == 0)
    }

    @Test("a change pushes connection subscribers over RPC and ip:port subscribers through the UDP executor")
    func routing() async throws {
        let fixture = RegistryFixture(configuration: self.configuration(), udp: true)
        let registry = fixture.registry
        fixture.connectionClient("s1")
        fixture.connectionClient("p")
        try registry.operations.subscribeService(self.service, subscriber: RegistryFixture.subscriber(self.service), clientId: "s1")
        try self.subscribe(fixture, clusters: "c1")
        try registry.operations.batchRegisterInstances(
            [RegistryFixture.instance("10.0.0.1", 1, cluster: "c1"), RegistryFixture.instance("10.0.0.2", 2, cluster: "c2")],
            service: self.service,
            clientId: "p"
        )
        registry.push.handle(.serviceChanged(self.service, incrementRevision: true))
        fixture.clock.advance(by: .zero)
        try await waitUntil("both pushed") { fixture.executor.pushes.count == 1 && fixture.udpExecutor.pushes.count == 1 }
        #expect(fixture.executor.pushes.first?.clientId == "s1")
        #expect(fixture.executor.pushes.first?.info.instances.count == 2)
        let udp = try #require(fixture.udpExecutor.pushes.first)
        #expect(udp.clientId == self.udpClientId)
        #expect(udp.info.instances.map(\.port) == [1], "filtered by the subscriber's clusters")
        #expect(registry.push.statistics.succeeded == 2)
        #expect(registry.push.statistics.latency.count == 2)
    }

    @Test("the first subscription pushes the new UDP subscriber alone")
    func subscribedPush() async throws {
        let fixture = RegistryFixture(configuration: self.configuration(), udp: true)
        fixture.connectionClient("s1")
        try fixture.registry.operations.subscribeService(self.service, subscriber: RegistryFixture.subscriber(self.service), clientId: "s1")
        try self.subscribe(fixture)
        try await waitUntil("serviceSubscribed recorded") {
            fixture.recorded.contains(.serviceSubscribed(self.service, clientId: self.udpClientId))
        }
        fixture.registry.push.handle(.serviceSubscribed(self.service, clientId: self.udpClientId))
        fixture.clock.advance(by: .zero)
        try await waitUntil("pushed") { fixture.udpExecutor.pushes.count == 1 }
        #expect(fixture.executor.pushes.isEmpty)
    }

    @Test("without a UDP executor ip:port subscribers are skipped and nothing is retried")
    func noUdpExecutor() async throws {
        let fixture = RegistryFixture(configuration: self.configuration())
        fixture.connectionClient("s1")
        try fixture.registry.operations.subscribeService(self.service, subscriber: RegistryFixture.subscriber(self.service), clientId: "s1")
        try self.subscribe(fixture)
        fixture.registry.push.handle(.serviceChanged(self.service, incrementRevision: true))
        fixture.clock.advance(by: .zero)
        try await waitUntil("rpc subscriber pushed") { fixture.executor.pushes.count == 1 }
        #expect(fixture.udpExecutor.attempts(to: self.udpClientId) == 0)
        #expect(fixture.registry.push.pendingTasks.isEmpty)
        #expect(fixture.registry.push.statistics.failed == 0)
    }

    @Test("a NonRetryablePushError counts as a failure and is not retried; another error is")
    func nonRetryable() async throws {
        let fixture = RegistryFixture(configuration: self.configuration(), udp: true)
        fixture.connectionClient("s1")
        try fixture.registry.operations.subscribeService(self.service, subscriber: RegistryFixture.subscriber(self.service), clientId: "s1")
        try self.subscribe(fixture)
        fixture.udpExecutor.setFailingForGood(self.udpClientId)
        fixture.registry.push.handle(.serviceChanged(self.service, incrementRevision: true))
        fixture.clock.advance(by: .zero)
        try await waitUntil("the UDP failure counted") { fixture.registry.push.statistics.failed == 1 }
        #expect(fixture.registry.push.statistics.notRetried == 1)
        #expect(fixture.registry.push.pendingTasks.isEmpty)
        fixture.clock.advance(by: .seconds(2))
        #expect(fixture.udpExecutor.attempts(to: self.udpClientId) == 1)

        fixture.executor.setFailing("s1", true)
        fixture.registry.push.handle(.serviceChanged(self.service, incrementRevision: true))
        fixture.clock.advance(by: .zero)
        try await waitUntil("the RPC failure queued a retry") {
            fixture.registry.push.statistics.failed == 3 && fixture.registry.push.pendingTasks.count == 1
        }
        let retry = try #require(fixture.registry.push.pendingTasks.first)
        #expect(retry.targetClients == ["s1"])
        #expect(fixture.registry.push.statistics.notRetried == 2)
    }

    @Test("a UDP subscriber client that is not renewed expires after 30 s and its subscription goes")
    func expiry() throws {
        let fixture = RegistryFixture(udp: true)
        try self.subscribe(fixture)
        fixture.clock.advance(by: .seconds(25))
        try self.subscribe(fixture)
        fixture.clock.advance(by: .seconds(25))
        #expect(fixture.registry.cleanExpiredClients().isEmpty, "renewed 25 s ago")
        fixture.clock.advance(by: .seconds(6))
        #expect(fixture.registry.cleanExpiredClients() == [self.udpClientId])
        #expect(fixture.registry.indexes.subscribers(of: self.service).isEmpty)
        #expect(fixture.registry.metrics.subscribeCount == 0)
    }
}
