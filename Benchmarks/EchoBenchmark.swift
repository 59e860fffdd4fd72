import Foundation
import NacosTransport

/// Runs the echo scenarios: a server and a load generator in this process, each on its own event loop
/// group, talking over 127.0.0.1; the load is driven from event-loop callbacks, never from Swift tasks.
struct EchoBenchmark {
    /// What to run.
    let options: EchoOptions

    /// Runs every scenario on every transport, printing progress to standard error and the table to
    /// standard output; returns the results.
    ///
    /// - Throws: `BenchmarkError` (or a transport error) when a scenario cannot be set up or its load fails.
    func run() async throws -> [BenchmarkResult] {
        let machine = MachineInfo.current()
        Self.output("nacos-bench echo: \(machine.cores) cores (\(machine.cpuModel)), load average \(machine.loadAverage)")
        Self.output(
            "server threads \(self.options.serverThreads), client threads 1, payload \(self.options.payloadSize) B, "
                + "warm-up \(self.options.warmup), duration \(self.options.duration) per scenario, loopback 127.0.0.1"
        )

        #if DEBUG
        Self.output("warning: this is a debug build; build with -c release for meaningful figures")
        #endif

        let certificate = self.options.transports.contains(.tls) ? try SelfSignedCertificate.generate() : nil
        defer { certificate?.remove() }

        var results: [BenchmarkResult] = []
        for transport in self.options.transports {
            for scenario in self.options.scenarios {
                let label = "\(transport.rawValue) \(scenario.kind.rawValue) (\(scenario.description))"
                Self.progress("running \(label)...")
                let watchdog = Watchdog(label, timeout: self.options.warmup + self.options.duration + .seconds(60))
                defer { watchdog.disarm() }
                let result = try await self.measure(scenario, on: transport, certificate: certificate)
                results.append(result)
                var line = "  \(ResultTable.formatRate(result))"
                if let latency = result.latency {
                    line += ", p50 \(ResultTable.formatLatency(latency.p50)), p99 \(ResultTable.formatLatency(latency.p99))"
                }
                line += String(format: ", other processes %.0f%% of a core", result.otherCPUPercent)
                if result.otherCPUPercent >= 10 { line += " (noisy: rerun on a quiet machine)" }
                Self.progress(line)
            }
        }
        Self.output("")
        Self.output(ResultTable(results: results).render())
        return results
    }

    /// Measures one scenario on fresh server and client event loop groups, shutting both down afterwards
    /// (also the reference of `nacos-bench rpc`).
    func measure(
        _ scenario: EchoScenario,
        on transport: BenchmarkTransportKind,
        certificate: SelfSignedCertificate?
    ) async throws -> BenchmarkResult {
        let logger = NacosLogger(label: "nacos-bench", logLevel: .warning)
        let serverGroup = try NacosEventLoopGroup(numberOfThreads: self.options.serverThreads, logger: logger)
        let clientGroup = try NacosEventLoopGroup(numberOfThreads: 1, logger: logger)
        let outcome: Result<BenchmarkResult, any Error>
        do {
            let transports = try BenchmarkTransports.make(
                transport,
                serverGroup: serverGroup,
                clientGroup: clientGroup,
                certificate: certificate,
                logger: logger
            )
            outcome = .success(try await self.measure(scenario, on: transport, transports: transports, clientLoop: clientGroup.loops[0]))
        } catch {
            outcome = .failure(error)
        }
        await clientGroup.shutdownGracefully()
        await serverGroup.shutdownGracefully()
        return try outcome.get()
    }

    private func measure(
        _ scenario: EchoScenario,
        on transport: BenchmarkTransportKind,
        transports: BenchmarkTransports,
        clientLoop: NacosEventLoop
    ) async throws -> BenchmarkResult {
        let sink = ByteSinkServerHandler()
        let serverHandler: any NacosConnectionHandler = scenario.kind == .stream ? sink : EchoServerHandler()
        let listener = try await transports.server.listen(on: .loopbackIPv4()) { connection in
            connection.start(serverHandler)
        }

        var connections: [any NacosConnection] = []
        do {
            for _ in 0..<scenario.connections {
                connections.append(try await transports.client.connect(to: listener.localAddress))
            }
        } catch {
            for connection in connections { connection.close(flush: false) }
            await listener.close()
            throw BenchmarkError("connection \(connections.count + 1) of \(scenario.connections) to \(listener.localAddress) failed: \(error)")
        }

        let recorder = LoadRecorder(loop: clientLoop)
        let payload = NacosByteBuffer(bytes: repeatElement(UInt8(ascii: "x"), count: self.options.payloadSize))
        let streamFrame = NacosByteBuffer(bytes: repeatElement(UInt8(ascii: "s"), count: self.options.streamFrameSize))
        let generators: [(any NacosConnection, any LoadGenerator)] = connections.map { connection in
            let generator: any LoadGenerator =
                scenario.kind == .stream
                ? StreamingClientHandler(recorder: recorder, frame: streamFrame)
                : RoundTripClientHandler(recorder: recorder, payload: payload, inFlight: scenario.inFlight)
            connection.start(generator)
            return (connection, generator)
        }
        await clientLoop.submit {
            for (connection, generator) in generators { generator.startLoad(on: connection) }
        }

        try await Task.sleep(for: self.options.warmup)
        let recordLatency = scenario.inFlight == 1
        let (begin, beginBytes) = await clientLoop.submit { (recorder.beginMeasurement(recordLatency: recordLatency), sink.bytesReceived) }
        let cpuBefore = CPUUsageSample.now()
        try await Task.sleep(for: self.options.duration)
        let cpuAfter = CPUUsageSample.now()
        let (end, samples, endBytes, failure) = await clientLoop.submit {
            let failure = recorder.failure
            let (end, samples) = recorder.endMeasurement()
            return (end, samples, sink.bytesReceived, failure)
        }

        for connection in connections { connection.close(flush: false) }
        for connection in connections { _ = await connection.closed() }
        await listener.close()

        if let failure { throw BenchmarkError("\(transport.rawValue) \(scenario.kind.rawValue): \(failure)") }
        let seconds = Double(end.nanoseconds &- begin.nanoseconds) / 1e9
        let count = scenario.kind == .stream ? endBytes - beginBytes : end.count - begin.count
        guard count > 0 else {
            throw BenchmarkError("\(transport.rawValue) \(scenario.kind.rawValue): nothing completed in \(self.options.duration)")
        }
        return BenchmarkResult(
            transport: transport,
            scenario: scenario,
            rate: Double(count) / seconds,
            seconds: seconds,
            latency: LatencySummary(samples: samples),
            otherCPUPercent: cpuAfter.otherProcessesPercent(since: cpuBefore)
        )
    }

    private static func output(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private static func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
