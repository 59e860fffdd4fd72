/// The settings of one `nacos-bench push` run, with the defaults the usage text quotes.
struct PushLatencyOptions: Sendable {
    /// Push merge windows to measure, in milliseconds (`NamingConfiguration.pushMergeWindow`).
    var mergeWindowsMilliseconds = [0, 1, 5, 10]
    /// Background loads to measure each window under, in registrations per second (0 = idle).
    var loads = [0, 50_000]
    /// Timed changes per scenario (after the warm-up changes).
    var samples = 1000
    /// Untimed changes before the timed ones.
    var warmupChanges = 20
    /// How long the background load runs before the first change.
    var warmup: Duration = .milliseconds(500)
    /// Connections of the background load.
    var loadConnections = 32
    /// Registrations in flight per background-load connection.
    var loadInFlight = 4
    /// Services the background load registers into (none has subscribers).
    var loadServiceCount = 1000
    /// How long a change may take to reach the subscriber before it counts as lost.
    var changeTimeout: Duration = .seconds(5)
    /// Event loop threads of the server (the clients' group always has one).
    var serverThreads = 1
    /// The protocols the clients speak, each measured in turn against the same kind of server.
    var protocols: [BenchmarkProtocol] = BenchmarkProtocol.allCases
}
