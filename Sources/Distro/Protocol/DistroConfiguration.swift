/// The timers and bounds of Distro (reference §7.2, keys `nacos.core.protocol.distro.data.*`).
///
/// The sync delay is lower than Nacos's 1 s: it is the merge window of one client's changes, and a
/// lower one is what keeps a register on one node close to the push on another (docs/benchmarks.md).
public struct DistroConfiguration: Sendable, Hashable {
    /// How long a change waits before it is sent, merging later changes of the same client (Nacos 1 s).
    public var syncDelay: Duration = .milliseconds(20)
    /// How long a sync request may take before it counts as failed.
    public var syncTimeout: Duration = .seconds(3)
    /// How long a failed sync waits before it is tried again.
    public var syncRetryDelay: Duration = .seconds(3)
    /// How often this node verifies its clients with every peer.
    public var verifyInterval: Duration = .seconds(5)
    /// How long a verify request may take.
    public var verifyTimeout: Duration = .seconds(3)
    /// How long a failed start-up load waits before the whole load is tried again (Nacos 30 s).
    public var loadRetryDelay: Duration = .seconds(1)
    /// How long one snapshot request may take.
    public var loadTimeout: Duration = .seconds(30)
    /// How many sync requests may be in flight at once.
    public var maxConcurrentSyncs = 256
    /// How many (clientId, revision) pairs one verify request carries at most.
    public var verifyBatchSize = 1_000

    /// Creates the defaults.
    public init() {}
}
