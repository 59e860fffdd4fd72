import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import Testing

/// The push pipeline (reference §6.5; §9 scenarios 10 and 11).
@Suite("Push")
struct PushServiceTests {
    let service = Service(namespace: nil, group: nil, name: "pushed")

    @Test("merging: all+single ⇒ all; single+single ⇒ union; all+all ⇒ all; the earlier due time stays (scenario 10)")
    func taskMerge() {
        var allThenSingle = PushDelayTask.all(self.service, dueMillis: 100)
        allThenSingle.merge(.targeted(self.service, clients: ["a"], dueMillis: 50))
        #expect(allThenSingle.pushToAll && allThenSingle.targetClients.isEmpty && allThenSingle.dueMillis == 50)

        var singleThenAll = PushDelayTask.targeted(self.service, clients: ["a"], dueMillis: 10)
        singleThenAll.merge(.all(self.service, dueMillis: 90))
        #expect(singleThenAll.pushToAll && singleThenAll.targetClients.isEmpty && singleThenAll.dueMillis == 10)

        var union = PushDelayTask.targeted(self.service, clients: ["a"], dueMillis: 10)
        union.merge(.targeted(self.service, clients: ["b"], dueMillis: 20))
        #expect(!union.pushToAll && union.targetClients == ["a", "b"] && union.dueMillis == 10)

        var all = PushDelayTask.all(self.service, dueMillis: 10)
        all.merge(.all(self.service, dueMillis: 5))
        #expect(all.pushToAll && all.dueMillis == 5)
    }

    /// A fixture with subscribers `s1`, `s2` of the service and a provider `p`.
    private func subscribedFixture(_ configuration: NamingConfiguration = NamingConfiguration()) throws -> RegistryFixture {
        let fixture = RegistryFixture(configuration: configuration)
        for id in ["s1", "s2", "p"] { fixture.connectionClient(id) }
        for id in ["s1", "s2"] {
            try fixture.registry.operations.subscribeService(self.service, subscriber: RegistryFixture.subscriber(self.service), clientId: id)
        }
        return fixture
    }

    @Test("a delay-0 change pushes once to every subscriber (scenario 11)")
    func changePushesAll() async throws {
        var configuration = NamingConfiguration()
        configuration.pushMergeWindow = .zero
        let fixture = try self.subscribedFixture(configuration)
        fixture.registry.push.handle(.serviceChanged(self.service, incrementRevision: true))
        fixture.clock.advance(by: .zero)
        try await waitUntil("both pushed") { fixture.executor.pushes.count == 2 }
        #expect(Set(fixture.executor.pushes.map(\.clientId)) == ["s1", "s2"])
        #expect(fixture.registry.push.pendingTasks.isEmpty)
    }

    @Test("ServiceSubscribed pushes only the new subscriber")
    func subscribedPushesOne() async throws {
        let fixture = try self.subscribedFixture()
        fixture.registry.push.handle(.serviceSubscribed(self.service, clientId: "s2"))
        fixture.clock.advance(by: .milliseconds(10))
        try await waitUntil("pushed") { fixture.executor.pushes.count == 1 }
        #expect(fixture.executor.pushes.first?.clientId == "s2")
        #expect(fixture.executor.pushes.first?.info.name == "pushed")
    }

    @Test("changes within the merge window become one push per subscriber, due at first change + window")
    func mergeWindow() async throws {
        var configuration = NamingConfiguration()
        configuration.pushMergeWindow = .milliseconds(50)
        let fixture = try self.subscribedFixture(configuration)
        try fixture.registry.operations.registerInstance(RegistryFixture.instance("10.0.0.1", 1), service: self.service, clientId: "p")
        fixture.registry.push.handle(.serviceChanged(self.service, incrementRevision: true))
        fixture.clock.advance(by: .milliseconds(30))
        try fixture.registry.operations.registerInstance(RegistryFixture.instance("10.0.0.1", 2), service: self.service, clientId: "p")
        fixture.registry.push.handle(.serviceChanged(self.service, incrementRevision: true))
        fixture.clock.advance(by: .milliseconds(19))
        #expect(fixture.executor.pushes.isEmpty)
        fixture.clock.advance(by: .milliseconds(1))
        try await waitUntil("pushed") { fixture.executor.pushes.count == 2 }
        #expect(fixture.executor.pushes.allSatisfy { $0.info.instances.map(\.port) == [2] })
        fixture.clock.advance(by: .seconds(1))
        #expect(fixture.executor.pushes.count == 2)
    }

    @Test("pushEnabled=false pushes nothing")
    func pushDisabled() throws {
        var configuration = NamingConfiguration()
        configuration.pushEnabled = false
        let fixture = try self.subscribedFixture(configuration)
        fixture.registry.push.handle(.serviceChanged(self.service, incrementRevision: true))
        #expect(fixture.registry.push.pendingTasks.isEmpty)
    }

    @Test("a failed push is retried after 1 s while the subscription lives, and not after it ends")
    func retryAfterFailure() async throws {
        var configuration = NamingConfiguration()
        configuration.pushMergeWindow = .zero
        let fixture = try self.subscribedFixture(configuration)
        fixture.executor.setFailing("s1", true)
        fixture.registry.push.handle(.serviceChanged(self.service, incrementRevision: true))
        fixture.clock.advance(by: .zero)
        try await waitUntil("s2 pushed and s1's retry queued") {
            fixture.executor.pushes(to: "s2").count == 1 && fixture.registry.push.pendingTasks.count == 1
        }
        let retry = try #require(fixture.registry.push.pendingTasks.first)
        #expect(!retry.pushToAll && retry.targetClients == ["s1"])
        #expect(retry.dueMillis == fixture.clock.nowMillis() + 1000)
        fixture.executor.setFailing("s1", false)
        fixture.clock.advance(by: .milliseconds(999))
        #expect(fixture.executor.pushes(to: "s1").isEmpty)
        fixture.clock.advance(by: .milliseconds(1))
        try await waitUntil("s1 pushed on retry") { fixture.executor.pushes(to: "s1").count == 1 }
        #expect(fixture.executor.pushes(to: "s2").count == 1)
        #expect(fixture.registry.push.statistics.failed == 1)

        fixture.executor.setFailing("s1", true)
        fixture.registry.push.handle(.serviceChanged(self.service, incrementRevision: true))
        fixture.clock.advance(by: .zero)
        try await waitUntil("second failure") { fixture.registry.push.statistics.failed == 2 }
        try fixture.registry.operations.unsubscribeService(self.service, clientId: "s1")
        fixture.clock.advance(by: .seconds(2))
        #expect(fixture.executor.pushes(to: "s1").count == 1)
    }

    @Test("a subscriber that does not answer delays nobody else; its extra pushes are deferred")
    func slowSubscriberIsolated() async throws {
        var configuration = NamingConfiguration()
        configuration.pushMergeWindow = .zero
        configuration.maxInFlightPushesPerSubscriber = 1
        let fixture = try self.subscribedFixture(configuration)
        let gate = AsyncGate()
        fixture.executor.hold("s1", with: gate)
        fixture.registry.push.handle(.serviceChanged(self.service, incrementRevision: true))
        fixture.clock.advance(by: .zero)
        try await waitUntil("s2 pushed while s1 hangs") { fixture.executor.pushes(to: "s2").count == 1 && gate.entered == 1 }
        fixture.registry.push.handle(.serviceChanged(self.service, incrementRevision: true))
        fixture.clock.advance(by: .zero)
        try await waitUntil("s2 pushed again") { fixture.executor.pushes(to: "s2").count == 2 }
        #expect(fixture.registry.push.statistics.deferred == 1)
        gate.open()
        try await waitUntil("s1's first push done") { fixture.executor.pushes(to: "s1").count == 1 }
        fixture.clock.advance(by: .seconds(1))
        try await waitUntil("s1's deferred push done") { fixture.executor.pushes(to: "s1").count == 2 }
    }
}
