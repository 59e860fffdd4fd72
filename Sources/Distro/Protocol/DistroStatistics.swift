/// How Distro's requests to peers went since the node started (for logs, metrics and tests).
public struct DistroStatistics: Sendable, Hashable {
    /// Sync requests (ADD, CHANGE, DELETE) answered with success, or needing nothing.
    public var syncSucceeded: Int
    /// Sync requests that failed (and were queued again while the target is a member).
    public var syncFailed: Int
    /// Verify rounds with one peer that completed.
    public var verifySucceeded: Int
    /// Verify rounds with one peer that failed to reach it.
    public var verifyFailed: Int
    /// Snapshot loads that succeeded.
    public var loadSucceeded: Int
    /// Snapshot loads that failed.
    public var loadFailed: Int
    /// Queries of one client after a forwarded write (`refreshClient`) whose answer was applied.
    public var querySucceeded = 0
    /// Queries of one client after a forwarded write that failed (no answer, an error, bad data).
    public var queryFailed = 0
}
