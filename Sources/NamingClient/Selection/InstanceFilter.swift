package import NacosNamingAPI

/// The client-side filters of the naming queries: by cluster (2.4+ SDKs subscribe to every cluster and
/// filter themselves) and by health, as Java's `NacosNamingService.selectInstances`.
package enum InstanceFilter {
    /// The instances whose cluster (blank read as `DEFAULT`) is in `clusters`; all when `clusters` is empty.
    package static func instances(_ instances: [Instance], inClusters clusters: [String]) -> [Instance] {
        guard !clusters.isEmpty else { return instances }
        let wanted = Set(clusters)
        return instances.filter { wanted.contains($0.effectiveClusterName) }
    }

    /// The enabled instances with a positive weight whose health equals `healthy` (so `false` selects the
    /// unhealthy ones, as in Java).
    package static func instances(_ instances: [Instance], healthy: Bool) -> [Instance] {
        instances.filter { $0.healthy == healthy && $0.enabled && $0.weight > 0 }
    }

    /// `clusters` trimmed, without blanks and duplicates, in order.
    package static func normalizedClusters(_ clusters: [String]) -> [String] {
        NamingDefaults.clusterList(clusters.joined(separator: ","))
    }
}
