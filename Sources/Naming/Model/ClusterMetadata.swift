/// Settings of one cluster of a service (Nacos's `ClusterMetadata`): how its persistent instances are
/// health-checked and free-form metadata.
public struct ClusterMetadata: Sendable, Hashable {
    /// The health check of the cluster's persistent instances (TCP by default).
    public var healthCheckType: HealthCheckType
    /// The port checked when `useInstancePortForCheck` is off (80 by default).
    public var healthCheckPort: Int
    /// Whether each instance is checked on its own port (the default) rather than `healthCheckPort`.
    public var useInstancePortForCheck: Bool
    /// Free-form cluster metadata.
    public var extendData: [String: String]

    /// Creates cluster settings with Nacos's defaults.
    public init(
        healthCheckType: HealthCheckType = .tcp,
        healthCheckPort: Int = 80,
        useInstancePortForCheck: Bool = true,
        extendData: [String: String] = [:]
    ) {
        self.healthCheckType = healthCheckType
        self.healthCheckPort = healthCheckPort
        self.useInstancePortForCheck = useInstancePortForCheck
        self.extendData = extendData
    }
}
