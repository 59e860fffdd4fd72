/// One start of node B against a filled node A in `nacos-bench distro`'s snapshot scenario.
struct DistroSnapshotRun: Sendable {
    /// From the start call to the node listening (`NacosServerNode.start` returned), in nanoseconds.
    let startNanoseconds: UInt64
    /// From the start call to `NacosCluster.isInitialized` (the snapshot loaded and applied), in nanoseconds;
    /// `nil` when it did not happen within the timeout.
    let initializedNanoseconds: UInt64?
    /// Instances node B lists once initialized.
    let instancesListed: Int
    /// Snapshot loads of node B that failed before one succeeded.
    let failedLoads: Int
}
