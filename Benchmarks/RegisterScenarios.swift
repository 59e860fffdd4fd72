import Foundation

/// The scenario loop `register` and `http-register` share: one measurement per (connections, in flight)
/// pair under a watchdog, a progress line each, then the table and the verdict against the goal.
enum RegisterScenarios {
    /// Runs `measure` for every scenario of `options`, printing under `header` with `setup` as the first
    /// line; `goal` is the registrations per second aimed for and `goalText` how the verdict names it.
    static func run(
        header: String,
        setup: String,
        options: RegisterOptions,
        goal: Double,
        goalText: String,
        measure: (_ connections: Int, _ inFlight: Int) async throws -> RegisterResult
    ) async throws -> [RegisterResult] {
        BenchmarkOutput.header(header)
        BenchmarkOutput.result(setup)
        var results: [RegisterResult] = []
        for connections in options.connectionCounts {
            for inFlight in options.inFlightCounts {
                let label = "\(header) (\(connections) connections x \(inFlight) in flight)"
                BenchmarkOutput.progress("running \(label)...")
                let watchdog = Watchdog(label, timeout: options.warmup + options.duration + .seconds(120))
                defer { watchdog.disarm() }
                let result = try await measure(connections, inFlight)
                results.append(result)
                var line = "  \(RegisterResultTable.formatRate(result.rate))"
                if let latency = result.latency {
                    line += ", p50 \(ResultTable.formatLatency(latency.p50)), p99 \(ResultTable.formatLatency(latency.p99))"
                }
                line += String(format: ", this process %.0f%% of a core", result.processCPUPercent)
                line += BenchmarkOutput.otherCPU(result.otherCPUPercent)
                BenchmarkOutput.progress(line)
                BenchmarkOutput.progress("  registry at the end: \(result.size)")
            }
        }
        BenchmarkOutput.result("")
        BenchmarkOutput.result(RegisterResultTable(results: results).render())
        let best = results.map(\.rate).max() ?? 0
        BenchmarkOutput.result("")
        BenchmarkOutput.result(
            "goal: at least \(goalText); best \(RegisterResultTable.formatRate(best))"
                + (best >= goal ? " (goal met)" : " (below the goal)")
        )
        return results
    }
}
