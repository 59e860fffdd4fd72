/// The settings of one `nacos-bench restart` run, with the defaults the usage text quotes.
struct RestartOptions: Sendable {
    /// The stores to measure, in this order (`zookeeper` is not one).
    var backends: [PersistentBackend] = [.sqlite, .postgres]
    /// Persistent instances stored before the restarts.
    var instances = 100_000
    /// Services they are spread over (`restart-0` …).
    var services = 1_000
    /// Instances per store commit while filling.
    var batchSize = 1_000
    /// Fresh registries opened over the filled store, one child process each.
    var runs = 3
}
