/// The settings of a `NacosSQLiteStore`: the file and the bounds of its commit queue.
public struct NacosSQLiteConfiguration: Sendable, Equatable {
    /// The database file; its parent directories are created when missing.
    public var path: String
    /// The most commits that may wait for their transaction; one more fails at once with `.unavailable`.
    public var maxPendingCommits: Int
    /// The most commits one transaction takes (the rest wait for the next).
    public var maxCommitsPerTransaction: Int
    /// How long a statement waits for a lock held by another connection before it fails.
    public var busyTimeout: Duration

    /// Creates settings for the file at `path` with the default bounds.
    public init(path: String, maxPendingCommits: Int = 10_000, maxCommitsPerTransaction: Int = 1_000, busyTimeout: Duration = .seconds(5)) {
        self.path = path
        self.maxPendingCommits = max(1, maxPendingCommits)
        self.maxCommitsPerTransaction = max(1, maxCommitsPerTransaction)
        self.busyTimeout = busyTimeout
    }
}
