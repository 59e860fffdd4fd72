import NacosDistro

/// The keys of the cluster section: Distro's timers (Nacos's `nacos.core.protocol.distro.data.*`), member
/// health reports, and the automatic rebalance of SDK connections.
extension NacosServerConfigurationKey {
    /// The keys of the cluster section, in table order.
    static let clusterKeys: [Self] = [
        Self.duration(
            "nacos.core.protocol.distro.data.sync.delayMs", .cluster, nacos: true,
            "How long a change to one client waits, merging later changes, before it is sent to the other members (Nacos: 1000ms; measured in docs/benchmarks.md).",
            \.distro.syncDelay
        ),
        Self.duration(
            "nacos.core.protocol.distro.data.sync.timeoutMs", .cluster, nacos: true,
            "How long a sync request to a member may take before it counts as failed.",
            \.distro.syncTimeout
        ),
        Self.duration(
            "nacos.core.protocol.distro.data.sync.retryDelayMs", .cluster, nacos: true,
            "How long a failed sync waits before it is sent again (for as long as the member exists).",
            \.distro.syncRetryDelay
        ),
        Self.duration(
            "nacos.core.protocol.distro.data.verify.intervalMs", .cluster, nacos: true,
            "How often this node sends the other members the revisions of the clients it is responsible for.",
            \.distro.verifyInterval
        ),
        Self.duration(
            "nacos.core.protocol.distro.data.verify.timeoutMs", .cluster, nacos: true,
            "How long a verify request may take.",
            \.distro.verifyTimeout
        ),
        Self.duration(
            "nacos.core.protocol.distro.data.load.retryDelayMs", .cluster, nacos: true,
            "How long a starting node waits, after no member gave it a snapshot, before it asks them all again (Nacos: 30000ms).",
            \.distro.loadRetryDelay
        ),
        Self.duration(
            "nacos.core.protocol.distro.data.load.timeoutMs", .cluster, nacos: true,
            "How long one snapshot request of a starting node may take.",
            \.distro.loadTimeout
        ),
        Self.int(
            "nacos.core.member.fail-access-cnt", .cluster, nacos: true, range: 0...1_000_000,
            "How many failed reports in a row a member may have before it is DOWN (SUSPICIOUS until then; a refused connection is DOWN at once).",
            \.members.failAccessLimit
        ),
        Self.duration(
            "nacos.core.member.report.interval-ms", .cluster, nacos: false,
            "How often this node reports itself to the next member, round-robin (Nacos: 2s); the health of members rests on it.",
            \.members.reportInterval
        ),
        Self.bool(
            "nacos.core.loader.auto-rebalance.enabled", .cluster, nacos: false,
            "Whether a node whose share of SDK connections stays above the cluster average × (1 + factor) moves the excess to the least loaded member by itself.",
            \.rebalance.enabled
        ),
        Self.number(
            "nacos.core.loader.auto-rebalance.factor", .cluster, nacos: false, range: 0...1,
            "How far above the average SDK connection count a node may sit before the automatic rebalance acts (smartReloadCluster's loaderFactor).",
            \.rebalance.factor
        ),
        Self.duration(
            "nacos.core.loader.auto-rebalance.check-interval-ms", .cluster, nacos: false,
            "How often the automatic rebalance reads every member's connection counts.",
            \.rebalance.checkInterval
        ),
        Self.int(
            "nacos.core.loader.auto-rebalance.sustained-checks", .cluster, nacos: false, range: 1...1_000_000,
            "How many checks in a row must find this node over the threshold before it moves connections.",
            \.rebalance.sustainedChecks
        ),
    ]
}
