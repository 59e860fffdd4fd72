/// The measured outcome of `nacos-bench distro`'s snapshot scenario: node A filled with ephemeral instances,
/// then node B started several times to load them.
struct DistroSnapshotResult: Sendable {
    /// Instances node A held.
    let instances: Int
    /// Clients holding them.
    let clients: Int
    /// Services they were spread over.
    let services: Int
    /// The cluster RPC frame limit the nodes ran with, in bytes.
    let clusterMaxFrameLength: Int
    /// Node A's snapshot and B's steps with it, timed one by one apart from the runs.
    let breakdown: DistroSnapshotBreakdown
    /// Time to fill node A's registry, in nanoseconds.
    let fillNanoseconds: UInt64
    /// The starts of node B, in order.
    let runs: [DistroSnapshotRun]
    /// CPU used by other processes during the runs, in percent of one core (noise indicator).
    let otherCPUPercent: Double

    /// The runs' times to initialized, sorted (runs that never got there left out).
    var initializedTimes: [UInt64] { self.runs.compactMap(\.initializedNanoseconds).sorted() }
}
