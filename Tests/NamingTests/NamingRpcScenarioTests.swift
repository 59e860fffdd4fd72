import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// The naming handlers end to end over the native protocol: register, query, subscribe and push,
/// deregister, disconnect, validation and isolation.
@Suite("Naming over RPC")
struct NamingRpcScenarioTests {
    @Test("register → query lists it → subscriber pushed → deregister → subscriber pushed an empty list", arguments: TransportKind.allCases)
    func registerSubscribeDeregister(kind: TransportKind) async throws {
        try await NamingHarness.run(kind) { harness in
            let provider = try await harness.connect(clientIp: "10.0.0.1")
            let consumer = try await harness.connect(clientIp: "10.0.0.2")
            let initial = try await consumer.subscribe("orders")
            #expect(initial.success)
            #expect(initial.message == "success")
            #expect(initial.serviceInfo?.hosts == [])
            #expect(initial.serviceInfo?.name == "orders")

            let registered = try await provider.register(Instance(ip: "10.0.0.1", port: 8080, metadata: ["v": "1"]), service: "orders")
            #expect(registered.success)
            #expect(registered.type == "registerInstance")

            let listed = try await consumer.query("orders")
            #expect(listed.instances.count == 1)
            let instance = try #require(listed.instances.first)
            #expect(instance.instanceId == "10.0.0.1#8080#DEFAULT#DEFAULT_GROUP@@orders")
            #expect(instance.serviceName == "DEFAULT_GROUP@@orders")
            #expect(instance.clusterName == "DEFAULT")
            #expect(instance.metadata == ["v": "1"])
            #expect(listed.name == "orders")
            #expect(listed.groupName == "DEFAULT_GROUP")
            #expect(listed.cacheMillis == 10_000)

            try await waitUntil("push with the instance") { consumer.lastPush(of: "orders")?.instances.count == 1 }
            let deregistered = try await provider.deregister(service: "orders")
            #expect(deregistered.success)
            #expect(deregistered.type == "deregisterInstance")
            try await waitUntil("push of the empty list") { consumer.lastPush(of: "orders")?.hosts == [] }
            #expect(try await consumer.query("orders").instances.isEmpty)
        }
    }

    @Test("closing a client's connection removes its instances and pushes the change", arguments: TransportKind.allCases)
    func disconnectRemovesInstances(kind: TransportKind) async throws {
        try await NamingHarness.run(kind) { harness in
            let provider = try await harness.connect(clientIp: "10.0.0.1")
            let consumer = try await harness.connect(clientIp: "10.0.0.2")
            _ = try await consumer.subscribe("payments")
            try await provider.register(Instance(ip: "10.0.0.1", port: 9000), service: "payments")
            try await waitUntil("push with the instance") { consumer.lastPush(of: "payments")?.instances.count == 1 }

            let connectionId = provider.connectionId
            provider.rpc.shutdown()
            try await waitUntil("client released") { harness.registry.clients.client(connectionId) == nil }
            try await waitUntil("push of the empty list") { consumer.lastPush(of: "payments")?.hosts == [] }
            #expect(try await consumer.query("payments").instances.isEmpty)
            #expect(harness.registry.indexes.publishers(of: Service(namespace: nil, group: nil, name: "payments")).isEmpty)
        }
    }

    @Test("one publication per connection per service: a second register replaces the first (scenario 18)")
    func secondRegisterReplaces() async throws {
        try await NamingHarness.run(.inMemory) { harness in
            let client = try await harness.connect()
            try await client.register(Instance(ip: "10.0.0.5", port: 81), service: "light")
            try await client.register(Instance(ip: "10.0.0.5", port: 80), service: "light")
            let info = try await client.query("light")
            #expect(info.instances.map(\.port) == [80])
        }
    }

    @Test("batch register replaces the connection's entry; batch deregister trims it")
    func batchRegister() async throws {
        try await NamingHarness.run(.inMemory) { harness in
            let client = try await harness.connect()
            var batch = BatchInstanceRequest(
                serviceName: "batch",
                groupName: "G",
                type: BatchInstanceRequest.batchRegisterType,
                instances: [Instance(ip: "10.0.0.5", port: 1), Instance(ip: "10.0.0.5", port: 2), Instance(ip: "10.0.0.5", port: 3)]
            )
            let response = try await client.send(batch, expecting: BatchInstanceResponse.self)
            #expect(response.success)
            #expect(response.type == "batchRegisterInstance")
            #expect(Set(try await client.query("batch", group: "G").instances.map(\.port)) == [1, 2, 3])

            try await client.register(Instance(ip: "10.0.0.5", port: 9), service: "batch", group: "G")
            #expect(try await client.query("batch", group: "G").instances.map(\.port) == [9])

            batch.instances = [Instance(ip: "10.0.0.5", port: 1), Instance(ip: "10.0.0.5", port: 2)]
            _ = try await client.send(batch, expecting: BatchInstanceResponse.self)
            batch.type = BatchInstanceRequest.batchDeregisterType
            batch.instances = [Instance(ip: "10.0.0.5", port: 1)]
            #expect(try await client.send(batch, expecting: BatchInstanceResponse.self).success)
            #expect(try await client.query("batch", group: "G").instances.map(\.port) == [2])
        }
    }

    @Test("namespace and group isolation; the service list pages sorted names (scenario 20)")
    func isolationAndServiceList() async throws {
        try await NamingHarness.run(.inMemory) { harness in
            let client = try await harness.connect()
            let other = try await harness.connect()
            try await harness.registry.namespaceOperator.create(id: "dev", name: "dev", description: "")
            try await harness.registry.namespaceOperator.create(id: "prod", name: "prod", description: "")
            try await client.register(Instance(ip: "10.0.0.9", port: 80), service: "svc", namespace: "dev")
            try await other.register(Instance(ip: "10.0.0.9", port: 80), service: "svc", namespace: "prod")
            try await client.register(Instance(ip: "10.0.0.9", port: 81), service: "svc", group: "OTHER", namespace: "dev")
            #expect(try await client.query("svc", namespace: "dev").instances.count == 1)
            #expect(try await client.query("svc", namespace: "prod").instances.count == 1)
            #expect(try await client.query("svc", namespace: "public").instances.isEmpty)
            #expect(try await client.query("svc", group: "OTHER", namespace: "dev").instances.map(\.port) == [81])

            for index in 0..<7 {
                try await client.register(Instance(ip: "10.0.0.9", port: 80), service: "list-\(index)", group: "LIST")
            }
            let first = try await client.send(ServiceListRequest(groupName: "LIST", pageNo: 1, pageSize: 5), expecting: ServiceListResponse.self)
            #expect(first.count == 7)
            #expect(first.serviceNames == ["list-0", "list-1", "list-2", "list-3", "list-4"])
            let second = try await client.send(ServiceListRequest(groupName: "LIST", pageNo: 2, pageSize: 5), expecting: ServiceListResponse.self)
            #expect(second.serviceNames == ["list-5", "list-6"])
            let beyond = try await client.send(ServiceListRequest(groupName: "LIST", pageNo: 9, pageSize: 5), expecting: ServiceListResponse.self)
            #expect(beyond.count == 7 && beyond.serviceNames.isEmpty)
            let bad = try await client.send(ServiceListRequest(groupName: "LIST", pageNo: 0, pageSize: 5), expecting: ServiceListResponse.self)
            #expect(bad.resultCode == 500 && bad.errorCode == 400)
        }
    }

    @Test("invalid input gets the handler's own response type with 500/400 and a message (reference §3.9)")
    func validationErrors() async throws {
        try await NamingHarness.run(.inMemory) { harness in
            let client = try await harness.connect()
            let cases: [(String, Instance, String)] = [
                ("bad ip", Instance(ip: "10.0.0 .1", port: 80), "ip"),
                ("bad port", Instance(ip: "10.0.0.1", port: 70000), "port"),
                ("bad cluster", Instance(ip: "10.0.0.1", port: 80, clusterName: "bad cluster"), "cluster"),
                ("underscore cluster", Instance(ip: "10.0.0.1", port: 80, clusterName: "a_b"), "clusterName"),
                (
                    "timings",
                    Instance(ip: "10.0.0.1", port: 80, metadata: ["preserved.heart.beat.interval": "9000", "preserved.heart.beat.timeout": "3000"]),
                    "heart beat"
                ),
            ]
            for (name, instance, fragment) in cases {
                let response = try await client.register(instance, service: "valid")
                #expect(response.resultCode == 500, "\(name)")
                #expect(response.errorCode == 400, "\(name)")
                #expect(response.message?.contains(fragment) == true, "\(name): \(response.message ?? "nil")")
            }
            for badName in ["@svc", "a@@b", "has space"] {
                let response = try await client.register(Instance(ip: "10.0.0.1", port: 80), service: badName)
                #expect(response.resultCode == 500 && response.errorCode == 400, "\(badName)")
                #expect(response.message?.hasPrefix("Param check invalid:") == true, "\(badName): \(response.message ?? "nil")")
            }
            let unknownType = try await client.send(
                InstanceRequest(serviceName: "valid", type: "renameInstance", instance: Instance(ip: "10.0.0.1", port: 80)),
                expecting: InstanceResponse.self
            )
            #expect(unknownType.errorCode == 400)
            #expect(unknownType.message == "Unsupported request type renameInstance")
            let query = try await client.send(
                ServiceQueryRequest(serviceName: "valid", cluster: "a b"),
                expecting: QueryServiceResponse.self
            )
            #expect(query.resultCode == 500 && query.errorCode == 400)
            // Nothing was registered by the refused requests.
            #expect(try await client.query("valid").instances.isEmpty)
        }
    }

    @Test("TTL metadata (interval 3 s, timeout 6 s, delete 9 s) is accepted and echoed (scenario 17)")
    func ttlMetadataAccepted() async throws {
        try await NamingHarness.run(.inMemory) { harness in
            let client = try await harness.connect()
            let metadata = ["preserved.heart.beat.interval": "3000", "preserved.heart.beat.timeout": "6000", "preserved.ip.delete.timeout": "9000"]
            let response = try await client.register(Instance(ip: "10.0.0.1", port: 80, clusterName: "c1", metadata: metadata), service: "ttl")
            #expect(response.success)
            let instance = try #require(try await client.query("ttl").instances.first)
            #expect(instance.instanceHeartBeatInterval == 3000)
            #expect(instance.instanceHeartBeatTimeOut == 6000)
            #expect(instance.ipDeleteTimeout == 9000)
        }
    }

    @Test("a persistent service refuses ephemeral instances, and persistent registers land under ip:port#false")
    func persistentConflicts() async throws {
        try await NamingHarness.run(.inMemory) { harness in
            let client = try await harness.connect()
            let persistent = PersistentInstanceRequest(
                serviceName: "db",
                type: "registerInstance",
                instance: Instance(ip: "10.0.0.7", port: 3306, ephemeral: false)
            )
            #expect(try await client.send(persistent, expecting: InstanceResponse.self).success)
            #expect(harness.registry.clients.client("10.0.0.7:3306#false") != nil)
            let info = try await client.query("db")
            #expect(info.instances.first?.ephemeral == false)

            let ephemeral = try await client.register(Instance(ip: "10.0.0.8", port: 3306), service: "db")
            #expect(ephemeral.resultCode == 500)
            #expect(ephemeral.errorCode == 400)
            #expect(ephemeral.message?.contains("is persistent service") == true)

            var deregister = persistent
            deregister.type = "deregisterInstance"
            #expect(try await client.send(deregister, expecting: InstanceResponse.self).success)
            #expect(try await client.query("db").instances.isEmpty)
            #expect(harness.registry.clients.client("10.0.0.7:3306#false") == nil)
        }
    }

    @Test("a subscriber of cluster A is not pushed data of cluster B (scenario 19)")
    func clusterFilteredPush() async throws {
        try await NamingHarness.run(.inMemory) { harness in
            let consumer = try await harness.connect()
            let providerA = try await harness.connect()
            let providerB = try await harness.connect()
            _ = try await consumer.subscribe("clustered", clusters: "A")
            try await providerA.register(Instance(ip: "10.0.0.1", port: 1, clusterName: "A"), service: "clustered")
            try await waitUntil("push of cluster A") { consumer.lastPush(of: "clustered")?.instances.count == 1 }
            try await providerB.register(Instance(ip: "10.0.0.2", port: 2, clusterName: "B"), service: "clustered")
            // The B change still pushes (the service changed), but with only cluster A's instance.
            let all = try await consumer.query("clustered")
            #expect(all.instances.count == 2)
            let pushes = consumer.received.filter { $0.name == "clustered" }
            #expect(pushes.allSatisfy { info in info.instances.allSatisfy { $0.clusterName == "A" } })
            #expect(pushes.allSatisfy { $0.clusters == "A" })
        }
    }

    @Test("10,000 instances across 1,000 connections are listed correctly")
    func tenThousandInstances() async throws {
        var configuration = NamingHarness.fastConfiguration
        configuration.pushEnabled = false
        try await NamingHarness.run(.inMemory, configuration: configuration) { harness in
            var clients: [NamingTestClient] = []
            for _ in 0..<1000 { clients.append(try await harness.connect()) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, client) in clients.enumerated() {
                    group.addTask {
                        for service in 0..<10 {
                            let response = try await client.register(Instance(ip: "10.1.\(index / 250).\(index % 250)", port: 1000 + service), service: "bulk-\(service)")
                            #expect(response.success)
                        }
                    }
                }
                try await group.waitForAll()
            }
            var total = 0
            for service in 0..<10 {
                let info = try await clients[0].query("bulk-\(service)")
                #expect(info.instances.count == 1000)
                #expect(Set(info.instances.map(\.ip)).count == 1000)
                #expect(info.instances.allSatisfy { $0.port == 1000 + service })
                total += info.instances.count
            }
            #expect(total == 10_000)
            let list = try await clients[0].send(ServiceListRequest(pageNo: 1, pageSize: 100), expecting: ServiceListResponse.self)
            #expect(list.count == 10)
        }
    }
}
