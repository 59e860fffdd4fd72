import Foundation

/// The hidden `nacos-bench zk-load` child: opens its sessions to a ZooKeeper server on 127.0.0.1, creates
/// `/bench`, runs an untimed warm-up of persistent creates and then the measured ones, and prints one line
/// the parent (`ZooKeeperLoadProcess`) reads:
/// `measuring` when the measured phase starts, then
/// `result creates=<n> errors=<n> nanoseconds=<elapsed> p50=<ns> p99=<ns> first-error=<code> cpu-ticks=<n>`, or
/// `error <message>` before exiting with status 1.
struct ZooKeeperLoadCommand {
    /// What to run.
    let options: ZooKeeperLoadOptions

    /// Runs the load and prints the result line.
    func run() async throws {
        var connections: [ZooKeeperConnection] = []
        defer { for connection in connections { connection.close() } }
        do {
            for _ in 0..<self.options.connections {
                connections.append(try ZooKeeperConnection(port: self.options.port, timeout: .seconds(10)))
            }
            let created = try connections[0].create(path: "/bench", data: [], timeout: .seconds(10))
            guard created == 0 || created == ZooKeeperWire.nodeExists else {
                throw BenchmarkError("create /bench failed with ZooKeeper error \(created)")
            }
            let data = [UInt8](repeating: UInt8(ascii: "x"), count: self.options.dataBytes)
            if self.options.warmupCount > 0 {
                let warmup = try await self.phase(connections, total: self.options.warmupCount, prefix: "/bench/w-", data: data, duration: .seconds(120))
                if let failure = warmup.failure { throw BenchmarkError("warm-up: \(failure)") }
            }
            for connection in connections { try connection.pingIfIdle() }
            Self.say("measuring")
            let ticksBefore = ProcessCPUTicks.of(getpid())
            let measured = try await self.phase(connections, total: self.options.count, prefix: "/bench/n-", data: data, duration: self.options.duration)
            if let failure = measured.failure { throw BenchmarkError(failure) }
            let ticks = ProcessCPUTicks.of(getpid()) - ticksBefore
            let latency = LatencySummary(samples: measured.samples)
            Self.say(
                "result creates=\(measured.completed) errors=\(measured.errors) nanoseconds=\(measured.elapsed) "
                    + "p50=\(latency?.p50 ?? 0) p99=\(latency?.p99 ?? 0) first-error=\(measured.firstError.map(String.init) ?? "none") cpu-ticks=\(ticks)"
            )
        } catch {
            Self.say("error \(error)")
            throw error
        }
    }

    /// One phase's combined outcome.
    private struct Phase {
        var samples: [UInt32] = []
        var completed = 0
        var errors = 0
        var firstError: Int32?
        var failure: String?
        var elapsed: UInt64 = 0
    }

    /// Runs `total` creates of `prefix<n>` over every connection, `inFlight` pipelined on each.
    private func phase(_ connections: [ZooKeeperConnection], total: Int, prefix: String, data: [UInt8], duration: Duration) async throws -> Phase {
        let counter = SharedCounter()
        let start = MonotonicClock.nanoseconds()
        let stopSending = start &+ UInt64(duration.components.seconds) * 1_000_000_000 &+ UInt64(duration.components.attoseconds / 1_000_000_000)
        let lanes = connections.map { connection in
            ZooKeeperLoadLane(
                connection: connection,
                counter: counter,
                total: total,
                prefix: prefix,
                data: data,
                depth: self.options.inFlight,
                stopSending: stopSending,
                giveUp: stopSending &+ 30_000_000_000
            )
        }
        var phase = Phase()
        var last = start
        for outcome in await ZooKeeperLoadLane.runAll(lanes) {
            phase.samples += outcome.samples
            phase.completed += outcome.completed
            phase.errors += outcome.errors
            if phase.firstError == nil { phase.firstError = outcome.firstError }
            if phase.failure == nil { phase.failure = outcome.failure }
            last = max(last, outcome.lastReplyNanoseconds)
        }
        phase.elapsed = last &- start
        return phase
    }

    private static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
