/// What a Distro message asks of its receiver (Nacos's `DataOperation`, reference §7.4).
public enum DataOperation: String, Sendable, Hashable, CaseIterable {
    /// The whole data of a key, sent when a peer failed to verify it.
    case add = "ADD"
    /// The current data of a key after a change.
    case change = "CHANGE"
    /// The key was removed.
    case delete = "DELETE"
    /// The sender still holds the key at this revision.
    case verify = "VERIFY"
    /// Every key the receiver holds (start-up load).
    case snapshot = "SNAPSHOT"
    /// The current data of one key.
    case query = "QUERY"
}
