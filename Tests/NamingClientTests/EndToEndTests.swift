import NacosClient
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// The SDK against the real registry over TCP, speaking gRPC and the native protocol from one body: register,
/// query, subscribe, deregister, close, restart
/// (reference §9 scenarios 16 and 18).
@Suite("NamingService end to end")
struct EndToEndTests {
    @Test(arguments: NamingTestProtocol.allCases)
    func registeredInstancesAreListedAndPushedToEverySubscriber(rpcProtocol: NamingTestProtocol) async throws {
        try await withNamingTestScope(rpcProtocol: rpcProtocol) { scope in
            let node = try await scope.startRegistry()
            let provider = try await scope.makeService(node)
            let first = try await scope.makeService(node)
            let second = try await scope.makeService(node)
            let service = UniqueName.next("orders")
            let firstEvents = NamingEventRecorder()
            let secondEvents = NamingEventRecorder()
            try await first.subscribe(serviceName: service, listener: firstEvents.listener)
            try await second.subscribe(serviceName: service, listener: secondEvents.listener)
            // Both hear the first data, an empty service.
            try await firstEvents.waitForAddresses([])
            try await secondEvents.waitForAddresses([])

            try await provider.registerInstance(serviceName: service, ip: "10.0.0.1", port: 8080)

            let listed = try await provider.getAllInstances(serviceName: service, subscribe: false)
            #expect(addresses(listed) == ["10.0.0.1:8080"])
            let instance = try #require(listed.first)
            #expect(instance.clusterName == "DEFAULT")
            #expect(instance.serviceName == "DEFAULT_GROUP@@\(service)")
            try await firstEvents.waitForAddresses(["10.0.0.1:8080"])
            try await secondEvents.waitForAddresses(["10.0.0.1:8080"])
            let event = try #require(firstEvents.events.last)
            #expect(event.serviceName == service)
            #expect(event.groupName == "DEFAULT_GROUP")
            #expect(event.clusters == [])
            // The subscribed cache answers without a round trip.
            #expect(addresses(try await first.getAllInstances(serviceName: service)) == ["10.0.0.1:8080"])

            try await provider.deregisterInstance(serviceName: service, ip: "10.0.0.1", port: 8080)

            try await firstEvents.waitForAddresses([])
            try await secondEvents.waitForAddresses([])
            #expect(try await provider.getAllInstances(serviceName: service, subscribe: false).isEmpty)
            #expect(node.instances(service).isEmpty)
            // Listeners hear changes only: empty, one instance, empty.
            #expect(firstEvents.events.map { addresses($0.instances) } == [[], ["10.0.0.1:8080"], []])
            #expect(provider.redoSnapshot.instances.isEmpty)
        }
    }

    @Test(arguments: NamingTestProtocol.allCases)
    func shuttingDownTheProviderRemovesItsInstancesAndPushesTheChange(rpcProtocol: NamingTestProtocol) async throws {
        try await withNamingTestScope(rpcProtocol: rpcProtocol) { scope in
            let node = try await scope.startRegistry()
            let provider = try await scope.makeService(node)
            let consumer = try await scope.makeService(node)
            let service = UniqueName.next("payments")
            let events = NamingEventRecorder()
            try await consumer.subscribe(serviceName: service, listener: events.listener)
            try await provider.registerInstance(serviceName: service, ip: "10.0.0.2", port: 9000)
            try await events.waitForAddresses(["10.0.0.2:9000"])

            provider.shutdown()

            try await events.waitForAddresses([])
            #expect(node.instances(service).isEmpty)
            // A shut-down service refuses further work.
            await #expect(throws: NacosException.self) {
                try await provider.registerInstance(serviceName: service, ip: "10.0.0.2", port: 9000)
            }
        }
    }

    @Test(arguments: NamingTestProtocol.allCases)
    func redoRestoresRegistrationsAndSubscriptionsOnARestartedServer(rpcProtocol: NamingTestProtocol) async throws {
        try await withNamingTestScope(rpcProtocol: rpcProtocol) { scope in
            let first = try await scope.startRegistry()
            let address = try first.address
            // A long redo interval: the restore must come from the redo run on `.connected`, not the timer.
            let provider = try await scope.makeService(first) { $0.redoInterval = .seconds(60) }
            let consumer = try await scope.makeService(first) { $0.redoInterval = .seconds(60) }
            let service = UniqueName.next("inventory")
            let events = NamingEventRecorder()
            try await consumer.subscribe(serviceName: service, listener: events.listener)
            try await provider.registerInstance(serviceName: service, ip: "10.0.0.3", port: 7000)
            try await events.waitForAddresses(["10.0.0.3:7000"])

            await first.stop()
            try await waitUntil("both clients disconnected") { !provider.isConnected && !consumer.isConnected }
            try await waitUntil("the provider's redo record marked unregistered") {
                provider.redoSnapshot.instances.values.allSatisfy { !$0.flags.registered }
            }

            let second = try await scope.startRegistry(on: address)
            let clock = ContinuousClock()
            let restarted = clock.now
            try await waitUntil(timeout: .seconds(5), "the registration restored on the new server") {
                addresses(second.instances(service)) == ["10.0.0.3:7000"]
            }
            try await waitUntil(timeout: .seconds(5), "the subscription restored on the new server") {
                second.subscribers(service).count == 1
            }
            #expect(clock.now - restarted < .seconds(3))
            try await events.waitForAddresses(["10.0.0.3:7000"])
            try await waitUntil("the provider's redo record acknowledged") {
                provider.redoSnapshot.instances.values.allSatisfy { $0.flags.registered }
            }

            // Pushes flow from the new server: a change reaches the subscriber.
            try await provider.registerInstance(serviceName: service, ip: "10.0.0.3", port: 7001)
            try await events.waitForAddresses(["10.0.0.3:7001"])
        }
    }

    @Test(arguments: NamingTestProtocol.allCases)
    func registeringTheSameServiceTwiceKeepsOnlyTheLastInstance(rpcProtocol: NamingTestProtocol) async throws {
        try await withNamingTestScope(rpcProtocol: rpcProtocol) { scope in
            let node = try await scope.startRegistry()
            let provider = try await scope.makeService(node)
            let service = UniqueName.next("light-beat")
            let metadata = ["version": "2"]

            try await provider.registerInstance(serviceName: service, instance: Instance(ip: "10.0.0.4", port: 81))
            try await provider.registerInstance(serviceName: service, instance: Instance(ip: "10.0.0.4", port: 80, metadata: metadata))

            let listed = try await provider.getAllInstances(serviceName: service, subscribe: false)
            #expect(addresses(listed) == ["10.0.0.4:80"])
            #expect(listed.first?.metadata["version"] == "2")
            #expect(addresses(node.instances(service)) == ["10.0.0.4:80"])
            let redo = try #require(provider.redoSnapshot.instances["DEFAULT_GROUP@@\(service)"])
            #expect(redo.instances.map(\.port) == [80])
        }
    }

    @Test(arguments: NamingTestProtocol.allCases)
    func persistentInstancesUsePersistentInstanceRequestWithoutRedo(rpcProtocol: NamingTestProtocol) async throws {
        try await withNamingTestScope(rpcProtocol: rpcProtocol) { scope in
            let node = try await scope.startRegistry()
            let provider = try await scope.makeService(node)
            let service = UniqueName.next("persistent")
            let instance = Instance(ip: "10.0.0.5", port: 6000, ephemeral: false)

            try await provider.registerInstance(serviceName: service, instance: instance)

            #expect(addresses(node.instances(service)) == ["10.0.0.5:6000"])
            #expect(provider.redoSnapshot.instances.isEmpty)
            try await provider.deregisterInstance(serviceName: service, instance: instance)
            #expect(node.instances(service).isEmpty)
        }
    }
}
