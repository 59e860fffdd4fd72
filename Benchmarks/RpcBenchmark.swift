import Foundation
import NacosRemote
import NacosTransport

/// Runs the RPC scenarios: a `NacosRpcServer` and `NacosRpcClient`s in this process, server and clients
/// each on their own event loop group, talking over 127.0.0.1, next to the echo scenario of the same
/// shape so that the remoting layer's cost shows as the ratio of the two.
///
/// The load comes from Swift tasks, as an application's would: one task per request in flight, looping
/// `await client.request(HealthCheckRequest())` (or, for pushes, the server's
/// `await connection.request(ClientDetectionRequest(), timeout:)`).
struct RpcBenchmark {
    /// What to run.
    let options: RpcOptions

    /// The timeout of each push; a push that takes this long fails the scenario.
    private static let pushTimeout: Duration = .seconds(5)
    /// The most latency samples kept per scenario, over all workers (4 bytes each).
    private static let sampleLimit = 16 * 1024 * 1024

    /// Runs every step on every transport, printing progress to standard error and the table and the
    /// rpc/echo ratios to standard output; returns the results.
    ///
    /// - Throws: `BenchmarkError` (or a transport error) when a scenario cannot be set up or its load fails.
    func run() async throws -> [RpcResult] {
        let machine = MachineInfo.current()
        let (requestSize, responseSize) = try Self.healthCheckPayloadSizes()
        let echoPayloadSize = self.options.echoPayloadSize ?? requestSize
        Self.output("nacos-bench rpc: \(machine.cores) cores (\(machine.cpuModel)), load average \(machine.loadAverage)")
        Self.output(
            "server threads \(self.options.serverThreads), client threads 1 (plus the Swift concurrency pool), "
                + "warm-up \(self.options.warmup), duration \(self.options.duration) per scenario, loopback 127.0.0.1"
        )
        Self.output(
            "HealthCheckRequest payload \(requestSize) B, HealthCheckResponse payload \(responseSize) B; "
                + (self.options.runsEchoReference ? "echo payload \(echoPayloadSize) B" : "no echo reference")
        )

        #if DEBUG
        Self.output("warning: this is a debug build; build with -c release for meaningful figures")
        #endif

        let certificate = self.options.transports.contains(.tls) ? try SelfSignedCertificate.generate() : nil
        defer { certificate?.remove() }

        var echoOptions = EchoOptions()
        echoOptions.duration = self.options.duration
        echoOptions.warmup = self.options.warmup
        echoOptions.payloadSize = echoPayloadSize
        echoOptions.serverThreads = self.options.serverThreads
        let echo = EchoBenchmark(options: echoOptions)

        var results: [RpcResult] = []
        for transport in self.options.transports {
            for step in self.options.steps {
                let result: RpcResult
                switch step {
                case .echo(let scenario):
                    let label = "\(transport.rawValue) echo \(scenario.kind.rawValue) (\(scenario.description))"
                    Self.progress("running \(label)...")
                    let watchdog = Watchdog(label, timeout: self.options.warmup + self.options.duration + .seconds(60))
                    defer { watchdog.disarm() }
                    result = RpcResult(echo: try await echo.measure(scenario, on: transport, certificate: certificate))
                case .rpc(let scenario):
                    let label = "\(transport.rawValue) \(scenario.kind.rawValue) (\(scenario.description))"
                    Self.progress("running \(label)...")
                    let watchdog = Watchdog(label, timeout: self.options.warmup + self.options.duration + .seconds(60))
                    defer { watchdog.disarm() }
                    result = try await self.measure(scenario, on: transport, certificate: certificate)
                }
                results.append(result)
                var line = "  \(RpcResultTable.formatRate(result))"
                if let latency = result.latency {
                    line += ", p50 \(ResultTable.formatLatency(latency.p50)), p99 \(ResultTable.formatLatency(latency.p99))"
                }
                if let cpu = result.processCPUPercent {
                    line += String(format: ", this process %.0f%% of a core", cpu)
                }
                line += String(format: ", other processes %.0f%% of a core", result.otherCPUPercent)
                if result.otherCPUPercent >= 10 { line += " (noisy: rerun on a quiet machine)" }
                Self.progress(line)
            }
        }
        results = RpcResult.withEchoRatios(results)
        Self.output("")
        Self.output(RpcResultTable(results: results).render())
        let comparisons = results.filter { $0.echoRatio != nil }
        if !comparisons.isEmpty {
            Self.output("")
            Self.output("rpc / echo (goal: health-concurrent and push at least 80% of echo concurrent at 64 connections):")
            for result in comparisons {
                guard let ratio = result.echoRatio, let echoRate = result.echoRate else { continue }
                var line = "  \(result.transport.rawValue.uppercased()) \(result.scenarioName), \(result.connections) "
                    + (result.connections == 1 ? "connection" : "connections")
                    + ": \(ResultTable.grouped(Int(result.rate.rounded()))) / \(ResultTable.grouped(Int(echoRate.rounded()))) rt/s = "
                    + String(format: "%.0f%%", ratio * 100)
                if result.connections == 64, result.workload != .rpc(.healthSingle) {
                    line += ratio >= 0.8 ? " (goal met)" : " (below the 80% goal)"
                }
                Self.output(line)
            }
        }
        return results
    }

    /// The sizes of the frame payloads of a HealthCheckRequest call (with the client IP the clients send
    /// over 127.0.0.1) and of its response.
    private static func healthCheckPayloadSizes() throws -> (request: Int, response: Int) {
        let codec = NacosPayloadCodec()
        let request = try codec.encode(NacosPayload.request(HealthCheckRequest(), callId: 1, clientIp: "127.0.0.1"))
        let response = try codec.encode(NacosPayload.response(HealthCheckResponse(), callId: 1))
        return (request.readableBytes, response.readableBytes)
    }

    // MARK: - One scenario

    /// Measures one RPC scenario on fresh server and client event loop groups, shutting both down afterwards.
    private func measure(
        _ scenario: RpcScenario,
        on transport: BenchmarkTransportKind,
        certificate: SelfSignedCertificate?
    ) async throws -> RpcResult {
        let logger = NacosLogger(label: "nacos-bench", logLevel: .warning)
        let serverGroup = try NacosEventLoopGroup(numberOfThreads: self.options.serverThreads, logger: logger)
        let clientGroup = try NacosEventLoopGroup(numberOfThreads: 1, logger: logger)
        let outcome: Result<RpcResult, any Error>
        do {
            let transports = try BenchmarkTransports.make(
                transport,
                serverGroup: serverGroup,
                clientGroup: clientGroup,
                certificate: certificate,
                logger: logger
            )
            let setup = RpcSetup(
                transport: transport,
                transports: transports,
                serverGroup: serverGroup,
                clientGroup: clientGroup,
                logger: logger
            )
            outcome = .success(try await self.measure(scenario, setup: setup))
        } catch {
            outcome = .failure(error)
        }
        await clientGroup.shutdownGracefully()
        await serverGroup.shutdownGracefully()
        return try outcome.get()
    }

    /// What one scenario runs on.
    private struct RpcSetup {
        let transport: BenchmarkTransportKind
        let transports: BenchmarkTransports
        let serverGroup: NacosEventLoopGroup
        let clientGroup: NacosEventLoopGroup
        let logger: NacosLogger
    }

    private func measure(_ scenario: RpcScenario, setup: RpcSetup) async throws -> RpcResult {
        // Timers and sleeps of each side run on that side's own loops, never on the shared group.
        let serverClock = NacosSystemClock(group: setup.serverGroup)
        let clientClock = NacosSystemClock(group: setup.clientGroup)
        let manager = NacosConnectionManager(clock: serverClock, logger: setup.logger)
        var serverConfiguration = NacosRpcServerConfiguration(address: .loopbackIPv4())
        serverConfiguration.tlsProtected = setup.transport == .tls
        let server = NacosRpcServer(
            configuration: serverConfiguration,
            transport: setup.transports.server,
            handlers: NacosRequestHandlerRegistry(),
            connectionManager: manager,
            clock: serverClock,
            logger: setup.logger
        )
        var clients: [NacosRpcClient] = []
        let outcome: Result<RpcResult, any Error>
        do {
            try await server.start()
            guard let address = server.localAddress else { throw BenchmarkError("the RPC server has no local address") }
            for index in 0..<scenario.connections {
                let configuration = NacosRpcClientConfiguration(name: "bench-\(index)", serverAddresses: [address])
                let client = NacosRpcClient(
                    configuration: configuration,
                    transport: setup.transports.client,
                    clock: clientClock,
                    logger: setup.logger
                )
                clients.append(client)
                guard await client.start() else {
                    throw BenchmarkError("client \(index + 1) of \(scenario.connections) could not connect to \(address)")
                }
            }
            outcome = .success(try await self.drive(scenario, on: setup.transport, clients: clients, manager: manager))
        } catch {
            outcome = .failure(error)
        }
        for client in clients { client.shutdown() }
        await server.shutdown()
        manager.shutdown()
        return try outcome.get()
    }

    /// Starts the workers, waits out the warm-up, measures, stops the workers and summarises.
    private func drive(
        _ scenario: RpcScenario,
        on transport: BenchmarkTransportKind,
        clients: [NacosRpcClient],
        manager: NacosConnectionManager
    ) async throws -> RpcResult {
        let recorder = RpcLoadRecorder()
        let recordsLatency = scenario.inFlight == 1
        var workers: [Task<[UInt32], Never>] = []
        if scenario.kind.isPush {
            var connections: [NacosServerConnection] = []
            for client in clients {
                guard let id = client.connectionId, let connection = manager.connection(id) else {
                    throw BenchmarkError("client \(client.configuration.name) is not registered with the server's connection manager")
                }
                connections.append(connection)
            }
            let sampleLimit = Self.sampleLimit / max(1, connections.count * scenario.inFlight)
            for connection in connections {
                for _ in 0..<scenario.inFlight {
                    workers.append(
                        Task {
                            await Self.pushLoop(connection, recorder: recorder, recordsLatency: recordsLatency, sampleLimit: sampleLimit)
                        }
                    )
                }
            }
        } else {
            let sampleLimit = Self.sampleLimit / max(1, clients.count * scenario.inFlight)
            for client in clients {
                for _ in 0..<scenario.inFlight {
                    workers.append(
                        Task {
                            await Self.healthLoop(client, recorder: recorder, recordsLatency: recordsLatency, sampleLimit: sampleLimit)
                        }
                    )
                }
            }
        }

        try? await Task.sleep(for: self.options.warmup)
        let begin = recorder.beginMeasurement()
        let cpuBefore = CPUUsageSample.now()
        try? await Task.sleep(for: self.options.duration)
        let cpuAfter = CPUUsageSample.now()
        let end = recorder.endMeasurement()
        var samples: [UInt32] = []
        for worker in workers {
            samples += await worker.value
        }

        if let failure = recorder.failure {
            throw BenchmarkError("\(transport.rawValue) \(scenario.kind.rawValue): \(failure)")
        }
        let seconds = Double(end.nanoseconds &- begin.nanoseconds) / 1e9
        let count = end.count - begin.count
        guard count > 0 else {
            throw BenchmarkError("\(transport.rawValue) \(scenario.kind.rawValue): nothing completed in \(self.options.duration)")
        }
        return RpcResult(
            transport: transport,
            workload: .rpc(scenario.kind),
            connections: scenario.connections,
            inFlight: scenario.inFlight,
            rate: Double(count) / seconds,
            latency: LatencySummary(samples: samples),
            processCPUPercent: cpuAfter.processPercent(since: cpuBefore),
            otherCPUPercent: cpuAfter.otherProcessesPercent(since: cpuBefore)
        )
    }

    /// One client's unary load: HealthCheckRequest after HealthCheckRequest until the recorder stops.
    private static func healthLoop(
        _ client: NacosRpcClient,
        recorder: RpcLoadRecorder,
        recordsLatency: Bool,
        sampleLimit: Int
    ) async -> [UInt32] {
        let request = HealthCheckRequest()
        return await Self.roundTripLoop(
            label: client.configuration.name,
            expecting: HealthCheckResponse.self,
            recorder: recorder,
            recordsLatency: recordsLatency,
            sampleLimit: sampleLimit
        ) { try await client.request(request) }
    }

    /// One server-push lane of a connection: ClientDetectionRequest after ClientDetectionRequest until the
    /// recorder stops.
    private static func pushLoop(
        _ connection: NacosServerConnection,
        recorder: RpcLoadRecorder,
        recordsLatency: Bool,
        sampleLimit: Int
    ) async -> [UInt32] {
        let request = ClientDetectionRequest()
        return await Self.roundTripLoop(
            label: "push to \(connection.connectionId)",
            expecting: ClientDetectionResponse.self,
            recorder: recorder,
            recordsLatency: recordsLatency,
            sampleLimit: sampleLimit
        ) { try await connection.request(request, timeout: Self.pushTimeout) }
    }

    /// Runs `roundTrip` until the recorder stops, counting each successful `expected` response and sampling
    /// latencies while measuring; another response or an error fails the run.
    private static func roundTripLoop(
        label: String,
        expecting expected: any NacosResponse.Type,
        recorder: RpcLoadRecorder,
        recordsLatency: Bool,
        sampleLimit: Int,
        _ roundTrip: () async throws -> any NacosResponse
    ) async -> [UInt32] {
        var samples: [UInt32] = []
        while !recorder.isStopping {
            let start = MonotonicClock.nanoseconds()
            do {
                let response = try await roundTrip()
                guard type(of: response) == expected, response.success else {
                    recorder.fail("\(label): \(Self.describe(response))")
                    break
                }
            } catch {
                recorder.fail("\(label) failed: \(error)")
                break
            }
            let latency = MonotonicClock.nanoseconds() &- start
            recorder.completed()
            if recordsLatency, recorder.isMeasuring, samples.count < sampleLimit {
                samples.append(UInt32(clamping: latency))
            }
        }
        return samples
    }

    /// `HealthCheckResponse with error code 301: …`, for an unexpected answer.
    private static func describe(_ response: any NacosResponse) -> String {
        "\(response.typeName) with error code \(response.errorCode): \(response.message ?? "")"
    }

    private static func output(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private static func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
