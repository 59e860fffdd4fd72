import NacosClient
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// Bad arguments fail with `NacosException` 400 — before sending when the SDK can tell, from the server's
/// parameter check otherwise — and leave nothing behind to redo.
@Suite("NamingService validation")
struct ValidationTests {
    private func expectCode(_ code: NacosErrorCode, containing text: String = "", _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected NacosException \(code)")
        } catch let error as NacosException {
            #expect(error.errorCode == code, "\(error)")
            #expect(text.isEmpty || error.message.contains(text), "\(error)")
        } catch {
            Issue.record("expected NacosException, got \(error)")
        }
    }

    @Test func badArgumentsAreRefusedWithCode400() async throws {
        try await withNamingTestScope { scope in
            let node = try await scope.startRegistry()
            let client = try await scope.makeService(node)
            let service = UniqueName.next("valid")

            await self.expectCode(.invalidParam, containing: "clusterName") {
                try await client.registerInstance(serviceName: service, ip: "10.0.0.1", port: 80, clusterName: "bad cluster")
            }
            await self.expectCode(.invalidParam, containing: "cluster") {
                _ = try await client.getAllInstances(serviceName: service, clusters: ["bad cluster"])
            }
            await self.expectCode(.invalidParam, containing: "cluster") {
                try await client.subscribe(serviceName: service, clusters: ["bad cluster"]) { _ in }
            }
            await self.expectCode(.invalidParam, containing: "serviceName") {
                try await client.registerInstance(serviceName: "  ", ip: "10.0.0.1", port: 80)
            }
            await self.expectCode(.invalidParam, containing: "serviceName") {
                try await client.registerInstance(serviceName: "OTHER@@\(service)", ip: "10.0.0.1", port: 80)
            }
            await self.expectCode(.invalidParam, containing: "weights") {
                try await client.registerInstance(serviceName: service, instance: Instance(ip: "10.0.0.1", port: 80, weight: .nan))
            }
            await self.expectCode(.invalidParam, containing: "port") {
                try await client.registerInstance(serviceName: service, instance: Instance(ip: "10.0.0.1", port: 70000))
            }
            await self.expectCode(.invalidParam, containing: "heart beat") {
                let metadata = [NamingDefaults.heartBeatIntervalKey: "9000", NamingDefaults.heartBeatTimeoutKey: "3000"]
                try await client.registerInstance(serviceName: service, instance: Instance(ip: "10.0.0.1", port: 80, metadata: metadata))
            }
            await self.expectCode(.invalidParam, containing: "persistent") {
                try await client.batchRegisterInstance(serviceName: service, instances: [Instance(ip: "10.0.0.1", port: 80, ephemeral: false)])
            }
            await self.expectCode(.invalidParam, containing: "batch") {
                try await client.batchDeregisterInstance(serviceName: service, instances: [Instance(ip: "10.0.0.1", port: 80)])
            }
            // What only the server checks: whitespace inside a service name.
            await self.expectCode(.invalidParam, containing: "Param check invalid") {
                try await client.registerInstance(serviceName: "bad service", ip: "10.0.0.1", port: 80)
            }
            await self.expectCode(.invalidParam, containing: "Param check invalid") {
                try await client.registerInstance(serviceName: service, groupName: "bad group!", ip: "10.0.0.1", port: 80)
            }
            // Nothing was registered and nothing is left to redo.
            #expect(client.redoSnapshot.instances.isEmpty)
            #expect(client.redoSnapshot.subscribers.isEmpty)
            #expect(node.instances(service).isEmpty)
        }
    }

    @Test func aRefusedReRegistrationKeepsThePreviousOne() async throws {
        try await withNamingTestScope { scope in
            let node = try await scope.startRegistry()
            let client = try await scope.makeService(node)
            let service = UniqueName.next("keep")
            try await client.registerInstance(serviceName: service, ip: "10.0.0.1", port: 80)
            let tooMuchMetadata = ["k": String(repeating: "v", count: 2000)]

            await self.expectCode(.invalidParam, containing: "Param check invalid") {
                try await client.registerInstance(serviceName: service, instance: Instance(ip: "10.0.0.1", port: 81, metadata: tooMuchMetadata))
            }

            #expect(addresses(node.instances(service)) == ["10.0.0.1:80"])
            let redo = try #require(client.redoSnapshot.instances["DEFAULT_GROUP@@\(service)"])
            #expect(redo.instances.map(\.port) == [80])
            #expect(redo.flags.registered)
        }
    }

    @Test func aServiceThatIsNotStartedOrHasNoServersRefuses() async throws {
        #expect(throws: NacosException.self) {
            _ = try NamingService(configuration: NamingClientConfiguration(serverAddresses: []))
        }
        let service = try NamingService(configuration: NamingClientConfiguration(serverAddresses: [.loopbackIPv4(port: 1)]), logger: .disabled())
        defer { service.shutdown() }
        await self.expectCode(.clientDisconnect, containing: "start") {
            try await service.registerInstance(serviceName: "svc", ip: "10.0.0.1", port: 80)
        }
        await self.expectCode(.clientDisconnect, containing: "start") {
            _ = try await service.getAllInstances(serviceName: "svc")
        }
    }
}
