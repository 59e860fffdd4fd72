import NacosClient
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// How the SDK takes the server's pushes and what it sends, against a fake server (reference §3.7, §8.3, §8.5).
@Suite("NamingService pushes and requests")
struct PushHandlingTests {
    private func info(_ ports: [Int], at time: Int64, healthy: Bool = true) -> ServiceInfo {
        ServiceInfo(
            name: "svc",
            groupName: "DEFAULT_GROUP",
            hosts: ports.map { Instance(ip: "10.0.0.1", port: $0, healthy: healthy) },
            lastRefTime: time
        )
    }

    private func withFake(_ body: (NamingTestScope, FakeNamingServer) async throws -> Void) async throws {
        try await withNamingTestScope { scope in
            let fake = try await FakeNamingServer(address: .loopbackIPv4(port: 0), transport: scope.transport)
            do {
                try await body(scope, fake)
                await fake.shutdown()
            } catch {
                await fake.shutdown()
                throw error
            }
        }
    }

    @Test func anOlderPushIsIgnoredAndANewerOneApplied() async throws {
        try await self.withFake { scope, fake in
            fake.setServiceInfo(self.info([80], at: 1000))
            let client = try await scope.makeService(scope.configuration(try fake.address))
            let events = NamingEventRecorder()
            try await client.subscribe(serviceName: "svc", listener: events.listener)
            try await events.waitForAddresses(["10.0.0.1:80"])

            let answer = try await fake.push(self.info([81], at: 900), to: client.connectionId)
            #expect(answer is NotifySubscriberResponse)
            #expect(answer.success)
            #expect(client.cachedServiceInfo(serviceName: "svc")?.lastRefTime == 1000)
            #expect(addresses(try await client.getAllInstances(serviceName: "svc")) == ["10.0.0.1:80"])

            _ = try await fake.push(self.info([82], at: 1100), to: client.connectionId)
            try await events.waitForAddresses(["10.0.0.1:82"])
            #expect(events.events.map { addresses($0.instances) } == [["10.0.0.1:80"], ["10.0.0.1:82"]])
            // A push without data is answered all the same.
            let connectionId = try #require(client.connectionId)
            let connection = try #require(fake.manager.connection(connectionId))
            let empty = try await connection.request(NotifySubscriberRequest(), timeout: .seconds(5))
            #expect(empty.success)
        }
    }

    @Test func pushEmptyProtectionKeepsTheLastUsableData() async throws {
        try await self.withFake { scope, fake in
            fake.setServiceInfo(self.info([80], at: 1000))
            var configuration = scope.configuration(try fake.address)
            configuration.pushEmptyProtection = true
            let protected = try await scope.makeService(configuration)
            let unprotected = try await scope.makeService(scope.configuration(try fake.address))
            let protectedEvents = NamingEventRecorder()
            let unprotectedEvents = NamingEventRecorder()
            try await protected.subscribe(serviceName: "svc", listener: protectedEvents.listener)
            try await unprotected.subscribe(serviceName: "svc", listener: unprotectedEvents.listener)
            try await protectedEvents.waitForAddresses(["10.0.0.1:80"])

            for client in [protected, unprotected] {
                _ = try await fake.push(self.info([], at: 1100), to: client.connectionId)
                _ = try await fake.push(self.info([81], at: 1200, healthy: false), to: client.connectionId)
            }

            try await unprotectedEvents.waitForAddresses(["10.0.0.1:81"])
            #expect(unprotectedEvents.events.map { addresses($0.instances) } == [["10.0.0.1:80"], [], ["10.0.0.1:81"]])
            #expect(protected.cachedServiceInfo(serviceName: "svc")?.lastRefTime == 1000)
            #expect(protectedEvents.events.map { addresses($0.instances) } == [["10.0.0.1:80"]])
            // Queries too: an empty answer is replaced by the cached data.
            fake.setServiceInfo(self.info([], at: 1300))
            #expect(addresses(try await protected.getAllInstances(serviceName: "svc", subscribe: false)) == ["10.0.0.1:80"])
            #expect(try await unprotected.getAllInstances(serviceName: "svc", subscribe: false).isEmpty)
        }
    }

    @Test func theClientIdentifiesItselfAndSubscribesToEveryCluster() async throws {
        try await self.withFake { scope, fake in
            var configuration = scope.configuration(try fake.address, namespace: "tenant-a")
            configuration.appName = "shop"
            let client = try await scope.makeService(configuration)
            let connectionId = try #require(client.connectionId)
            let connection = try #require(fake.manager.connection(connectionId))
            #expect(connection.meta.labels["source"] == "sdk")
            #expect(connection.meta.labels["module"] == "naming")
            #expect(connection.meta.labels["AppName"] == "shop")

            try await client.subscribe(serviceName: "svc", clusters: ["A", "B"]) { _ in }
            try await client.registerInstance(serviceName: "svc", instance: Instance(ip: "10.0.0.1", port: 80, ephemeral: false))
            try await client.registerInstance(serviceName: "svc", ip: "10.0.0.1", port: 81)

            let subscribe = try #require(fake.requests(SubscribeServiceRequest.self).first)
            #expect(subscribe.clusters == "")
            #expect(subscribe.subscribe)
            #expect(subscribe.namespace == "tenant-a")
            #expect(subscribe.header("app") == "shop")
            #expect(fake.requests(PersistentInstanceRequest.self).map(\.type) == [InstanceRequest.registerType])
            let register = try #require(fake.requests(InstanceRequest.self).first)
            #expect(register.namespace == "tenant-a")
            #expect(register.groupName == "DEFAULT_GROUP")
            #expect(register.instance?.clusterName == "DEFAULT")
            // A second listener of the same service needs no second subscription.
            try await client.subscribe(serviceName: "svc") { _ in }
            #expect(fake.requests(SubscribeServiceRequest.self).count == 1)
        }
    }

    @Test func theLastListenerLeavingUnsubscribesOnTheServer() async throws {
        try await self.withFake { scope, fake in
            fake.setServiceInfo(self.info([80], at: 1000))
            let client = try await scope.makeService(scope.configuration(try fake.address))
            let first = try await client.subscribe(serviceName: "svc") { _ in }
            let second = try await client.subscribe(serviceName: "svc", clusters: ["A"]) { _ in }
            #expect(first != second)

            await client.unsubscribe(first)
            #expect(fake.requests(SubscribeServiceRequest.self).map(\.subscribe) == [true])
            await client.unsubscribe(serviceName: "svc", clusters: ["A"])
            #expect(fake.requests(SubscribeServiceRequest.self).map(\.subscribe) == [true, false])
            #expect(client.redoSnapshot.subscribers.isEmpty)
            #expect(client.getSubscribeServices().isEmpty)
        }
    }

    @Test func eventStreamsEndOnUnsubscribeAndShutdown() async throws {
        try await self.withFake { scope, fake in
            fake.setServiceInfo(self.info([80], at: 1000))
            let client = try await scope.makeService(scope.configuration(try fake.address))
            let stream = try await client.subscribe(serviceName: "svc")
            let other = try await client.subscribe(serviceName: "svc")
            let reader = Task {
                var seen: [Set<String>] = []
                for await event in stream { seen.append(addresses(event.instances)) }
                return seen
            }
            let otherReader = Task {
                var count = 0
                for await _ in other { count += 1 }
                return count
            }
            _ = try await fake.push(self.info([81], at: 1100), to: client.connectionId)
            try await waitUntil("the push applied") { client.cachedServiceInfo(serviceName: "svc")?.lastRefTime == 1100 }

            await client.unsubscribe(stream.subscription)
            #expect(await reader.value == [["10.0.0.1:80"], ["10.0.0.1:81"]])
            client.shutdown()
            #expect(await otherReader.value == 2)
        }
    }

    @Test func cancellingTheReaderOfAStreamUnsubscribes() async throws {
        try await self.withFake { scope, fake in
            fake.setServiceInfo(self.info([80], at: 1000))
            let client = try await scope.makeService(scope.configuration(try fake.address))
            let reader = Task {
                let stream = try await client.subscribe(serviceName: "svc")
                for await _ in stream {}
            }
            try await waitUntil("subscribed") { fake.requests(SubscribeServiceRequest.self).count == 1 }
            reader.cancel()
            try await waitUntil("unsubscribed on the server") {
                fake.requests(SubscribeServiceRequest.self).map(\.subscribe) == [true, false]
            }
        }
    }
}
