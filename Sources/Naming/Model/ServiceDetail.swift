/// What the service API shows of one service (Nacos's `ServiceDetailInfo`): its key, protect threshold,
/// metadata, selector and clusters with their health-check settings.
public struct ServiceDetail: Sendable, Equatable {
    /// One cluster of the service and its settings.
    public struct Cluster: Sendable, Equatable {
        /// The cluster name.
        public var name: String
        /// The cluster's settings (the defaults when none were set).
        public var metadata: ClusterMetadata

        /// Creates a cluster entry.
        public init(name: String, metadata: ClusterMetadata) {
            self.name = name
            self.metadata = metadata
        }
    }

    /// The namespace.
    public var namespace: String
    /// The group.
    public var group: String
    /// The service name, without the group.
    public var name: String
    /// Whether the service holds ephemeral instances.
    public var ephemeral: Bool
    /// The protect threshold (0 when no metadata was set).
    public var protectThreshold: Double
    /// The service metadata.
    public var metadata: [String: String]
    /// The selector (`none` when no metadata was set).
    public var selector: ServiceSelector
    /// The clusters that have instances or settings, sorted by name.
    public var clusters: [Cluster]

    /// Creates a detail record.
    public init(
        namespace: String,
        group: String,
        name: String,
        ephemeral: Bool,
        protectThreshold: Double,
        metadata: [String: String],
        selector: ServiceSelector,
        clusters: [Cluster]
    ) {
        self.namespace = namespace
        self.group = group
        self.name = name
        self.ephemeral = ephemeral
        self.protectThreshold = protectThreshold
        self.metadata = metadata
        self.selector = selector
        self.clusters = clusters
    }
}
