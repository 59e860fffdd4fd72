/// The measured outcome of one `nacos-bench distro` latency scenario: one Distro sync delay, idle or
/// under background registrations on node A.
struct DistroLatencyResult: Sendable {
    /// Node A's Distro sync delay, in milliseconds.
    let syncDelayMilliseconds: Int
    /// Members of the cluster.
    let nodes: Int
    /// Background registrations per second asked for on node A (0 = idle).
    let targetLoad: Int
    /// Background registrations per second achieved while the registrations were timed.
    let achievedLoad: Double
    /// Register-to-event latencies (nanoseconds) at the subscriber on node B, sorted, of those that arrived.
    let remoteLatencies: [UInt32]
    /// Register-to-event latencies (nanoseconds) at the subscriber on node A itself, sorted (no Distro on the path).
    let localLatencies: [UInt32]
    /// Durations (nanoseconds) of the provider's `registerInstance` calls on node A.
    let registerRoundTrips: [UInt32]
    /// Registrations the subscriber on B did not see within the timeout.
    let remoteLost: Int
    /// Registrations the subscriber on A did not see within the timeout.
    let localLost: Int
    /// Distro sync requests node A completed per second while timing (to all its peers).
    let syncsPerSecond: Double
    /// Distro sync requests of node A that failed while timing.
    let syncFailures: Int
    /// CPU used by this process (every node and every client) while timing, in percent of one core.
    let processCPUPercent: Double
    /// CPU used by other processes while timing, in percent of one core (noise indicator).
    let otherCPUPercent: Double

    /// Median and 99th percentile at node B.
    var remoteSummary: LatencySummary? { LatencySummary(samples: self.remoteLatencies) }

    /// Median and 99th percentile at node A.
    var localSummary: LatencySummary? { LatencySummary(samples: self.localLatencies) }

    /// Median and 99th percentile of the register calls.
    var registerSummary: LatencySummary? { LatencySummary(samples: self.registerRoundTrips) }

    /// The slowest registration that reached node B's subscriber.
    var remoteMaximum: UInt64? { self.remoteLatencies.last.map(UInt64.init) }

    /// `idle` or `10,000 reg/s`.
    var loadLabel: String {
        self.targetLoad == 0 ? "idle" : "\(ResultTable.grouped(self.targetLoad)) reg/s"
    }
}
