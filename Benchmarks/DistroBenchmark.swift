import Foundation

/// Measures cluster mode (issue 6) with `NacosServerNode`s in cluster mode in this process, over TCP on
/// 127.0.0.1: the time from a register on node A to the push at a subscriber of node B (idle and under
/// background registrations on A, for each Distro sync delay asked for), and the time a restarted node
/// takes to load a large snapshot (`DistroLatencyScenario`, `DistroSnapshotScenario`).
struct DistroBenchmark {
    /// What to run.
    let options: DistroOptions

    /// The aim for the cross-node p99 (50 ms).
    private static let latencyGoal: UInt64 = 50_000_000
    /// The aim for loading the snapshot (1 s).
    private static let snapshotGoal: UInt64 = 1_000_000_000

    /// Runs the scenarios, printing progress to standard error and the tables to standard output.
    ///
    /// - Throws: `BenchmarkError` (or a transport error) when a scenario cannot be set up or its load fails.
    func run() async throws {
        BenchmarkOutput.header("distro")
        if self.options.scenarios.contains(.latency) {
            try await self.runLatency()
        }
        if self.options.scenarios.contains(.snapshot) && self.options.instances > 0 {
            try await self.runSnapshot()
        }
    }

    private func runLatency() async throws {
        BenchmarkOutput.result(
            "latency: \(self.options.nodes) NacosServerNodes in cluster mode (\(self.options.serverThreads) event loop thread each), "
                + "SDK clients on 1 more, TCP 127.0.0.1; \(self.options.samples) timed registrations on node A after "
                + "\(self.options.warmupSamples) untimed ones, seen by a subscriber on node B (and one on A); background load from "
                + "\(self.options.loadConnections) connections x \(self.options.loadInFlight) in flight into "
                + "\(self.options.loadServiceCount) services each, on node A"
        )
        let loads = self.options.backgroundRate > 0 ? [0, self.options.backgroundRate] : [0]
        var results: [DistroLatencyResult] = []
        for load in loads {
            for delay in self.options.syncDelaysMilliseconds {
                let label = "distro latency (sync delay \(delay) ms, " + (load == 0 ? "idle" : "load \(ResultTable.grouped(load)) reg/s") + ")"
                BenchmarkOutput.progress("running \(label)...")
                let perSample = self.options.sampleTimeout * 2 + .milliseconds(delay + 2)
                let budget = self.options.warmup + .seconds(90) + perSample * (self.options.samples + self.options.warmupSamples)
                let watchdog = Watchdog(label, timeout: min(budget, .seconds(1800)))
                defer { watchdog.disarm() }
                let result = try await DistroLatencyScenario(options: self.options, syncDelayMilliseconds: delay, load: load).run()
                results.append(result)
                var line = "  \(result.remoteLatencies.count) registrations"
                if let summary = result.remoteSummary {
                    line += ", B p50 \(ResultTable.formatLatency(summary.p50)), p99 \(ResultTable.formatLatency(summary.p99))"
                }
                if result.remoteLost > 0 { line += ", \(result.remoteLost) lost" }
                if load > 0 { line += ", load \(ResultTable.grouped(Int(result.achievedLoad.rounded()))) reg/s" }
                line += String(format: ", %.0f Distro syncs/s", result.syncsPerSecond)
                line += String(format: ", this process %.0f%% of a core", result.processCPUPercent)
                line += BenchmarkOutput.otherCPU(result.otherCPUPercent)
                BenchmarkOutput.progress(line)
            }
        }
        BenchmarkOutput.result("")
        BenchmarkOutput.result(DistroLatencyResultTable(results: results).render())
        BenchmarkOutput.result("")
        for result in results {
            guard let summary = result.remoteSummary else { continue }
            let met = summary.p99 <= Self.latencyGoal && result.remoteLost == 0
            BenchmarkOutput.result(
                "goal: p99 <= 50 ms from a register on A to the event on B (\(result.loadLabel)"
                    + (result.targetLoad > 0 ? ", \(ResultTable.grouped(Int(result.achievedLoad.rounded()))) achieved" : "")
                    + ", sync delay \(result.syncDelayMilliseconds) ms): \(ResultTable.formatLatency(summary.p99))"
                    + (met ? " (goal met)" : " (above the goal)")
            )
        }
    }

    private func runSnapshot() async throws {
        BenchmarkOutput.result("")
        BenchmarkOutput.result(
            "snapshot: 2 NacosServerNodes in cluster mode; node A holds \(ResultTable.grouped(self.options.instances)) ephemeral instances "
                + "(\(self.options.instancesPerClient) per client, each in a different service, made directly in A's registry); "
                + "node B is started \(self.options.snapshotRuns) times and timed until its Distro is initialized"
        )
        BenchmarkOutput.progress("running distro snapshot...")
        let watchdog = Watchdog("distro snapshot", timeout: .seconds(240) + .seconds(45) * self.options.snapshotRuns)
        defer { watchdog.disarm() }
        let result = try await DistroSnapshotScenario(options: self.options).run()
        BenchmarkOutput.result("")
        BenchmarkOutput.result(DistroSnapshotResultTable(result: result).render())
        BenchmarkOutput.result("")
        let steps = result.breakdown
        let ms = DistroSnapshotScenario.milliseconds
        BenchmarkOutput.result(
            "node A filled in \(ms(result.fillNanoseconds)) (\(ResultTable.grouped(result.services)) services); cluster frame limit "
                + "\(DistroSnapshotScenario.mebibytes(result.clusterMaxFrameLength))"
                + BenchmarkOutput.otherCPU(result.otherCPUPercent)
        )
        BenchmarkOutput.result(
            "steps timed apart, once: A collects \(ms(steps.collectNanoseconds)), writes the snapshot JSON \(ms(steps.snapshotJSONNanoseconds)), "
                + "the response body (base64) \(ms(steps.responseWriteNanoseconds)); B parses the body and decodes the base64 "
                + "\(ms(steps.responseParseNanoseconds)), parses the snapshot JSON \(ms(steps.snapshotParseNanoseconds)), applies it to an "
                + "empty registry \(ms(steps.applyNanoseconds)); sum \(ms(steps.totalNanoseconds))"
        )
        let times = result.initializedTimes
        if times.count < result.runs.count || times.isEmpty {
            BenchmarkOutput.result("goal: a new node loads a \(ResultTable.grouped(result.instances))-instance snapshot within 1 s: not loaded (goal not met)")
        } else {
            let median = times[times.count / 2]
            let complete = result.runs.allSatisfy { $0.instancesListed == result.instances }
            BenchmarkOutput.result(
                "goal: a new node loads a \(ResultTable.grouped(result.instances))-instance snapshot within 1 s: median "
                    + "\(DistroSnapshotScenario.milliseconds(median)) (\(DistroSnapshotScenario.milliseconds(times[0]))–"
                    + "\(DistroSnapshotScenario.milliseconds(times[times.count - 1])))"
                    + (complete ? "" : ", but not every instance was listed")
                    + (median <= Self.snapshotGoal && complete ? " (goal met)" : " (above the goal)")
            )
        }
    }
}
