/// How members watch each other's health (reference §7.5).
public struct ClusterMemberConfiguration: Sendable, Hashable {
    /// How often this node reports itself to the next member, round-robin (Nacos 2 s).
    public var reportInterval: Duration = .seconds(2)
    /// How often members that are DOWN are probed again besides the round-robin (Nacos 5 s).
    public var unhealthyProbeInterval: Duration = .seconds(5)
    /// How long one report may take before it counts as failed.
    public var reportTimeout: Duration = .seconds(3)
    /// Failed reports beyond which a member is DOWN (`nacos.core.member.fail-access-cnt`, 3).
    public var failAccessLimit = 3

    /// Creates the defaults.
    public init() {}
}
