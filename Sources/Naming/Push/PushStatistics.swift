public import NacosRemote

/// Counts of the push service's outcomes and the latency of its successful pushes.
public struct PushStatistics: Sendable, Equatable {
    /// Pushes acknowledged.
    public var succeeded: Int
    /// Pushes that failed or timed out (each is retried unless its error is a `NonRetryablePushError`).
    public var failed: Int
    /// Failed pushes not retried because their error was a `NonRetryablePushError` (part of `failed`).
    public var notRetried: Int
    /// Pushes put off because their subscriber had too many in flight.
    public var deferred: Int
    /// How long successful pushes took, from handing them to the executor until it returned.
    public var latency: NacosLatencyHistogram

    /// Creates statistics.
    public init(
        succeeded: Int = 0,
        failed: Int = 0,
        notRetried: Int = 0,
        deferred: Int = 0,
        latency: NacosLatencyHistogram = NacosLatencyHistogram()
    ) {
        self.succeeded = succeeded
        self.failed = failed
        self.notRetried = notRetried
        self.deferred = deferred
        self.latency = latency
    }
}
