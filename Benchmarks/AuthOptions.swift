/// The settings of one `nacos-bench auth` run, with the defaults the usage text quotes.
struct AuthOptions: Sendable {
    /// Who the auth-on node's connections log in as.
    enum Caller: String, Sendable {
        /// A user without administrator rights, granted `rw` on `public:*:*` through a role: every
        /// registration runs the permission match, as for an application's SDK.
        case user
        /// The global administrator `nacos`: decisions stop at the administrator flag.
        case admin
    }

    /// Naming connections of every measurement.
    var connections = 64
    /// Registrations in flight per connection.
    var inFlight = 1
    /// Off/on pairs per protocol; the order alternates (off, on, then on, off, …).
    var rounds = 3
    /// How long each measurement is measured, after its warm-up.
    var duration: Duration = .seconds(3)
    /// How long each measurement runs before measuring starts.
    var warmup: Duration = .seconds(1)
    /// Services each connection cycles over (`svc-0` … `svc-<n-1>`).
    var serviceCount = 1000
    /// Event loop threads of each node (the clients' group always has one).
    var serverThreads = 1
    /// The protocols the clients speak, each measured in its own rounds.
    var protocols: [BenchmarkProtocol] = BenchmarkProtocol.allCases
    /// Who the connections log in as.
    var caller: Caller = .user
    /// The share of the auth-off rate auth-on should keep (the 95%).
    var goalRatio = 0.95
}
