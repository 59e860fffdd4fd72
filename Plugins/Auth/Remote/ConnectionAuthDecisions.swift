import Synchronization

/// What each open RPC connection may already do: the user it belongs to and, for the token it carried,
/// that token's expiry and the user's grants at one directory generation, so that a repeated request on
/// the connection is decided with one lookup here instead of the token, user and grants lookups.
///
/// What is kept holds only for the same token, at the directory generation it was read at (any change to
/// users, roles or permissions bumps it, so a revoked permission takes effect on the next request), and
/// before the token's expiry. It is kept only after an allowed decision; a request the kept grants do not
/// allow takes the full path. Each connection has one entry (the grants are shared with the manager's
/// per-user cache), removed when the connection closes.
final class ConnectionAuthDecisions: Sendable {
    private struct Entry {
        /// The user the connection belongs to (the first whose token it carried).
        var owner: String
        /// The token `grants` were kept for; `nil` when nothing is kept.
        var token: String?
        /// When `token` expires, in epoch seconds.
        var expiresAt: Int64 = 0
        /// The directory generation `grants` are valid at.
        var generation: UInt64 = 0
        /// What `owner` may do at `generation`.
        var grants: AuthManager.Grants?

        /// Keeps `kept` at `generation`, unless what is kept for the same token is of a later generation.
        mutating func keep(_ kept: (token: String, expiresAt: Int64, grants: AuthManager.Grants), generation: UInt64) {
            if self.token == kept.token, self.grants != nil, generation < self.generation { return }
            self.token = kept.token
            self.expiresAt = kept.expiresAt
            self.generation = generation
            self.grants = kept.grants
        }
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// Creates an empty table.
    init() {}

    /// The grants kept for `token` on `connectionId` when they are of directory `generation` and the token
    /// is unexpired at `now` (epoch seconds); `nil` when the full path must decide.
    func grants(connectionId: String, token: String, generation: UInt64, now: Int64) -> AuthManager.Grants? {
        self.entries.withLock { entries in
            guard let index = entries.index(forKey: connectionId) else { return nil }
            let entry = entries.values[index]
            guard entry.generation == generation, entry.expiresAt > now, entry.token == token else { return nil }
            return entry.grants
        }
    }

    /// Binds `connectionId` to `username` on its first authenticated request and, when `kept` is given,
    /// keeps its token's expiry and grants, read at directory generation `generation` or later; `false`
    /// when the connection belongs to another user (then nothing is kept).
    func claim(
        _ connectionId: String,
        for username: String,
        keeping kept: (token: String, expiresAt: Int64, grants: AuthManager.Grants)?,
        generation: UInt64
    ) -> Bool {
        self.entries.withLock { entries in
            if let owner = entries[connectionId]?.owner, owner != username { return false }
            guard let kept else {
                if entries[connectionId] == nil { entries[connectionId] = Entry(owner: username) }
                return true
            }
            entries[connectionId, default: Entry(owner: username)].keep(kept, generation: generation)
            return true
        }
    }

    /// Forgets everything about `connectionId` (it closed).
    func remove(_ connectionId: String) {
        _ = self.entries.withLock { $0.removeValue(forKey: connectionId) }
    }

    /// How many connections have an entry.
    var count: Int { self.entries.withLock { $0.count } }

    /// Whether grants are kept for `connectionId`.
    func keepsGrants(_ connectionId: String) -> Bool {
        self.entries.withLock { $0[connectionId]?.grants != nil }
    }
}
