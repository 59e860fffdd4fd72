/// A member's health as its peers see it (Nacos's `NodeState`): reachable members are `UP`, a member that
/// failed recent reports is `SUSPICIOUS`, and one that failed more than the limit (or refused the
/// connection) is `DOWN`.
public enum NodeState: String, Sendable, Hashable, CaseIterable, Codable {
    /// The member is starting (Nacos sets it on self before start-up completes).
    case starting = "STARTING"
    /// The member answers reports.
    case up = "UP"
    /// The member failed a report but not yet more than the limit.
    case suspicious = "SUSPICIOUS"
    /// The member failed more reports than the limit, or refused the connection.
    case down = "DOWN"
    /// The member was isolated by an operator.
    case isolation = "ISOLATION"

    /// Whether Distro counts the member as a healthy owner of data (UP or SUSPICIOUS, reference §7.1).
    public var isDistroHealthy: Bool { self == .up || self == .suspicious }
}
