import Foundation
import NacosNamingAPI
import NacosRemote
import NacosTransport

/// Measures what auth costs registrations: the `register` workload (naming connections sending
/// `InstanceRequest`s in a closed loop, `RegistrationLoad`) against a standalone `NacosServerNode` with
/// auth off and against one with auth on, whose connections each carry the token of their own login in
/// the `accessToken` header, in alternating rounds (off, on; on, off; …) so that a drifting machine
/// weighs on both sides alike. Every measurement has a fresh node and fresh connections.
struct AuthBenchmark {
    /// What to run.
    let options: AuthOptions

    /// Runs every round of every protocol, printing progress to standard error and the tables to standard
    /// output; returns the measurements in run order.
    ///
    /// - Throws: `BenchmarkError` (or a transport or node error) when a measurement cannot be set up, its
    ///   load fails, or the auth-on node lets a request without a token through.
    func run() async throws -> [AuthMeasurement] {
        BenchmarkOutput.header("auth")
        BenchmarkOutput.result(
            "node threads \(self.options.serverThreads), client threads 1 (plus the Swift concurrency pool), "
                + "\(self.options.connections) connections x \(self.options.inFlight) in flight, "
                + "warm-up \(self.options.warmup), duration \(self.options.duration) per measurement, TCP 127.0.0.1, "
                + "\(self.options.serviceCount) services, auth-on caller \(self.callerText), "
                + "\(self.options.rounds) rounds per protocol (off/on order alternating)"
        )
        var measurements: [AuthMeasurement] = []
        for rpcProtocol in self.options.protocols {
            for round in 1...self.options.rounds {
                let order = round % 2 == 1 ? [false, true] : [true, false]
                for authEnabled in order {
                    let label = "auth \(authEnabled ? "on" : "off") over \(rpcProtocol.rawValue), round \(round) of \(self.options.rounds)"
                    BenchmarkOutput.progress("running \(label)...")
                    let watchdog = Watchdog(label, timeout: self.options.warmup + self.options.duration + .seconds(120))
                    defer { watchdog.disarm() }
                    let result = try await self.measure(authEnabled: authEnabled, rpcProtocol: rpcProtocol)
                    measurements.append(AuthMeasurement(rpcProtocol: rpcProtocol, round: round, authEnabled: authEnabled, result: result))
                    var line = "  \(RegisterResultTable.formatRate(result.rate))"
                    if let latency = result.latency {
                        line += ", p50 \(ResultTable.formatLatency(latency.p50)), p99 \(ResultTable.formatLatency(latency.p99))"
                    }
                    line += String(format: ", this process %.0f%% of a core", result.processCPUPercent)
                    line += BenchmarkOutput.otherCPU(result.otherCPUPercent)
                    BenchmarkOutput.progress(line)
                }
            }
        }
        let table = AuthResultTable(measurements: measurements, goalRatio: self.options.goalRatio)
        BenchmarkOutput.result("")
        BenchmarkOutput.result(table.renderMeasurements())
        BenchmarkOutput.result("")
        BenchmarkOutput.result(table.renderSummary())
        BenchmarkOutput.result("")
        for verdict in table.verdicts() { BenchmarkOutput.result(verdict) }
        return measurements
    }

    private var callerText: String {
        switch self.options.caller {
        case .user: "user 'bench' (role with rw on public:*:*)"
        case .admin: "administrator 'nacos'"
        }
    }

    /// One measurement on a fresh node and a fresh client event loop group, stopping both afterwards.
    private func measure(authEnabled: Bool, rpcProtocol: BenchmarkProtocol) async throws -> RegisterResult {
        let logger = NacosLogger(label: "nacos-bench", logLevel: .warning)
        let node = try await AuthBenchmarkNode.start(
            authEnabled: authEnabled,
            caller: self.options.caller,
            threads: self.options.serverThreads,
            logger: logger
        )
        let outcome: Result<RegisterResult, any Error>
        do {
            let clientGroup = try NacosEventLoopGroup(numberOfThreads: 1, logger: logger)
            do {
                outcome = .success(try await self.measure(node: node, rpcProtocol: rpcProtocol, clientGroup: clientGroup, logger: logger))
            } catch {
                outcome = .failure(error)
            }
            await clientGroup.shutdownGracefully()
        } catch {
            outcome = .failure(error)
        }
        await node.stop()
        return try outcome.get()
    }

    private func measure(
        node: AuthBenchmarkNode,
        rpcProtocol: BenchmarkProtocol,
        clientGroup: NacosEventLoopGroup,
        logger: NacosLogger
    ) async throws -> RegisterResult {
        let connections = self.options.connections
        // One login per connection, as every SDK instance logs in for itself.
        var tokens: [String] = []
        if node.authEnabled {
            for _ in 0..<connections { tokens.append(try await node.login(self.options.caller)) }
        }
        var factory = NamingClientFactory(
            server: node.clientRpcAddress,
            transport: NacosTCPTransport(group: clientGroup, logger: logger),
            clock: NacosSystemClock(group: clientGroup),
            logger: logger
        )
        factory.protocolLayer = rpcProtocol.layer
        if node.authEnabled {
            let headers = tokens.map { ["accessToken": $0] }
            factory.headers = { headers[$0] }
            try await Self.expectRefusalWithoutToken(factory, index: connections)
        }
        var clients: [NacosRpcClient] = []
        let outcome: Result<RegisterResult, any Error>
        do {
            clients = try await factory.connect(connections, prefix: "auth")
            try await Poll.until("\(connections) naming clients on the node") { node.namingClientCount >= connections }
            let load = RegistrationLoad(
                clients: clients,
                inFlight: self.options.inFlight,
                servicePrefix: "svc",
                serviceCount: self.options.serviceCount,
                targetRate: nil,
                recordsLatency: true
            )
            let recorder = RpcLoadRecorder()
            let lanes = load.start(recorder: recorder)
            try? await Task.sleep(for: self.options.warmup)
            let begin = recorder.beginMeasurement()
            let cpuBefore = CPUUsageSample.now()
            try? await Task.sleep(for: self.options.duration)
            let cpuAfter = CPUUsageSample.now()
            let end = recorder.endMeasurement()
            var samples: [UInt32] = []
            for lane in lanes { samples += await lane.value }
            if let failure = recorder.failure { throw BenchmarkError("auth \(node.authEnabled ? "on" : "off"): \(failure)") }
            let count = end.count - begin.count
            guard count > 0 else { throw BenchmarkError("auth: nothing completed in \(self.options.duration)") }
            outcome = .success(
                RegisterResult(
                    connections: connections,
                    inFlight: self.options.inFlight,
                    rate: Double(count) / (Double(end.nanoseconds &- begin.nanoseconds) / 1e9),
                    latency: LatencySummary(samples: samples),
                    processCPUPercent: cpuAfter.processPercent(since: cpuBefore),
                    otherCPUPercent: cpuAfter.otherProcessesPercent(since: cpuBefore),
                    size: node.size
                )
            )
        } catch {
            outcome = .failure(error)
        }
        for client in clients { client.shutdown() }
        return try outcome.get()
    }

    /// Checks that the auth-on node refuses a registration without a token (403), so that the rows
    /// measure auth being enforced, not a node that lets everything through.
    private static func expectRefusalWithoutToken(_ factory: NamingClientFactory, index: Int) async throws {
        var bare = factory
        bare.headers = { _ in [:] }
        let client = bare.makeClient("auth-probe", index: index)
        defer { client.shutdown() }
        guard await client.start() else { throw BenchmarkError("auth: the probe connection could not connect to \(factory.server)") }
        let instance = Instance(ip: NamingClientFactory.clientIp(index), port: 8080)
        let response = try await client.request(RegistrationLoad.request(instance, service: "auth-probe"))
        guard !response.success, response.errorCode == NacosErrorCode.noRight.rawValue else {
            throw BenchmarkError(
                "auth: a registration without a token was answered with result \(response.resultCode), error \(response.errorCode), not refused with 403"
            )
        }
    }
}
