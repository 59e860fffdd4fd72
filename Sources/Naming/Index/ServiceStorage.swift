public import NacosNamingAPI
import Synchronization

/// Builds a service's `ServiceInfo` from its publishers (Nacos's `ServiceStorage` plus
/// `ServiceUtil.selectInstancesWithHealthyProtection`, reference §3.8, §6.3).
///
/// Instance overlays (`InstanceMetadata`, set by the HTTP update and patch calls) are applied as the
/// instances are built: their `enabled` and `weight` win and their metadata is merged over the instance's.
///
/// The full instance list of each service is cached and dropped by `invalidate(_:)` on every change, so
/// queries are never stale (Nacos's cache lags up to its push delay). Each generated ServiceInfo gets a
/// `lastRefTime` strictly greater than the previous one of its service.
public final class ServiceStorage: Sendable {
    private struct Cached {
        var instances: [Instance]
    }

    private struct State {
        var cache: [Service: Cached] = [:]
        var generations: [Service: UInt64] = [:]
        var lastRefTimes: [Service: Int64] = [:]
    }

    private let indexes: ClientServiceIndexesManager
    private let clients: ClientManagerDelegate
    private let services: ServiceManager
    private let switches: NamingSwitches
    private let instanceMetadata: InstanceMetadataStore
    private let state = Mutex(State())

    /// Creates storage over the registry's indexes, clients, services and instance overlays; ServiceInfo's
    /// `cacheMillis` is the switch `defaultPushCacheMillis`.
    public init(
        indexes: ClientServiceIndexesManager,
        clients: ClientManagerDelegate,
        services: ServiceManager,
        switches: NamingSwitches,
        instanceMetadata: InstanceMetadataStore
    ) {
        self.indexes = indexes
        self.clients = clients
        self.services = services
        self.switches = switches
        self.instanceMetadata = instanceMetadata
    }

    /// Every instance of `service`, from the cache or recomputed from its publishers.
    public func instances(of service: Service) -> [Instance] {
        let generation = self.state.withLock { state -> UInt64? in
            if state.cache[service] != nil { return nil }
            return state.generations[service, default: 0]
        }
        guard let generation else {
            if let cached = self.state.withLock({ $0.cache[service]?.instances }) { return cached }
            return self.instances(of: service)
        }
        let computed = self.computeInstances(of: service)
        self.state.withLock { state in
            if state.generations[service, default: 0] == generation {
                state.cache[service] = Cached(instances: computed)
            }
        }
        return computed
    }

    /// Drops the cached instances of `service`; the next read recomputes them.
    public func invalidate(_ service: Service) {
        self.state.withLock { state in
            state.cache[service] = nil
            state.generations[service, default: 0] &+= 1
        }
    }

    /// Forgets everything about `service` (it was removed).
    public func remove(_ service: Service) {
        self.state.withLock { state in
            state.cache[service] = nil
            state.lastRefTimes[service] = nil
            state.generations[service, default: 0] &+= 1
        }
    }

    /// The clusters `service`'s instances belong to.
    public func clusters(of service: Service) -> Set<String> {
        Set(self.instances(of: service).map { $0.effectiveClusterName })
    }

    /// The ServiceInfo of `service` for `clusters` (empty = all), with disabled instances left out when
    /// `enabledOnly`, unhealthy ones when `healthyOnly`, and the protect threshold applied.
    public func serviceInfo(
        of service: Service,
        clusters: [String],
        healthyOnly: Bool,
        enabledOnly: Bool = true,
        now: Int64
    ) -> ServiceInfo {
        let all = self.instances(of: service)
        let clusterSet = Set(clusters)
        var selected = all.filter { instance in
            (clusterSet.isEmpty || clusterSet.contains(instance.effectiveClusterName))
                && (!enabledOnly || instance.enabled)
                && (!healthyOnly || instance.healthy)
        }
        let reachedThreshold = Self.reachesProtectThreshold(
            healthy: selected.count { $0.healthy },
            of: selected.count,
            metadata: self.services.metadata(of: service)
        )
        if reachedThreshold {
            for index in selected.indices { selected[index].healthy = true }
        }
        return ServiceInfo(
            name: service.name,
            groupName: service.group,
            clusters: clusters.joined(separator: ","),
            cacheMillis: self.switches.defaultPushCacheMillis,
            hosts: selected,
            lastRefTime: self.nextRefTime(for: service, now: now),
            reachProtectionThreshold: reachedThreshold
        )
    }

    /// Whether the protect threshold of `service` trips for the list its subscribers get without a cluster
    /// filter (its enabled instances): the test `serviceInfo` applies, so it says whether they are all
    /// being served as healthy.
    public func reachesProtectThreshold(_ service: Service) -> Bool {
        let enabled = self.instances(of: service).filter(\.enabled)
        return Self.reachesProtectThreshold(
            healthy: enabled.count { $0.healthy },
            of: enabled.count,
            metadata: self.services.metadata(of: service)
        )
    }

    /// Nacos's protection test (`ServiceUtil.selectInstancesWithHealthyProtection`): a service with
    /// metadata and instances trips when `healthy / total <= max(0, protectThreshold)`.
    private static func reachesProtectThreshold(healthy: Int, of total: Int, metadata: ServiceMetadata?) -> Bool {
        guard let metadata, total > 0 else { return false }
        return Double(healthy) / Double(total) <= max(0, metadata.protectThreshold)
    }

    /// A `lastRefTime` for `service`: `now`, or one past the previous when that is not earlier.
    private func nextRefTime(for service: Service, now: Int64) -> Int64 {
        self.state.withLock { state in
            let next = max(now, (state.lastRefTimes[service] ?? 0) + 1)
            state.lastRefTimes[service] = next
            return next
        }
    }

    private func computeInstances(of service: Service) -> [Instance] {
        let ephemeral = self.services.existingSingleton(for: service)?.ephemeral ?? service.ephemeral
        let grouped = service.groupedServiceName
        let overlays = self.instanceMetadata.overlays(of: service)
        var result: [Instance] = []
        for clientId in self.indexes.publishers(of: service) {
            guard let client = self.clients.client(clientId) else { continue }
            for info in client.instances(of: service) {
                let instance = info.instance(groupedServiceName: grouped, ephemeral: ephemeral)
                if !overlays.isEmpty, let overlay = overlays[info.metadataId] {
                    result.append(overlay.applied(to: instance))
                } else {
                    result.append(instance)
                }
            }
        }
        return result
    }
}
