/// One row of `nacos-bench persistent`: a store (or ZooKeeper) and what it sustained.
struct PersistentResult: Sendable {
    /// What was measured: `NamingRegistry + SQLite`, `ZooKeeper`, ….
    let store: String
    /// Whether this is the ZooKeeper reference row.
    let isZooKeeper: Bool
    /// Concurrent writers (ZooKeeper: sessions × in flight).
    let writers: String
    /// Registrations (creates) that succeeded in the measured phase.
    let completed: Int
    /// Registrations (creates) that failed.
    let failures: Int
    /// Successful registrations (creates) per second.
    let rate: Double
    /// p50/p99 of one call (registration awaited, or create sent to reply).
    let latency: LatencySummary?
    /// CPU of the processes under test (this process, PostgreSQL's, ZooKeeper's and its load process's), in
    /// percent of one core.
    let cpuPercent: Double
    /// CPU of everything else on the machine, in percent of one core (noise).
    let otherCPUPercent: Double
    /// The first failure, when there were any.
    let firstFailure: String?
}
