import NacosNaming

/// How much a naming registry holds: services, published instances and subscriptions.
struct RegistrySize: Sendable, Equatable, CustomStringConvertible {
    /// Services in the service manager.
    let services: Int
    /// Instances published by all clients, over all services.
    let instances: Int
    /// Subscriptions (subscriber, service) in the subscriber index.
    let subscriptions: Int
    /// Clients of every kind.
    let clients: Int

    /// Counts what `registry` holds (walks every client and every subscribed service).
    init(of registry: NamingRegistry) {
        var instances = 0
        let ids = registry.clients.allClientIds
        for id in ids {
            guard let client = registry.clients.client(id) else { continue }
            for publication in client.storage.publications.values { instances += publication.instances.count }
        }
        var subscriptions = 0
        for service in registry.indexes.subscribedServices {
            subscriptions += registry.indexes.subscribers(of: service).count
        }
        self.services = registry.services.serviceCount
        self.instances = instances
        self.subscriptions = subscriptions
        self.clients = ids.count
    }

    /// `1,000 services, 64,000 instances, 0 subscriptions`.
    var description: String {
        "\(ResultTable.grouped(self.services)) services, \(ResultTable.grouped(self.instances)) instances, "
            + "\(ResultTable.grouped(self.subscriptions)) subscriptions"
    }
}
