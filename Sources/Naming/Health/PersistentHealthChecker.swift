import NacosRemote

/// Actively checks persistent instances (Nacos's `HealthCheckTaskV2`, reference §6.7): each pass probes
/// every instance; `healthCheckFlipThreshold` (3) consecutive results opposite to its state flip it.
public struct PersistentHealthChecker: Sendable {
    private let clients: IpPortClientManager
    private let operations: ClientOperationService
    private let prober: any HealthProber
    private let configuration: NamingConfiguration

    /// Creates a checker over the persistent ip:port clients.
    public init(
        clients: IpPortClientManager,
        operations: ClientOperationService,
        prober: any HealthProber,
        configuration: NamingConfiguration
    ) {
        self.clients = clients
        self.operations = operations
        self.prober = prober
        self.configuration = configuration
    }

    /// Probes every instance once, concurrently; returns the `ip:port`s whose health flipped.
    @discardableResult
    public func checkOnce() async -> [String] {
        var targets: [(client: IpPortBasedClient, service: Service, info: InstancePublishInfo)] = []
        for client in self.clients.allClients where self.clients.isResponsible(client) {
            for (service, publication) in client.storage.publications {
                for info in publication.instances { targets.append((client, service, info)) }
            }
        }
        let prober = self.prober
        let timeout = self.configuration.healthCheckConnectTimeout
        let results = await withTaskGroup(of: (Int, Bool).self) { group in
            for (index, target) in targets.enumerated() {
                group.addTask { (index, await prober.probe(ip: target.info.ip, port: target.info.port, timeout: timeout)) }
            }
            var results = [Bool](repeating: false, count: targets.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
        var flipped: [String] = []
        for (target, answered) in zip(targets, results) where self.record(answered, target.client, target.service, target.info) {
            flipped.append(target.info.address)
        }
        return flipped
    }

    /// Counts one result; flips the instance when enough opposite results in a row have been seen.
    private func record(_ answered: Bool, _ client: IpPortBasedClient, _ service: Service, _ info: InstancePublishInfo) -> Bool {
        var flip = false
        client.storage.updatePublication(of: service) { publication in
            publication = publication.mapInstances { current in
                guard current.ip == info.ip, current.port == info.port else { return }
                if answered == current.healthy {
                    current.consecutiveOppositeChecks = 0
                } else {
                    current.consecutiveOppositeChecks += 1
                    flip = current.consecutiveOppositeChecks >= self.configuration.healthCheckFlipThreshold
                }
            }
        }
        guard flip else { return false }
        return self.operations.setHealth(answered, of: client, service: service, ip: info.ip, port: info.port)
    }
}
