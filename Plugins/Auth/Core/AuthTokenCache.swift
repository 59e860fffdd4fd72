import Synchronization

/// Tokens already verified, with their user and expiry, so that a token's signature is checked once and
/// not on every request. Two generations bound it: when the current one is full it becomes the previous
/// one, and entries used from the previous one move back.
final class AuthTokenCache: Sendable {
    private struct Entry {
        var username: String
        var expiresAt: Int64
    }

    private struct State {
        var current: [String: Entry] = [:]
        var previous: [String: Entry] = [:]
    }

    private let generationCapacity: Int
    private let state = Mutex(State())

    /// Creates a cache of at most `capacity` tokens.
    init(capacity: Int) {
        self.generationCapacity = max(1, capacity / 2)
    }

    /// The user and expiry of `token` if it was verified before.
    func lookup(_ token: String) -> (username: String, expiresAt: Int64)? {
        self.state.withLock { state in
            if let entry = state.current[token] { return (entry.username, entry.expiresAt) }
            guard let entry = state.previous.removeValue(forKey: token) else { return nil }
            Self.insert(token, entry, into: &state, capacity: self.generationCapacity)
            return (entry.username, entry.expiresAt)
        }
    }

    /// Remembers that `token` was verified for `username` until `expiresAt`.
    func insert(_ token: String, username: String, expiresAt: Int64) {
        self.state.withLock { Self.insert(token, Entry(username: username, expiresAt: expiresAt), into: &$0, capacity: self.generationCapacity) }
    }

    /// How many tokens are remembered.
    var count: Int { self.state.withLock { $0.current.count + $0.previous.count } }

    private static func insert(_ token: String, _ entry: Entry, into state: inout State, capacity: Int) {
        if state.current.count >= capacity {
            state.previous = state.current
            state.current = [:]
        }
        state.current[token] = entry
    }
}
