/// What a store has done since it opened, for the Prometheus exposition.
public struct NacosStoreMetrics: Sendable, Equatable {
    /// Commits that succeeded (one per `commit` call).
    public var commits: UInt64 = 0
    /// Commits that failed.
    public var failedCommits: UInt64 = 0
    /// Transactions written; grouped commits share one, so this is at most `commits`.
    public var transactions: UInt64 = 0
    /// The summed time from a commit's call until it was durable, in seconds.
    public var commitSecondsSum: Double = 0
    /// The longest such time, in seconds.
    public var commitSecondsMax: Double = 0
    /// Commits waiting for their transaction now.
    public var queueDepth: Int = 0
    /// Times the store's connection was re-established after a loss (shared stores).
    public var reconnects: UInt64 = 0
    /// The revision of the last change delivered to the change feed.
    public var appliedRevision: Int64 = 0

    /// Creates zeroed metrics.
    public init() {}
}
