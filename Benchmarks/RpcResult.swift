/// The measured outcome of one step of `nacos-bench rpc`: an RPC scenario or its echo reference.
struct RpcResult: Sendable {
    /// What was measured.
    enum Workload: Sendable, Hashable {
        /// An RPC scenario.
        case rpc(RpcScenario.Kind)
        /// The echo reference scenario.
        case echo(EchoScenario.Kind)
    }

    /// The transport measured.
    let transport: BenchmarkTransportKind
    /// What was measured.
    let workload: Workload
    /// Clients (connections).
    let connections: Int
    /// Requests in flight per connection.
    let inFlight: Int
    /// Round trips per second.
    let rate: Double
    /// Median and 99th-percentile round-trip latency, for one-in-flight scenarios.
    let latency: LatencySummary?
    /// CPU used by this process while measuring, in percent of one core; `nil` for the echo reference
    /// (whose measurement `EchoBenchmark` takes).
    let processCPUPercent: Double?
    /// CPU used by other processes while measuring, in percent of one core (noise indicator).
    let otherCPUPercent: Double
    /// The rate of the echo reference this result is compared with, when there is one.
    var echoRate: Double?

    init(
        transport: BenchmarkTransportKind,
        workload: Workload,
        connections: Int,
        inFlight: Int,
        rate: Double,
        latency: LatencySummary?,
        processCPUPercent: Double?,
        otherCPUPercent: Double
    ) {
        self.transport = transport
        self.workload = workload
        self.connections = connections
        self.inFlight = inFlight
        self.rate = rate
        self.latency = latency
        self.processCPUPercent = processCPUPercent
        self.otherCPUPercent = otherCPUPercent
    }

    /// The row of an echo reference.
    init(echo result: BenchmarkResult) {
        self.init(
            transport: result.transport,
            workload: .echo(result.scenario.kind),
            connections: result.scenario.connections,
            inFlight: result.scenario.inFlight,
            rate: result.rate,
            latency: result.latency,
            processCPUPercent: nil,
            otherCPUPercent: result.otherCPUPercent
        )
    }

    /// `health-concurrent`, `echo concurrent`.
    var scenarioName: String {
        switch self.workload {
        case .rpc(let kind): kind.rawValue
        case .echo(let kind): "echo \(kind.rawValue)"
        }
    }

    /// `rate / echoRate`, when compared with an echo reference.
    var echoRatio: Double? {
        guard let echoRate, echoRate > 0 else { return nil }
        return self.rate / echoRate
    }

    /// Microseconds of this process's CPU time per round trip, when its CPU was measured.
    var cpuMicrosecondsPerRoundTrip: Double? {
        guard let cpu = self.processCPUPercent, self.rate > 0 else { return nil }
        return cpu / 100 / self.rate * 1e6
    }

    /// The echo scenario a one-in-flight RPC scenario is compared with: echo `single` for health-single,
    /// echo `concurrent` for health-concurrent and push; the pipelined push has no reference.
    private var echoReference: EchoScenario.Kind? {
        switch self.workload {
        case .rpc(.healthSingle): .single
        case .rpc(.healthConcurrent), .rpc(.push): .concurrent
        case .rpc(.pushPipelined), .echo: nil
        }
    }

    /// `results` with `echoRate` filled in from the echo reference of the same transport and connection count.
    static func withEchoRatios(_ results: [RpcResult]) -> [RpcResult] {
        results.map { result in
            guard let reference = result.echoReference else { return result }
            var compared = result
            compared.echoRate = results.first {
                $0.transport == result.transport && $0.workload == .echo(reference) && $0.connections == result.connections
            }?.rate
            return compared
        }
    }
}
