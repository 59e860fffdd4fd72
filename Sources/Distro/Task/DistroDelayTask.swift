/// A sync of one client's data to one peer, due at `deadline` (Nacos's `DistroDelayTask`).
public struct DistroDelayTask: Sendable, Equatable {
    /// The client and the peer.
    public var key: DistroTaskKey
    /// What to send: ADD or CHANGE send the client's current data, DELETE its removal.
    public var operation: DataOperation
    /// When the task falls due, in epoch milliseconds.
    public var deadline: Int64

    /// Creates a task.
    public init(key: DistroTaskKey, operation: DataOperation, deadline: Int64) {
        self.key = key
        self.operation = operation
        self.deadline = deadline
    }
}
