import Foundation
import NacosClient
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// The disk snapshot and failover (reference §8.5).
@Suite("NamingService cache and failover")
struct CacheAndFailoverTests {
    private static let switchFile = "failover/00-00---000-VIPSRV_FAILOVER_SWITCH-000---00-00"

    @Test func fileNamesEncodeKeysAsJavaDoes() {
        #expect(NamingFileNames.encode("DEFAULT_GROUP@@svc") == "DEFAULT_GROUP%40%40svc")
        #expect(NamingFileNames.encode("../x y") == "..%2Fx%20y")
        #expect(NamingFileNames.encode("..") == "%2E%2E")
        #expect(NamingFileNames.decode("DEFAULT_GROUP%40%40svc") == "DEFAULT_GROUP@@svc")
        #expect(NamingFileNames.decode("a+b%2") == "a b%2")
        for key in ["G@@name.with-dots_and*", "ünïcode@@服务", "a/b\\c"] {
            #expect(NamingFileNames.decode(NamingFileNames.encode(key)) == key)
        }
    }

    @Test func theSnapshotIsWrittenOnChangeAndServesAClientStartedWithoutAServer() async throws {
        try await TemporaryDirectory.with { directory in
            try await withNamingTestScope { scope in
                let node = try await scope.startRegistry()
                let address = try node.address
                let provider = try await scope.makeService(node)
                let consumer = try await scope.makeService(node) { $0.cacheDirectory = directory.path }
                let service = UniqueName.next("snapshot")
                let events = NamingEventRecorder()
                try await consumer.subscribe(serviceName: service, listener: events.listener)
                try await provider.registerInstance(serviceName: service, ip: "10.0.0.1", port: 80)
                try await events.waitForAddresses(["10.0.0.1:80"])

                let file = "naming/public/DEFAULT_GROUP%40%40\(service)"
                try await waitUntil("the snapshot of \(service) written with the instance") {
                    guard let data = directory.read(file), let info = try? JSONDecoder().decode(ServiceInfo.self, from: data) else { return false }
                    return addresses(info.instances) == ["10.0.0.1:80"]
                }
                // Unreadable files next to it are skipped.
                try directory.write("not json", to: "naming/public/garbage")
                await node.stop()

                var configuration = scope.configuration(address)
                configuration.cacheDirectory = directory.path
                configuration.loadCacheAtStart = true
                configuration.rpc.startAttempts = 1
                configuration.rpc.requestTimeout = .milliseconds(200)
                let offline = try await scope.makeService(configuration, expectConnected: false)
                #expect(!offline.isConnected)
                let offlineEvents = NamingEventRecorder()
                try await offline.subscribe(serviceName: service, listener: offlineEvents.listener)
                try await offlineEvents.waitForAddresses(["10.0.0.1:80"])
                #expect(addresses(try await offline.getAllInstances(serviceName: service)) == ["10.0.0.1:80"])
                #expect(addresses(try await offline.getAllInstances(serviceName: service, subscribe: false)) == ["10.0.0.1:80"])

                // Without the snapshot there is nothing to answer with.
                configuration.loadCacheAtStart = false
                let empty = try await scope.makeService(configuration, expectConnected: false)
                await #expect(throws: NacosException.self) {
                    _ = try await empty.getAllInstances(serviceName: service)
                }
            }
        }
    }

    @Test func failoverServesFailoverDataAndHoldsBackEventsUntilSwitchedOff() async throws {
        try await TemporaryDirectory.with { directory in
            try await withNamingTestScope { scope in
                let node = try await scope.startRegistry()
                let provider = try await scope.makeService(node)
                let consumer = try await scope.makeService(node) { $0.cacheDirectory = directory.path }
                let service = UniqueName.next("failover")
                let events = NamingEventRecorder()
                try await consumer.subscribe(serviceName: service, listener: events.listener)
                try await provider.registerInstance(serviceName: service, ip: "10.0.0.1", port: 80)
                try await events.waitForAddresses(["10.0.0.1:80"])

                let failoverData = ServiceInfo(name: service, groupName: "DEFAULT_GROUP", hosts: [Instance(ip: "10.9.9.9", port: 1)], lastRefTime: 1)
                try directory.write(failoverData, to: "failover/DEFAULT_GROUP%40%40\(service)")
                try directory.write("1\n", to: Self.switchFile)
                try await waitUntil("failover on") { consumer.isFailoverOn }

                #expect(addresses(try await consumer.getAllInstances(serviceName: service)) == ["10.9.9.9:1"])
                #expect(addresses(try await consumer.getAllInstances(serviceName: service, subscribe: false)) == ["10.9.9.9:1"])
                #expect(try await consumer.selectOneHealthyInstance(serviceName: service)?.inetAddress == "10.9.9.9:1")
                // A service without failover data is answered from the cache (here: not cached, so live).
                #expect(try await consumer.getAllInstances(serviceName: UniqueName.next("none"), subscribe: false).isEmpty)

                try await provider.registerInstance(serviceName: service, ip: "10.0.0.1", port: 81)
                try await waitUntil("the change reached the consumer's cache") {
                    addresses(consumer.cachedServiceInfo(serviceName: service)?.instances ?? []) == ["10.0.0.1:81"]
                }
                #expect(events.events.map { addresses($0.instances) } == [[], ["10.0.0.1:80"]])
                #expect(addresses(try await consumer.getAllInstances(serviceName: service)) == ["10.9.9.9:1"])

                try directory.write("0\n", to: Self.switchFile)
                try await waitUntil("failover off") { !consumer.isFailoverOn }
                try await events.waitForAddresses(["10.0.0.1:81"])
                #expect(addresses(try await consumer.getAllInstances(serviceName: service)) == ["10.0.0.1:81"])
            }
        }
    }
}
