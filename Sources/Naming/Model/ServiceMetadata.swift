/// Service-level settings kept apart from instances (reference §3.8, Nacos's `ServiceMetadata`): the
/// protect threshold, selector, free-form metadata and per-cluster settings, set through the service API.
public struct ServiceMetadata: Sendable, Hashable {
    /// When `healthy / selected <= protectThreshold`, every selected instance is returned as healthy.
    public var protectThreshold: Double
    /// Free-form service metadata.
    public var extendData: [String: String]
    /// Whether the service is ephemeral; fixes the service's flag when the service API creates it.
    public var ephemeral: Bool
    /// The instance selector (`none` by default).
    public var selector: ServiceSelector
    /// Settings per cluster name.
    public var clusters: [String: ClusterMetadata]

    /// Creates metadata; the threshold defaults to 0 as in Nacos.
    public init(
        protectThreshold: Double = 0,
        extendData: [String: String] = [:],
        ephemeral: Bool = true,
        selector: ServiceSelector = .none,
        clusters: [String: ClusterMetadata] = [:]
    ) {
        self.protectThreshold = protectThreshold
        self.extendData = extendData
        self.ephemeral = ephemeral
        self.selector = selector
        self.clusters = clusters
    }

    /// The settings of `cluster`, or the defaults when none were set.
    public func cluster(_ cluster: String) -> ClusterMetadata {
        self.clusters[cluster] ?? ClusterMetadata()
    }
}
