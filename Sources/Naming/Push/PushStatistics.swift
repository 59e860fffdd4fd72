/// Counts of the push service's outcomes.
public struct PushStatistics: Sendable, Equatable {
    /// Pushes acknowledged.
    public var succeeded: Int
    /// Pushes that failed or timed out (each is retried).
    public var failed: Int
    /// Pushes put off because their subscriber had too many in flight.
    public var deferred: Int
}
