import Foundation
import NacosNaming
import NacosRemote
import NacosTransport

/// Measures ephemeral registrations per second: a naming registry behind a `NacosRpcServer` on its own
/// event loop group, and naming connections (`NacosRpcClient`) on another, over 127.0.0.1, each
/// connection registering `InstanceRequest`s in a closed loop over a set of services.
struct RegisterBenchmark {
    /// What to run.
    let options: RegisterOptions

    /// Runs every scenario (connection count × in-flight count) on a fresh registry, printing progress to
    /// standard error and the table to standard output; returns the results.
    ///
    /// - Throws: `BenchmarkError` (or a transport error) when a scenario cannot be set up or its load fails.
    func run() async throws -> [RegisterResult] {
        var results: [RegisterResult] = []
        for rpcProtocol in self.options.protocols {
            results += try await self.run(rpcProtocol)
        }
        return results
    }

    /// Runs every scenario with clients speaking `rpcProtocol` (the server serves both).
    private func run(_ rpcProtocol: BenchmarkProtocol) async throws -> [RegisterResult] {
        try await RegisterScenarios.run(
            header: "register over \(rpcProtocol.rawValue)",
            setup: "server threads \(self.options.serverThreads), client threads 1 (plus the Swift concurrency pool), "
                    + "warm-up \(self.options.warmup), duration \(self.options.duration) per scenario, TCP 127.0.0.1, "
                    + "\(self.options.serviceCount) services, push \(self.options.pushEnabled ? "on, no subscribers" : "off")",
            options: self.options,
            goal: 100_000,
            goalText: "100,000 registrations/s"
        ) { connections, inFlight in
            try await self.measure(connections: connections, inFlight: inFlight, rpcProtocol: rpcProtocol)
        }
    }

    /// Measures one scenario on fresh server and client event loop groups, shutting both down afterwards.
    private func measure(connections: Int, inFlight: Int, rpcProtocol: BenchmarkProtocol) async throws -> RegisterResult {
        let logger = NacosLogger(label: "nacos-bench", logLevel: .warning)
        let serverGroup = try NacosEventLoopGroup(numberOfThreads: self.options.serverThreads, logger: logger)
        let clientGroup = try NacosEventLoopGroup(numberOfThreads: 1, logger: logger)
        let outcome: Result<RegisterResult, any Error>
        do {
            outcome = .success(
                try await self.measure(
                    connections: connections, inFlight: inFlight, rpcProtocol: rpcProtocol, serverGroup: serverGroup, clientGroup: clientGroup, logger: logger
                )
            )
        } catch {
            outcome = .failure(error)
        }
        await clientGroup.shutdownGracefully()
        await serverGroup.shutdownGracefully()
        return try outcome.get()
    }

    private func measure(
        connections: Int,
        inFlight: Int,
        rpcProtocol: BenchmarkProtocol,
        serverGroup: NacosEventLoopGroup,
        clientGroup: NacosEventLoopGroup,
        logger: NacosLogger
    ) async throws -> RegisterResult {
        let server = try await NamingBenchmarkServer.start(
            configuration: NamingBenchmarkServer.configuration(pushEnabled: self.options.pushEnabled),
            transport: NacosTCPTransport(group: serverGroup, logger: logger),
            group: serverGroup,
            logger: logger
        )
        var factory = NamingClientFactory(
            server: server.address,
            transport: NacosTCPTransport(group: clientGroup, logger: logger),
            clock: NacosSystemClock(group: clientGroup),
            logger: logger
        )
        factory.protocolLayer = rpcProtocol.layer
        var clients: [NacosRpcClient] = []
        let outcome: Result<RegisterResult, any Error>
        do {
            clients = try await factory.connect(connections, prefix: "register")
            try await Poll.until("\(connections) naming clients on the server") { server.namingClientCount >= connections }
            let load = RegistrationLoad(
                clients: clients,
                inFlight: inFlight,
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
            if let failure = recorder.failure { throw BenchmarkError("register: \(failure)") }
            let count = end.count - begin.count
            guard count > 0 else { throw BenchmarkError("register: nothing completed in \(self.options.duration)") }
            outcome = .success(
                RegisterResult(
                    connections: connections,
                    inFlight: inFlight,
                    rate: Double(count) / (Double(end.nanoseconds &- begin.nanoseconds) / 1e9),
                    latency: LatencySummary(samples: samples),
                    processCPUPercent: cpuAfter.processPercent(since: cpuBefore),
                    otherCPUPercent: cpuAfter.otherProcessesPercent(since: cpuBefore),
                    size: server.size
                )
            )
        } catch {
            outcome = .failure(error)
        }
        server.registry.shutdown()
        for client in clients { client.shutdown() }
        await server.shutdown()
        return try outcome.get()
    }
}
