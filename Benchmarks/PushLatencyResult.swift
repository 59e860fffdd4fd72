/// The measured outcome of one `nacos-bench push` scenario: one merge window under one background load.
struct PushLatencyResult: Sendable {
    /// The registry's push merge window, in milliseconds.
    let mergeWindowMilliseconds: Int
    /// The background load asked for, in registrations per second (0 = idle).
    let targetLoad: Int
    /// The background load achieved while the changes were timed, in registrations per second.
    let achievedLoad: Double
    /// Register-to-push latencies (nanoseconds), sorted, of the changes that arrived.
    let latencies: [UInt32]
    /// Round-trip times (nanoseconds) of the provider's timed registers (request to response).
    let registerRoundTrips: [UInt32]
    /// Changes that did not reach the subscriber within the timeout.
    let timeouts: Int
    /// CPU used by this process while timing, in percent of one core.
    let processCPUPercent: Double
    /// CPU used by other processes while timing, in percent of one core (noise indicator).
    let otherCPUPercent: Double

    /// Median and 99th percentile of `latencies`.
    var summary: LatencySummary? { LatencySummary(samples: self.latencies) }

    /// Median and 99th percentile of the provider's register round trips.
    var registerSummary: LatencySummary? { LatencySummary(samples: self.registerRoundTrips) }

    /// The slowest change that arrived.
    var maximum: UInt64? { self.latencies.last.map(UInt64.init) }

    /// `idle` or `50k reg/s`.
    var loadLabel: String {
        self.targetLoad == 0 ? "idle" : "\(ResultTable.grouped(self.targetLoad)) reg/s"
    }
}
