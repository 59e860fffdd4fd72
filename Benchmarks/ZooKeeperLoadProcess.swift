import Foundation

/// Runs the ZooKeeper load generator in a second process (`nacos-bench zk-load`, this executable), reads
/// back its result line, and reads the server's CPU over the child's measured phase.
enum ZooKeeperLoadProcess {
    /// What the child measured.
    struct Result: Sendable {
        /// Creates answered in the measured phase.
        let creates: Int
        /// Of them, answered with an error code.
        let errors: Int
        /// The first error code, if any.
        let firstError: String
        /// Nanoseconds from the first create sent to the last reply.
        let nanoseconds: UInt64
        /// Median create latency, nanoseconds.
        let p50: UInt64
        /// 99th-percentile create latency, nanoseconds.
        let p99: UInt64
        /// CPU of the load process during the measured phase, clock ticks.
        let loadTicks: Int
        /// CPU of the server (`serverPid`) between the child's `measuring` and result lines, clock ticks.
        var serverTicks = 0
        /// Busy ticks of the whole machine over the same interval.
        var machineTicks = 0
        /// `CLOCK_MONOTONIC` nanoseconds between those two lines.
        var intervalNanoseconds: UInt64 = 0
    }

    /// Starts the child against the server on 127.0.0.1:`options.port`, waits for its result (at most the
    /// measured duration plus `slack`), and reaps it; the CPU of `serverPid` is read over the measured phase.
    ///
    /// - Throws: `BenchmarkError` when the child reports an error, ends without a result or overruns.
    static func run(_ options: ZooKeeperLoadOptions, serverPid: Int32, slack: Duration = .seconds(240)) async throws -> Result {
        let seconds = Double(options.duration.components.seconds) + Double(options.duration.components.attoseconds) / 1e18
        var start = (server: 0, machine: 0, nanoseconds: UInt64(0))
        var end = start
        let fields = try await SelfChildProcess.run(
            [
                "zk-load", "--port", "\(options.port)", "--connections", "\(options.connections)", "--in-flight", "\(options.inFlight)",
                "--count", "\(options.count)", "--warmup-count", "\(options.warmupCount)", "--duration", String(format: "%.3f", seconds),
                "--data-bytes", "\(options.dataBytes)",
            ],
            timeout: options.duration + slack
        ) { line in
            let reading = (ProcessCPUTicks.of(serverPid), ProcessCPUTicks.machine(), MonotonicClock.nanoseconds())
            if line == "measuring" { start = reading }
            if line.hasPrefix("result ") { end = reading }
        }
        guard var result = Self.parse(fields) else { throw BenchmarkError("zk-load printed an incomplete result: \(fields)") }
        result.serverTicks = end.server - start.server
        result.machineTicks = end.machine - start.machine
        result.intervalNanoseconds = end.nanoseconds &- start.nanoseconds
        return result
    }

    /// Reads the fields of `result creates=… errors=… nanoseconds=… p50=… p99=… first-error=… cpu-ticks=…`.
    private static func parse(_ fields: [String: String]) -> Result? {
        guard let creates = fields["creates"].flatMap({ Int($0) }), let errors = fields["errors"].flatMap({ Int($0) }),
            let nanoseconds = fields["nanoseconds"].flatMap({ UInt64($0) }), let p50 = fields["p50"].flatMap({ UInt64($0) }),
            let p99 = fields["p99"].flatMap({ UInt64($0) })
        else { return nil }
        return Result(
            creates: creates,
            errors: errors,
            firstError: fields["first-error"] ?? "none",
            nanoseconds: nanoseconds,
            p50: p50,
            p99: p99,
            loadTicks: fields["cpu-ticks"].flatMap { Int($0) } ?? 0
        )
    }
}
