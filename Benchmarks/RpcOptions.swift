/// The settings of one `nacos-bench rpc` run, with the defaults the usage text quotes.
struct RpcOptions: Sendable {
    /// The transports to measure, in order.
    var transports: [BenchmarkTransportKind] = [.tcp, .tls]
    /// How long each scenario is measured, after its warm-up.
    var duration: Duration = .seconds(3)
    /// How long each scenario runs before measuring starts.
    var warmup: Duration = .milliseconds(500)
    /// Client counts for the concurrent and push scenarios (and the echo reference).
    var connectionCounts = [64]
    /// Pushes in flight per connection in the pipelined push scenario.
    var pushInFlight = 16
    /// Event loop threads of the server's group (the clients' group always has one).
    var serverThreads = 1
    /// Which scenario kinds to run.
    var scenarioKinds: [RpcScenario.Kind] = RpcScenario.Kind.defaults
    /// Whether to run the echo `concurrent` scenario at each connection count as the reference.
    var runsEchoReference = true
    /// The echo reference's payload size; `nil` uses the size of an encoded HealthCheckRequest payload.
    var echoPayloadSize: Int?

    /// One measurement of the run: an RPC scenario, or the echo scenario it is compared with.
    enum Step: Sendable, Hashable {
        /// An RPC scenario.
        case rpc(RpcScenario)
        /// The echo reference: `single` before health-single, `concurrent` before each connection count.
        case echo(EchoScenario)
    }

    /// The measurements to make on each transport, in table order: health-single after its echo
    /// reference, then per connection count the echo reference and the scenarios of that count.
    var steps: [Step] {
        var steps: [Step] = []
        if self.scenarioKinds.contains(.healthSingle) {
            if self.runsEchoReference { steps.append(.echo(EchoScenario(kind: .single, connections: 1, inFlight: 1))) }
            steps.append(.rpc(RpcScenario(kind: .healthSingle, connections: 1, inFlight: 1)))
        }
        let manyClientKinds = self.scenarioKinds.filter { $0 != .healthSingle }
        guard !manyClientKinds.isEmpty else { return steps }
        for count in self.connectionCounts {
            if self.runsEchoReference { steps.append(.echo(EchoScenario(kind: .concurrent, connections: count, inFlight: 1))) }
            for kind in manyClientKinds {
                let inFlight = kind == .pushPipelined ? self.pushInFlight : 1
                steps.append(.rpc(RpcScenario(kind: kind, connections: count, inFlight: inFlight)))
            }
        }
        return steps
    }
}
