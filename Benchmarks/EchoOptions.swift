/// The settings of one `nacos-bench echo` run, with the defaults the documentation quotes.
struct EchoOptions: Sendable {
    /// The transports to measure, in order.
    var transports: [BenchmarkTransportKind] = [.tcp, .tls]
    /// How long each scenario is measured, after its warm-up.
    var duration: Duration = .seconds(3)
    /// How long each scenario runs before measuring starts.
    var warmup: Duration = .milliseconds(500)
    /// The request and response payload size in bytes.
    var payloadSize = 64
    /// Connection counts for the concurrent and pipelined scenarios.
    var connectionCounts = [64]
    /// Requests in flight per connection in the pipelined scenario.
    var pipelineDepth = 64
    /// The frame size of the one-way stream.
    var streamFrameSize = 64 * 1024
    /// Event loop threads of the server's group (the client's group always has one).
    var serverThreads = 1
    /// Which scenario kinds to run.
    var scenarioKinds: [EchoScenario.Kind] = EchoScenario.Kind.allCases

    /// The scenarios to run for each transport, in table order.
    var scenarios: [EchoScenario] {
        var scenarios: [EchoScenario] = []
        for kind in self.scenarioKinds {
            switch kind {
            case .single:
                scenarios.append(EchoScenario(kind: .single, connections: 1, inFlight: 1))
            case .concurrent:
                scenarios += self.connectionCounts.map { EchoScenario(kind: .concurrent, connections: $0, inFlight: 1) }
            case .pipelined:
                scenarios += self.connectionCounts.map { EchoScenario(kind: .pipelined, connections: $0, inFlight: self.pipelineDepth) }
            case .stream:
                scenarios.append(EchoScenario(kind: .stream, connections: 1, inFlight: 0))
            }
        }
        return scenarios
    }
}
