/// The settings of one `nacos-bench persistent` run, with the defaults the usage text quotes.
struct PersistentOptions: Sendable {
    /// What to measure, in this order.
    var backends: [PersistentBackend] = PersistentBackend.allCases
    /// Concurrent writers (for ZooKeeper: connections × creates in flight on each).
    var writers = 64
    /// Registrations (creates) measured per row.
    var count = 20_000
    /// Registrations (creates) before them, not measured: ZooKeeper's JVM needs them to compile its hot
    /// paths (with 2,000 it is still visibly slower in the measured phase).
    var warmupCount = 20_000
    /// No registration is started after this long into the measured phase.
    var duration: Duration = .seconds(60)
    /// Services the registrations are spread over (`persistent-0` …).
    var services = 100
    /// ZooKeeper sessions the writers are spread over (`writers` must be a multiple).
    var zooKeeperConnections = 8
    /// Bytes of data per znode (about the size of a stored instance record).
    var zooKeeperDataBytes = 256
    /// Writer connections of `NacosPostgresStore` (nil: the store's default).
    var postgresPoolSize: Int?
    /// Extra PostgreSQL server settings (`name=value`, each passed as `-c`), for experiments.
    var postgresSettings: [String] = []
    /// Also measure persistent registrations end to end over HTTP (`POST /nacos/v1/ns/instance?ephemeral=false`).
    var http = true
}
