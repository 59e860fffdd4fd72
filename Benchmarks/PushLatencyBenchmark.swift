import Foundation
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTransport

/// Measures the time from a register to the subscriber's push: a provider connection changes its
/// instance of one service (a new port and sequence number each time) and a subscriber connection's
/// `NotifySubscriberRequest` handler timestamps the first push that shows the change, optionally while
/// other connections register into other services at a target rate.
///
/// Changes are made one at a time: the next is sent after the previous one arrived (and a random pause
/// of up to 1 ms), so every change starts a fresh merge window — the latency of a lone change, the case
/// the merge window delays most. The provider's register round trip is timed too, to tell queueing in
/// front of the handler from the push path.
struct PushLatencyBenchmark {
    /// What to run.
    let options: PushLatencyOptions

    /// The service the provider changes and the subscriber follows.
    private static let probeService = "push-probe"
    /// The address of the provider's instance.
    private static let providerIp = "10.255.0.1"

    /// Runs every scenario (load × merge window) on a fresh registry, printing progress to standard error
    /// and the table to standard output; returns the results.
    ///
    /// - Throws: `BenchmarkError` (or a transport error) when a scenario cannot be set up or its load fails.
    func run() async throws -> [PushLatencyResult] {
        var results: [PushLatencyResult] = []
        for rpcProtocol in self.options.protocols {
            results += try await self.run(rpcProtocol)
        }
        return results
    }

    /// Runs every scenario with clients speaking `rpcProtocol` (the server serves both).
    private func run(_ rpcProtocol: BenchmarkProtocol) async throws -> [PushLatencyResult] {
        BenchmarkOutput.header("push over \(rpcProtocol.rawValue)")
        BenchmarkOutput.result(
            "server threads \(self.options.serverThreads), client threads 1 (plus the Swift concurrency pool), TCP 127.0.0.1, "
                + "\(self.options.samples) timed changes after \(self.options.warmupChanges) untimed ones; background load from "
                + "\(self.options.loadConnections) connections x \(self.options.loadInFlight) in flight into "
                + "\(self.options.loadServiceCount) other services"
        )
        var results: [PushLatencyResult] = []
        for load in self.options.loads {
            for window in self.options.mergeWindowsMilliseconds {
                let label = "push (merge window \(window) ms, " + (load == 0 ? "idle" : "load \(ResultTable.grouped(load)) reg/s") + ")"
                BenchmarkOutput.progress("running \(label)...")
                let budget = self.options.warmup + (self.options.changeTimeout + .milliseconds(window + 2)) * (self.options.samples + self.options.warmupChanges)
                let watchdog = Watchdog(label, timeout: min(budget, .seconds(600)) + .seconds(60))
                defer { watchdog.disarm() }
                let result = try await self.measure(window: window, load: load, rpcProtocol: rpcProtocol)
                results.append(result)
                var line = "  \(result.latencies.count) changes"
                if let summary = result.summary {
                    line += ", p50 \(ResultTable.formatLatency(summary.p50)), p99 \(ResultTable.formatLatency(summary.p99))"
                }
                if result.timeouts > 0 { line += ", \(result.timeouts) lost" }
                if load > 0 { line += ", load \(ResultTable.grouped(Int(result.achievedLoad.rounded()))) reg/s" }
                line += String(format: ", this process %.0f%% of a core", result.processCPUPercent)
                line += BenchmarkOutput.otherCPU(result.otherCPUPercent)
                BenchmarkOutput.progress(line)
            }
        }
        BenchmarkOutput.result("")
        BenchmarkOutput.result(PushLatencyResultTable(results: results).render())
        BenchmarkOutput.result("")
        if let zero = results.first(where: { $0.mergeWindowMilliseconds == 0 && $0.targetLoad == 0 }), let summary = zero.summary {
            BenchmarkOutput.result(
                "goal: p50 <= 1 ms with a 0 ms window (idle): \(ResultTable.formatLatency(summary.p50))"
                    + (summary.p50 <= 1_000_000 ? " (goal met)" : " (above the goal)")
            )
        }
        for result in results where result.targetLoad > 0 {
            guard let summary = result.summary else { continue }
            BenchmarkOutput.result(
                "goal: p99 <= 20 ms under load (\(result.loadLabel) asked, \(ResultTable.grouped(Int(result.achievedLoad.rounded()))) achieved), "
                    + "\(result.mergeWindowMilliseconds) ms window: \(ResultTable.formatLatency(summary.p99))"
                    + (summary.p99 <= 20_000_000 && result.timeouts == 0 ? " (goal met)" : " (above the goal)")
            )
        }
        return results
    }

    /// Measures one scenario on fresh server and client event loop groups, shutting both down afterwards.
    private func measure(window: Int, load: Int, rpcProtocol: BenchmarkProtocol) async throws -> PushLatencyResult {
        let logger = NacosLogger(label: "nacos-bench", logLevel: .warning)
        let serverGroup = try NacosEventLoopGroup(numberOfThreads: self.options.serverThreads, logger: logger)
        let clientGroup = try NacosEventLoopGroup(numberOfThreads: 1, logger: logger)
        let outcome: Result<PushLatencyResult, any Error>
        do {
            outcome = .success(
                try await self.measure(window: window, load: load, rpcProtocol: rpcProtocol, serverGroup: serverGroup, clientGroup: clientGroup, logger: logger)
            )
        } catch {
            outcome = .failure(error)
        }
        await clientGroup.shutdownGracefully()
        await serverGroup.shutdownGracefully()
        return try outcome.get()
    }

    private func measure(
        window: Int,
        load: Int,
        rpcProtocol: BenchmarkProtocol,
        serverGroup: NacosEventLoopGroup,
        clientGroup: NacosEventLoopGroup,
        logger: NacosLogger
    ) async throws -> PushLatencyResult {
        let server = try await NamingBenchmarkServer.start(
            configuration: NamingBenchmarkServer.configuration(mergeWindow: .milliseconds(window)),
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
        let outcome: Result<PushLatencyResult, any Error>
        do {
            let subscriber = factory.makeClient("push-subscriber", index: 0)
            let provider = factory.makeClient("push-provider", index: 1)
            clients += [subscriber, provider]
            let probe = PushLatencyProbe(subscriber: subscriber, service: Self.probeService, providerIp: Self.providerIp)
            guard await subscriber.start(), await provider.start() else {
                throw BenchmarkError("the push probe's connections could not connect to \(server.address)")
            }
            let loadClients = load > 0 ? try await factory.connect(self.options.loadConnections, prefix: "push-load") : []
            clients += loadClients
            try await Poll.until("\(clients.count) naming clients on the server") { server.namingClientCount >= clients.count }

            // The provider's first instance, then the subscription (whose own push is not timed).
            try await Self.change(provider, sequence: 0)
            let subscribed = try await subscriber.request(
                SubscribeServiceRequest(namespace: "public", serviceName: Self.probeService, groupName: "DEFAULT_GROUP", subscribe: true),
                expecting: SubscribeServiceResponse.self
            )
            guard subscribed.serviceInfo?.instances.isEmpty == false else {
                throw BenchmarkError("the subscription to \(Self.probeService) answered no instances")
            }

            let recorder = RpcLoadRecorder()
            let loadLanes = RegistrationLoad(
                clients: loadClients,
                inFlight: self.options.loadInFlight,
                servicePrefix: "load",
                serviceCount: self.options.loadServiceCount,
                targetRate: Double(load),
                recordsLatency: false
            ).start(recorder: recorder)
            if load > 0 { try? await Task.sleep(for: self.options.warmup) }

            let begin = recorder.beginMeasurement()
            let cpuBefore = CPUUsageSample.now()
            var latencies: [UInt32] = []
            latencies.reserveCapacity(self.options.samples)
            var roundTrips: [UInt32] = []
            roundTrips.reserveCapacity(self.options.samples)
            var timeouts = 0
            let changes = self.options.warmupChanges + self.options.samples
            for sequence in 1...changes {
                if let failure = recorder.failure { throw BenchmarkError("background load: \(failure)") }
                probe.expect(sequence)
                let sent = MonotonicClock.nanoseconds()
                try await Self.change(provider, sequence: sequence)
                let roundTrip = MonotonicClock.nanoseconds() &- sent
                let latency = await probe.latency(timeout: self.options.changeTimeout)
                if sequence > self.options.warmupChanges {
                    roundTrips.append(UInt32(clamping: roundTrip))
                    if let latency { latencies.append(UInt32(clamping: latency)) } else { timeouts += 1 }
                }
                try? await Task.sleep(for: .microseconds(Int.random(in: 0...1000)))
            }
            let cpuAfter = CPUUsageSample.now()
            let end = recorder.endMeasurement()
            for lane in loadLanes { _ = await lane.value }
            if let failure = recorder.failure { throw BenchmarkError("background load: \(failure)") }
            latencies.sort()
            outcome = .success(
                PushLatencyResult(
                    mergeWindowMilliseconds: window,
                    targetLoad: load,
                    achievedLoad: Double(end.count - begin.count) / (Double(end.nanoseconds &- begin.nanoseconds) / 1e9),
                    latencies: latencies,
                    registerRoundTrips: roundTrips,
                    timeouts: timeouts,
                    processCPUPercent: cpuAfter.processPercent(since: cpuBefore),
                    otherCPUPercent: cpuAfter.otherProcessesPercent(since: cpuBefore)
                )
            )
        } catch {
            outcome = .failure(error)
        }
        // Stop pushing first, so that the disconnects' deregistrations are not pushed to closing subscribers.
        server.registry.shutdown()
        for client in clients { client.shutdown() }
        await server.shutdown()
        return try outcome.get()
    }

    /// Registers the provider's instance of the probe service with a new port and `seq` = `sequence`.
    private static func change(_ provider: NacosRpcClient, sequence: Int) async throws {
        let instance = Instance(
            ip: Self.providerIp,
            port: 20_000 + sequence % 20_000,
            metadata: [PushLatencyProbe.sequenceKey: String(sequence), "version": "1.0.0"]
        )
        _ = try await provider.request(RegistrationLoad.request(instance, service: Self.probeService), expecting: InstanceResponse.self)
    }
}
