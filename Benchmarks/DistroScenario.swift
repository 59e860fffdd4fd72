/// A part of `nacos-bench distro`.
enum DistroScenario: String, Sendable, CaseIterable {
    /// Register on node A to the push at a subscriber of node B, idle and under background load.
    case latency
    /// A new node loading node A's snapshot.
    case snapshot
}
