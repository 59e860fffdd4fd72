import NacosRemote

/// Actively checks persistent instances (Nacos's `HealthCheckTaskV2`, reference §6.7): each pass probes
/// every instance; switch `checkTimes` (3) consecutive results opposite to its state flip it.
///
/// The cluster's `ClusterMetadata` decides how: type `NONE` is not probed (health is set by hand), any
/// other type is probed with a TCP connect, on the instance's port or on the cluster's check port when
/// `useInstancePortForCheck` is off. Nothing is probed while the switch `healthCheckEnabled` is off
/// (except white-listed services).
public struct PersistentHealthChecker: Sendable {
    private struct Target {
        let client: IpPortBasedClient
        let service: Service
        let info: InstancePublishInfo
        let port: Int
    }

    private let clients: IpPortClientManager
    private let operations: ClientOperationService
    private let prober: any HealthProber
    private let configuration: NamingConfiguration
    private let switches: NamingSwitches
    private let services: ServiceManager

    /// Creates a checker over the persistent ip:port clients.
    public init(
        clients: IpPortClientManager,
        operations: ClientOperationService,
        prober: any HealthProber,
        configuration: NamingConfiguration,
        switches: NamingSwitches,
        services: ServiceManager
    ) {
        self.clients = clients
        self.operations = operations
        self.prober = prober
        self.configuration = configuration
        self.switches = switches
        self.services = services
    }

    /// Probes every instance once, concurrently; returns the `ip:port`s whose health flipped.
    @discardableResult
    public func checkOnce() async -> [String] {
        let switches = self.switches.current
        var targets: [Target] = []
        for client in self.clients.allClients where self.clients.isResponsible(client) {
            for (service, publication) in client.storage.publications
            where switches.isHealthCheckEnabled(for: service.groupedServiceName) {
                let metadata = self.services.metadata(of: service)
                for info in publication.instances {
                    let cluster = metadata?.cluster(info.cluster) ?? ClusterMetadata()
                    guard cluster.healthCheckType != .none else { continue }
                    let port = cluster.useInstancePortForCheck ? info.port : cluster.healthCheckPort
                    targets.append(Target(client: client, service: service, info: info, port: port))
                }
            }
        }
        let prober = self.prober
        let timeout = self.configuration.healthCheckConnectTimeout
        let results = await withTaskGroup(of: (Int, Bool).self) { group in
            for (index, target) in targets.enumerated() {
                group.addTask { (index, await prober.probe(ip: target.info.ip, port: target.port, timeout: timeout)) }
            }
            var results = [Bool](repeating: false, count: targets.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
        let threshold = max(1, switches.checkTimes)
        var flipped: [String] = []
        for (target, answered) in zip(targets, results) where self.record(answered, target, threshold: threshold) {
            flipped.append(target.info.address)
        }
        return flipped
    }

    /// Counts one result; flips the instance when enough opposite results in a row have been seen.
    private func record(_ answered: Bool, _ target: Target, threshold: Int) -> Bool {
        var flip = false
        target.client.storage.updatePublication(of: target.service) { publication in
            publication = publication.mapInstances { current in
                guard current.ip == target.info.ip, current.port == target.info.port else { return }
                if answered == current.healthy {
                    current.consecutiveOppositeChecks = 0
                } else {
                    current.consecutiveOppositeChecks += 1
                    flip = current.consecutiveOppositeChecks >= threshold
                }
            }
        }
        guard flip else { return false }
        return self.operations.setHealth(answered, of: target.client, service: target.service, ip: target.info.ip, port: target.info.port)
    }
}
