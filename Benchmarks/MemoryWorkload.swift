import NacosNamingAPI
import NacosRemote

/// What the memory benchmark's connections publish and subscribe to, computed the same way in the
/// benchmark and in its client process.
///
/// Connection `c` publishes `perConnection` instances, each in a different service
/// (`mem-<(c × perConnection + slot) mod services>`), and subscription `j` is made by connection
/// `j mod connections` to a service the next connection publishes.
struct MemoryWorkload: Sendable {
    /// Naming connections.
    let connections: Int
    /// Instances over all connections.
    let instances: Int
    /// Subscriptions over all connections.
    let subscriptions: Int
    /// Distinct services the instances are spread over.
    let services: Int

    /// The most instances one connection publishes.
    var perConnection: Int { (self.instances + self.connections - 1) / self.connections }

    /// The instances connection `connection` publishes, with their services.
    func registrations(of connection: Int) -> [(service: String, instance: Instance)] {
        let count = self.instances / self.connections + (connection < self.instances % self.connections ? 1 : 0)
        return (0..<count).map { slot in
            let service = "mem-\((connection * self.perConnection + slot) % self.services)"
            let instance = Instance(ip: NamingClientFactory.clientIp(connection), port: 8080 + slot, metadata: ["version": "1.0.0"])
            return (service, instance)
        }
    }

    /// The services connection `connection` subscribes to.
    func subscriptions(of connection: Int) -> [String] {
        let count = self.subscriptions / self.connections + (connection < self.subscriptions % self.connections ? 1 : 0)
        return (0..<count).map { round in
            "mem-\(((connection + 1) * self.perConnection + round) % self.services)"
        }
    }

    /// Registers every connection's instances, `parallelism` connections at a time; returns how many.
    func register(_ clients: [NacosRpcClient], parallelism: Int = 64) async throws -> Int {
        try await Self.forEach(clients, parallelism: parallelism) { index, client in
            let registrations = self.registrations(of: index)
            for (service, instance) in registrations {
                _ = try await client.request(RegistrationLoad.request(instance, service: service), expecting: InstanceResponse.self)
            }
            return registrations.count
        }
    }

    /// Makes every connection's subscriptions, `parallelism` connections at a time; returns how many.
    func subscribe(_ clients: [NacosRpcClient], parallelism: Int = 64) async throws -> Int {
        try await Self.forEach(clients, parallelism: parallelism) { index, client in
            let services = self.subscriptions(of: index)
            for service in services {
                let request = SubscribeServiceRequest(namespace: "public", serviceName: service, groupName: "DEFAULT_GROUP", subscribe: true)
                _ = try await client.request(request, expecting: SubscribeServiceResponse.self)
            }
            return services.count
        }
    }

    /// Installs a push handler that acknowledges every `NotifySubscriberRequest` (a subscriber that does
    /// not would be pushed again every second).
    static func acknowledgePushes(_ client: NacosRpcClient) {
        client.registerServerRequestHandler(NotifySubscriberRequest.self) { _ in NotifySubscriberResponse() }
    }

    private static func forEach(
        _ clients: [NacosRpcClient],
        parallelism: Int,
        _ body: @escaping @Sendable (Int, NacosRpcClient) async throws -> Int
    ) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0
            var total = 0
            while next < min(parallelism, clients.count) {
                let index = next
                group.addTask { try await body(index, clients[index]) }
                next += 1
            }
            while let done = try await group.next() {
                total += done
                if next < clients.count {
                    let index = next
                    group.addTask { try await body(index, clients[index]) }
                    next += 1
                }
            }
            return total
        }
    }
}
