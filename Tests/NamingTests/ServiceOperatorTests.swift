import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import Testing

/// The service API (Nacos's `ServiceOperatorV2Impl`, `ClusterOperatorV2Impl`, `SubscribeManager`): create,
/// update, delete, detail, list, cluster settings and subscribers, with Nacos's error texts.
@Suite("Service operations")
struct ServiceOperatorTests {
    let service = Service(namespace: nil, group: nil, name: "orders")

    @Test("create makes a service that exists without instances and survives the empty-service cleaner")
    func create() async throws {
        let fixture = RegistryFixture()
        let operations = fixture.registry.serviceOperator
        try await operations.createService(self.service, metadata: ServiceMetadata(protectThreshold: 0.5, extendData: ["owner": "x"]))
        await #expect(throws: NacosException(.invalidParam, "specified service DEFAULT_GROUP@@orders already exists!")) {
            try await operations.createService(self.service, metadata: ServiceMetadata())
        }
        #expect(operations.listServices(namespace: nil, group: nil, pageNo: 1, pageSize: 10).names == ["orders"])
        fixture.clock.advance(by: .seconds(120))
        #expect(fixture.registry.cleanEmptyServices().isEmpty)
        #expect(fixture.registry.services.metadata(of: self.service)?.protectThreshold == 0.5)
    }

    @Test("metadata.ephemeral fixes the created service's kind")
    func createPersistent() async throws {
        let fixture = RegistryFixture()
        try await fixture.registry.serviceOperator.createService(self.service, metadata: ServiceMetadata(ephemeral: false))
        #expect(fixture.registry.services.existingSingleton(for: self.service)?.ephemeral == false)
        #expect(throws: NacosException.self) {
            try fixture.registry.operations.registerIpPortInstance(RegistryFixture.instance("10.0.0.1", 80), service: self.service)
        }
        try await fixture.registry.operations.registerPersistentInstance(Instance(ip: "10.0.0.1", port: 80, ephemeral: false), service: self.service)
        #expect(fixture.registry.storage.instances(of: self.service).count == 1)
    }

    @Test("update needs the service, replaces threshold and metadata, keeps clusters and the kind, and pushes")
    func update() async throws {
        let fixture = RegistryFixture()
        let operations = fixture.registry.serviceOperator
        await #expect(throws: NacosException(.invalidParam, "service DEFAULT_GROUP@@orders not found!")) {
            try await operations.updateService(self.service, metadata: ServiceMetadata(protectThreshold: 1))
        }
        try await operations.createService(self.service, metadata: ServiceMetadata(extendData: ["a": "1"], ephemeral: false))
        try await operations.updateCluster("c1", of: self.service, metadata: ClusterMetadata(healthCheckType: .none))
        try await operations.updateService(self.service, metadata: ServiceMetadata(protectThreshold: 0.8, extendData: ["b": "2"]))
        let metadata = try #require(fixture.registry.services.metadata(of: self.service))
        #expect(metadata.protectThreshold == 0.8 && metadata.extendData == ["b": "2"])
        #expect(!metadata.ephemeral && metadata.clusters["c1"]?.healthCheckType == HealthCheckType.none)
        try await waitUntil("serviceChanged published") {
            fixture.recorded.contains(.serviceChanged(self.service, incrementRevision: true))
        }
    }

    @Test("the protect threshold set by update shows in ServiceInfo at once")
    func thresholdApplies() async throws {
        let fixture = RegistryFixture()
        try fixture.registry.operations.registerIpPortInstance(RegistryFixture.instance("10.0.0.1", 80, healthy: false), service: self.service)
        let before = fixture.registry.storage.serviceInfo(of: self.service, clusters: [], healthyOnly: false, now: 0)
        #expect(!before.reachProtectionThreshold && before.instances.first?.healthy == false)
        try await fixture.registry.serviceOperator.updateService(self.service, metadata: ServiceMetadata(protectThreshold: 0.5))
        let after = fixture.registry.storage.serviceInfo(of: self.service, clusters: [], healthyOnly: false, now: 0)
        #expect(after.reachProtectionThreshold && after.instances.first?.healthy == true)
    }

    @Test("delete refuses a missing or non-empty service with Nacos's texts and removes an empty one")
    func delete() async throws {
        let fixture = RegistryFixture()
        let operations = fixture.registry.serviceOperator
        await #expect(throws: NacosException(.invalidParam, "service DEFAULT_GROUP@@orders not found!")) {
            try await operations.deleteService(self.service)
        }
        try await operations.createService(self.service, metadata: ServiceMetadata())
        try fixture.registry.operations.registerIpPortInstance(RegistryFixture.instance("10.0.0.1", 80), service: self.service)
        try await fixture.registry.instanceOperator.patchInstance(service: self.service, ip: "10.0.0.1", port: 80, cluster: nil, metadata: nil, weight: 2, enabled: nil)
        await #expect(throws: NacosException(
            .invalidParam,
            "Service DEFAULT_GROUP@@orders is not empty, can't be delete. Please unregister instance first"
        )) {
            try await operations.deleteService(self.service)
        }
        fixture.registry.operations.deregisterIpPortInstance(RegistryFixture.instance("10.0.0.1", 80), service: self.service)
        try await operations.deleteService(self.service)
        #expect(!fixture.registry.services.contains(self.service))
        #expect(fixture.registry.instanceMetadata.count == 0)
        #expect(operations.listServices(namespace: nil, group: nil, pageNo: 1, pageSize: 10).count == 0)
    }

    @Test("detail: key, defaults without metadata, clusters with instances or settings, sorted")
    func detail() async throws {
        let fixture = RegistryFixture()
        let operations = fixture.registry.serviceOperator
        #expect(throws: NacosException(.invalidParam, "service not found, namespace: public, serviceName: DEFAULT_GROUP@@orders")) {
            try operations.serviceDetail(self.service)
        }
        try fixture.registry.operations.registerIpPortInstance(RegistryFixture.instance("10.0.0.1", 80, cluster: "zz"), service: self.service)
        let bare = try operations.serviceDetail(self.service)
        #expect(bare.protectThreshold == 0 && bare.metadata.isEmpty && bare.selector.type == "none" && bare.ephemeral)
        #expect(bare.clusters == [ServiceDetail.Cluster(name: "zz", metadata: ClusterMetadata())])
        #expect(bare.clusters.first?.metadata.healthCheckType == .tcp)
        let settings = ClusterMetadata(healthCheckType: .http, healthCheckPort: 8080, useInstancePortForCheck: false, extendData: ["k": "v"])
        try await operations.updateCluster("aa", of: self.service, metadata: settings)
        let detail = try operations.serviceDetail(self.service)
        #expect(detail.namespace == "public" && detail.group == "DEFAULT_GROUP" && detail.name == "orders")
        #expect(detail.clusters.map(\.name) == ["aa", "zz"])
        #expect(detail.clusters.first?.metadata == settings)
        await #expect(throws: NacosException(.invalidParam, "service not found:DEFAULT_GROUP@@nothing")) {
            try await operations.updateCluster("c", of: Service(namespace: nil, group: nil, name: "nothing"), metadata: settings)
        }
    }

    @Test("list: names of one namespace and group, sorted, paged, with the total count")
    func list() async throws {
        let fixture = RegistryFixture()
        let operations = fixture.registry.serviceOperator
        try await fixture.registry.namespaceOperator.create(id: "ns", name: "ns", description: "")
        for name in ["c", "a", "e", "b", "d"] {
            try await operations.createService(Service(namespace: "ns", group: "g", name: name), metadata: ServiceMetadata())
        }
        try await operations.createService(Service(namespace: "ns", group: "other", name: "x"), metadata: ServiceMetadata())
        try await operations.createService(Service(namespace: nil, group: "g", name: "y"), metadata: ServiceMetadata())
        #expect(operations.listServices(namespace: "ns", group: "g", pageNo: 1, pageSize: 2) == (5, ["a", "b"]))
        #expect(operations.listServices(namespace: "ns", group: "g", pageNo: 3, pageSize: 2) == (5, ["e"]))
        #expect(operations.listServices(namespace: "ns", group: "g", pageNo: 4, pageSize: 2) == (5, []))
        #expect(operations.listServices(namespace: "ns", group: "g", pageNo: 0, pageSize: 1) == (5, ["a"]))
        #expect(operations.listServices(namespace: "ns", group: "g", pageNo: 2, pageSize: .max) == (5, []))
        #expect(operations.listServices(namespace: "ns", group: "g", pageNo: .max, pageSize: .max) == (5, []))
        #expect(operations.listServices(namespace: "ns", group: "g", pageNo: 1, pageSize: 0) == (5, []))
        #expect(operations.listServices(namespace: "ns", group: nil, pageNo: 1, pageSize: 10) == (0, []))
    }

    @Test("subscribers: distinct records, sorted and paged, with the count")
    func subscribers() throws {
        let fixture = RegistryFixture()
        for (id, ip) in [("c1", "10.0.0.3"), ("c2", "10.0.0.1"), ("c3", "10.0.0.2"), ("c4", "10.0.0.1")] {
            fixture.connectionClient(id)
            let subscriber = Subscriber(
                address: ip, agent: "agent", app: "app", ip: ip, namespace: "public",
                groupedServiceName: self.service.groupedServiceName
            )
            try fixture.registry.operations.subscribeService(self.service, subscriber: subscriber, clientId: id)
        }
        let operations = fixture.registry.serviceOperator
        let all = operations.subscribers(of: self.service, pageNo: 1, pageSize: 10)
        #expect(all.count == 3, "c2 and c4 are the same subscriber")
        #expect(all.subscribers.map(\.ip) == ["10.0.0.1", "10.0.0.2", "10.0.0.3"])
        let second = operations.subscribers(of: self.service, pageNo: 2, pageSize: 2)
        #expect(second.count == 3 && second.subscribers.map(\.ip) == ["10.0.0.3"])
        #expect(operations.subscribers(of: Service(namespace: nil, group: nil, name: "none"), pageNo: 1, pageSize: 10).count == 0)
    }
}
