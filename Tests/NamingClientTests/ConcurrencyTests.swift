import NacosClient
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// Many services at once from one client, and one service changed by concurrent calls.
@Suite("NamingService concurrency")
struct ConcurrencyTests {
    @Test func manyServicesRegisterSubscribeAndDeregisterConcurrently() async throws {
        try await withNamingTestScope { scope in
            let node = try await scope.startRegistry()
            let provider = try await scope.makeService(node)
            let consumer = try await scope.makeService(node)
            let names = (0..<30).map { _ in UniqueName.next("many") }
            let recorders = names.map { _ in NamingEventRecorder() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (name, recorder) in zip(names, recorders) {
                    group.addTask { try await consumer.subscribe(serviceName: name, listener: recorder.listener) }
                    group.addTask { try await provider.registerInstance(serviceName: name, ip: "10.5.0.1", port: 80) }
                }
                try await group.waitForAll()
            }
            for recorder in recorders { try await recorder.waitForAddresses(["10.5.0.1:80"]) }

            try await withThrowingTaskGroup(of: Void.self) { group in
                for name in names.prefix(15) {
                    group.addTask { try await provider.deregisterInstance(serviceName: name, ip: "10.5.0.1", port: 80) }
                }
                try await group.waitForAll()
            }
            for recorder in recorders.prefix(15) { try await recorder.waitForAddresses([]) }
            for recorder in recorders.suffix(15) { #expect(recorder.lastAddresses == ["10.5.0.1:80"]) }
            #expect(provider.redoSnapshot.instances.count == 15)
            #expect(consumer.redoSnapshot.subscribers.count == 30)
        }
    }

    @Test func concurrentReRegistrationsOfOneServiceLeaveTheServerAndTheRedoRecordAgreeing() async throws {
        try await withNamingTestScope { scope in
            let node = try await scope.startRegistry()
            let provider = try await scope.makeService(node)
            let service = UniqueName.next("contended")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for port in 1...40 {
                    group.addTask { try await provider.registerInstance(serviceName: service, ip: "10.6.0.1", port: port) }
                }
                try await group.waitForAll()
            }
            let record = try #require(provider.redoSnapshot.instances["DEFAULT_GROUP@@\(service)"])
            #expect(record.flags.registered)
            // Calls on one service are serialized, so the last one sent is what both sides hold.
            #expect(node.instances(service).map(\.port) == record.instances.map(\.port))
        }
    }

    @Test func oddPagingArgumentsNeverCrash() async throws {
        try await withNamingTestScope { scope in
            let node = try await scope.startRegistry()
            let client = try await scope.makeService(node)
            for (pageNo, pageSize) in [(0, 10), (-1, -1), (1, 0), (Int.max, Int.max), (Int.min, 1)] {
                do {
                    let page = try await client.getServicesOfServer(pageNo: pageNo, pageSize: pageSize)
                    #expect(page.names.count <= max(0, page.count))
                } catch let error as NacosException {
                    #expect(error.errorCode != .serverError, "\(error)")
                }
            }
        }
    }

    @Test func theRpcConfigurationCarriesTheClientsIdentity() {
        var configuration = NamingClientConfiguration(serverAddresses: [.loopbackIPv4(port: 9848)], namespace: "dev", appName: "shop")
        configuration.rpc.labels["zone"] = "a"
        configuration.rpc.retryTimes = 1
        let rpc = configuration.effectiveRpcConfiguration
        #expect(rpc.serverAddresses == [.loopbackIPv4(port: 9848)])
        #expect(rpc.labels == ["source": "sdk", "module": "naming", "AppName": "shop", "zone": "a"])
        #expect(rpc.tenant == "dev")
        #expect(rpc.headers["app"] == "shop")
        #expect(rpc.retryTimes == 1)
        #expect(configuration.redoInterval == .seconds(3))
        #expect(configuration.failoverCheckInterval == .seconds(5))
        #expect(configuration.cacheDirectory == nil)
        #expect(!configuration.loadCacheAtStart)
        #expect(!configuration.pushEmptyProtection)
    }
}
