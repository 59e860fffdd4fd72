/// What a delayed Distro sync is about: one client's data bound for one peer (Nacos keys its delay tasks
/// by client id, resource type and target server; this node replicates one resource type).
public struct DistroTaskKey: Hashable, Sendable, CustomStringConvertible {
    /// The client whose data is synced.
    public var clientId: String
    /// The peer's `ip:port`.
    public var target: String

    /// Creates a key.
    public init(clientId: String, target: String) {
        self.clientId = clientId
        self.target = target
    }

    /// `clientId->target`.
    public var description: String { "\(self.clientId)->\(self.target)" }
}
