/// The settings of one `nacos-bench distro` run, with the defaults the usage text quotes.
struct DistroOptions: Sendable {
    /// Distro sync delays to measure the cross-node latency with, in milliseconds (`DistroConfiguration.syncDelay`).
    var syncDelaysMilliseconds = [20]
    /// Timed registrations per latency scenario.
    var samples = 500
    /// Untimed registrations before them.
    var warmupSamples = 20
    /// Background registrations per second on node A for the loaded scenario; 0 runs the idle one only.
    var backgroundRate = 10_000
    /// Connections of the background load.
    var loadConnections = 32
    /// Registrations in flight per background-load connection.
    var loadInFlight = 4
    /// Services each background connection cycles over (its client holds one instance in each).
    var loadServiceCount = 10
    /// How long the background load runs before the first timed registration.
    var warmup: Duration = .seconds(1)
    /// A registration not seen by the subscriber on B within this time counts as lost.
    var sampleTimeout: Duration = .seconds(5)
    /// Members of the cluster of the latency scenarios (A registers, B subscribes, the rest only replicate).
    var nodes = 3
    /// Ephemeral instances node A holds when node B starts and loads the snapshot; 0 skips the snapshot scenario.
    var instances = 100_000
    /// Instances per client of that snapshot (each in a different service).
    var instancesPerClient = 10
    /// Times node B is started (and stopped again) to load the snapshot.
    var snapshotRuns = 3
    /// The largest cluster RPC frame in MiB (`nacos.remote.server.grpc.cluster.max-inbound-message-size`);
    /// `nil` keeps the server's default.
    var clusterMaxFrameMiB: Int?
    /// Event loop threads of each node (the clients' group always has one).
    var serverThreads = 1
    /// Which scenarios to run.
    var scenarios: Set<DistroScenario> = [.latency, .snapshot]
}

