/// The settings of one `nacos-bench register` run, with the defaults the usage text quotes.
struct RegisterOptions: Sendable {
    /// Naming connection counts to measure, one scenario each.
    var connectionCounts = [64]
    /// Registrations in flight per connection, one scenario per value (for each connection count).
    var inFlightCounts = [1]
    /// How long each scenario is measured, after its warm-up.
    var duration: Duration = .seconds(3)
    /// How long each scenario runs before measuring starts.
    var warmup: Duration = .seconds(1)
    /// Services each connection cycles over (`svc-0` … `svc-<n-1>`).
    var serviceCount = 1000
    /// Whether the registry's push service is on (there are no subscribers either way).
    var pushEnabled = true
    /// Event loop threads of the server (the clients' group always has one).
    var serverThreads = 1
    /// The protocols the clients speak, each measured in turn against the same kind of server.
    var protocols: [BenchmarkProtocol] = BenchmarkProtocol.allCases
}
