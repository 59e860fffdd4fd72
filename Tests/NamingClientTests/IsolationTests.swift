import NacosClient
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// Namespaces and groups are separate worlds; service lists page (reference §9 scenario 20).
@Suite("NamingService isolation")
struct IsolationTests {
    @Test func theSameAddressInTwoNamespacesAndGroupsStaysApart() async throws {
        try await withNamingTestScope { scope in
            let node = try await scope.startRegistry()
            try await node.registry.namespaceOperator.create(id: "dev", name: "dev", description: "")
            let service = UniqueName.next("tenant")
            let publicProvider = try await scope.makeService(node)
            let devProvider = try await scope.makeService(node, namespace: "dev")
            let publicConsumer = try await scope.makeService(node)
            let devConsumer = try await scope.makeService(node, namespace: "dev")

            try await publicProvider.registerInstance(serviceName: service, ip: "10.9.0.1", port: 80)
            try await devProvider.registerInstance(serviceName: service, ip: "10.9.0.1", port: 81)
            try await devProvider.registerInstance(serviceName: service, groupName: "G1", ip: "10.9.0.1", port: 82)

            #expect(addresses(try await publicConsumer.getAllInstances(serviceName: service)) == ["10.9.0.1:80"])
            #expect(addresses(try await devConsumer.getAllInstances(serviceName: service)) == ["10.9.0.1:81"])
            #expect(addresses(try await devConsumer.getAllInstances(serviceName: service, groupName: "G1")) == ["10.9.0.1:82"])
            #expect(try await publicConsumer.getAllInstances(serviceName: service, groupName: "G1").isEmpty)
            // A grouped name with the same group is accepted.
            #expect(addresses(try await devConsumer.getAllInstances(serviceName: "G1@@\(service)", groupName: "G1")) == ["10.9.0.1:82"])
            let subscribed = devConsumer.getSubscribeServices().map { "\($0.groupName ?? "")@@\($0.name ?? "")" }
            #expect(Set(subscribed) == ["DEFAULT_GROUP@@\(service)", "G1@@\(service)"])
        }
    }

    @Test func serviceListsArePagedPerNamespaceAndGroup() async throws {
        try await withNamingTestScope { scope in
            let node = try await scope.startRegistry()
            let namespace = UniqueName.next("page")
            try await node.registry.namespaceOperator.create(id: namespace, name: namespace, description: "")
            let provider = try await scope.makeService(node, namespace: namespace)
            let names = (1...3).map { "svc-\($0)" }
            for name in names {
                try await provider.registerInstance(serviceName: name, groupName: "PAGE", ip: "10.8.0.1", port: 80)
            }
            try await provider.registerInstance(serviceName: "other", ip: "10.8.0.1", port: 80)

            let first = try await provider.getServicesOfServer(pageNo: 1, pageSize: 2, groupName: "PAGE")
            let second = try await provider.getServicesOfServer(pageNo: 2, pageSize: 2, groupName: "PAGE")
            #expect(first.count == 3)
            #expect(second.count == 3)
            #expect(first.names.count == 2)
            #expect(second.names.count == 1)
            #expect(Set(first.names + second.names) == Set(names))
            let defaultGroup = try await provider.getServicesOfServer(pageNo: 1, pageSize: 10)
            #expect(defaultGroup.names == ["other"])
            let elsewhere = try await scope.makeService(node, namespace: UniqueName.next("empty"))
            #expect(try await elsewhere.getServicesOfServer(pageNo: 1, pageSize: 10, groupName: "PAGE") == ServiceListView(count: 0, names: []))
        }
    }
}
