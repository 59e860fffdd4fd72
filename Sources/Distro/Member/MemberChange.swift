/// One member whose health changed, that joined or that left the member list.
public struct MemberChange: Sendable, Equatable {
    /// The member after the change (for a member that left, as it last was).
    public var member: ClusterMember
    /// The member's state before the change; `nil` when the member was added.
    public var previousState: NodeState?
    /// Whether the member left the member list.
    public var removed: Bool

    /// Creates a change.
    public init(member: ClusterMember, previousState: NodeState?, removed: Bool = false) {
        self.member = member
        self.previousState = previousState
        self.removed = removed
    }
}
