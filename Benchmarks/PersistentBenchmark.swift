import Foundation
import NacosNaming
import NacosRemote
import NacosStore
import NacosTransport

/// Measures durable (persistent) registrations per second and their latency: an in-process
/// `NamingRegistry` over `NacosSQLiteStore` (a temporary file) and over `NacosPostgresStore` (a PostgreSQL
/// started in a temporary directory), `--writers` concurrent writers each awaiting
/// `registerPersistentInstance`; beside ZooKeeper persistent creates on a standalone ZooKeeper started the
/// same way, loaded by `nacos-bench zk-load` in a second process over `--zk-connections` pipelined sessions.
struct PersistentBenchmark {
    /// What to run.
    let options: PersistentOptions

    /// Runs every row, printing progress to standard error and the table to standard output; returns the
    /// rows measured.
    ///
    /// - Throws: `BenchmarkError` when a row failed (the other rows still run and print).
    func run() async throws -> [PersistentResult] {
        BenchmarkOutput.header("persistent")
        ChildProcessGuard.installSignalHandlers()
        let perRow = self.options.duration + .seconds(300)
        let watchdog = Watchdog("persistent", timeout: perRow * (self.options.backends.count + 1))
        defer { watchdog.disarm() }
        let zooKeeperDepth = self.options.writers / self.options.zooKeeperConnections
        BenchmarkOutput.result(
            "\(self.options.writers) writers, \(ResultTable.grouped(self.options.count)) registrations per row after "
                + "\(ResultTable.grouped(self.options.warmupCount)) untimed, capped at \(self.options.duration); "
                + "\(self.options.services) services; ZooKeeper: \(self.options.zooKeeperConnections) sessions x \(zooKeeperDepth) creates in flight, "
                + "\(self.options.zooKeeperDataBytes) B per znode, load from a second process over TCP 127.0.0.1"
        )
        var results: [PersistentResult] = []
        var failures: [String] = []
        for backend in self.options.backends {
            do {
                switch backend {
                case .sqlite:
                    results.append(try await self.measureSQLite())
                    if self.options.http { results.append(try await PersistentHTTPRow(options: self.options).measure()) }
                case .postgres:
                    if let row = try await self.measurePostgres() { results.append(row) }
                case .zookeeper:
                    if let row = try await self.measureZooKeeper() { results.append(row) }
                }
            } catch {
                BenchmarkOutput.progress("\(BenchmarkStores.label(backend)): failed: \(error)")
                failures.append("\(backend.rawValue): \(error)")
            }
        }
        BenchmarkOutput.result("")
        BenchmarkOutput.result(PersistentResultTable(results: results).render())
        BenchmarkOutput.result("")
        let noisy = results.filter { $0.otherCPUPercent >= 10 }.map(\.store)
        if !noisy.isEmpty {
            BenchmarkOutput.result("noisy (other processes used 10% of a core or more): \(noisy.joined(separator: ", ")); rerun on a quiet machine")
        }
        for result in results where result.failures > 0 {
            BenchmarkOutput.result("\(result.store): \(result.failures) failed, first: \(result.firstFailure ?? "?")")
        }
        guard failures.isEmpty else { throw BenchmarkError(failures.joined(separator: "; ")) }
        return results
    }

    /// The SQLite row: a registry over a new file in a temporary directory.
    private func measureSQLite() async throws -> PersistentResult {
        let directory = try BenchmarkDirectory("sqlite")
        defer { directory.remove() }
        let path = directory.file("nacos.db")
        BenchmarkOutput.progress("SQLite: \(path)")
        return try await self.measureRegistry(.sqlite, store: BenchmarkStores.sqlite(path: path), serverPid: nil)
    }

    /// The PostgreSQL row, or nil (with how to install it) when PostgreSQL is missing.
    private func measurePostgres() async throws -> PersistentResult? {
        guard let binaries = PostgresServer.binaries() else {
            BenchmarkOutput.result("PostgreSQL row skipped: \(PostgresServer.installHint)")
            return nil
        }
        BenchmarkOutput.progress("PostgreSQL: initdb and start (\(binaries))")
        let server = try await PostgresServer.start(binaries: binaries, settings: self.options.postgresSettings)
        BenchmarkOutput.result(
            "PostgreSQL: \(server.version), 127.0.0.1:\(server.port), fsync=on, synchronous_commit=on; "
                + "NacosPostgresStore pool \(BenchmarkStores.postgresPoolSize(self.options.postgresPoolSize)) writer connections"
                + self.options.postgresSettings.map { ", \($0)" }.joined()
        )
        let outcome: Result<PersistentResult, any Error>
        do {
            outcome = .success(try await self.measureRegistry(.postgres, store: BenchmarkStores.postgres(url: server.url, poolSize: self.options.postgresPoolSize), serverPid: server.processIdentifier))
        } catch {
            outcome = .failure(error)
        }
        await server.stop()
        return try outcome.get()
    }

    /// Runs the warm-up and the measured registrations on a registry over `store`, which it closes.
    private func measureRegistry(_ backend: PersistentBackend, store: any NacosStore, serverPid: Int32?) async throws -> PersistentResult {
        let logger = NacosLogger(label: "nacos-bench", logLevel: .warning)
        let host = try DurableRegistry.make(store: store, logger: logger)
        let outcome: Result<PersistentResult, any Error>
        do {
            try await host.open()
            if self.options.warmupCount > 0 {
                let warmup = await self.load(host.registry, total: self.options.warmupCount, firstAddress: 1 << 22, duration: .seconds(120))
                if let failure = warmup.firstFailure { throw BenchmarkError("warm-up: \(warmup.failures) registrations failed, first: \(failure)") }
            }
            BenchmarkOutput.progress("\(BenchmarkStores.label(backend)): measuring \(ResultTable.grouped(self.options.count)) registrations")
            let metricsBefore = store.metrics
            let before = CPUUsageSample.now()
            let serverBefore = serverPid.map(ProcessCPUTicks.ofTree) ?? 0
            let measured = await self.load(host.registry, total: self.options.count, firstAddress: 0, duration: self.options.duration)
            let after = CPUUsageSample.now()
            let serverTicks = (serverPid.map(ProcessCPUTicks.ofTree) ?? 0) - serverBefore
            let interval = after.nanoseconds &- before.nanoseconds
            let ours = after.processPercent(since: before) + ProcessCPUTicks.percent(serverTicks, over: interval)
            let machine = ProcessCPUTicks.percent(after.machineBusyTicks - before.machineBusyTicks, over: interval)
            let succeeded = measured.completed - measured.failures
            BenchmarkOutput.result(Self.describe(store.metrics, since: metricsBefore, label: BenchmarkStores.label(backend)))
            outcome = .success(
                PersistentResult(
                    store: BenchmarkStores.label(backend),
                    isZooKeeper: false,
                    writers: "\(self.options.writers)",
                    completed: succeeded,
                    failures: measured.failures,
                    rate: measured.elapsedNanoseconds > 0 ? Double(succeeded) / (Double(measured.elapsedNanoseconds) / 1e9) : 0,
                    latency: LatencySummary(samples: measured.samples),
                    cpuPercent: ours,
                    otherCPUPercent: max(0, machine - ours),
                    firstFailure: measured.firstFailure
                )
            )
        } catch {
            outcome = .failure(error)
        }
        await host.close()
        return try outcome.get()
    }

    /// `NamingRegistry + SQLite: 20,000 commits in 1,234 transactions (16.2 per transaction), commit time mean 3.1 ms, max 12.0 ms`.
    private static func describe(_ after: NacosStoreMetrics, since before: NacosStoreMetrics, label: String) -> String {
        let commits = after.commits - before.commits
        let transactions = after.transactions - before.transactions
        let seconds = after.commitSecondsSum - before.commitSecondsSum
        var text = "\(label): \(ResultTable.grouped(Int(commits))) store commits in \(ResultTable.grouped(Int(transactions))) transactions"
        if transactions > 0 { text += String(format: " (%.1f per transaction)", Double(commits) / Double(transactions)) }
        if commits > 0 { text += String(format: ", commit time mean %.2f ms, max since open %.2f ms", seconds / Double(commits) * 1e3, after.commitSecondsMax * 1e3) }
        if after.failedCommits > before.failedCommits { text += ", \(after.failedCommits - before.failedCommits) failed" }
        return text
    }

    private func load(_ registry: NamingRegistry, total: Int, firstAddress: Int, duration: Duration) async -> PersistentRegistrationLoad.Outcome {
        await PersistentRegistrationLoad(
            registry: registry,
            writers: self.options.writers,
            total: total,
            services: self.options.services,
            servicePrefix: "persistent-",
            firstAddress: firstAddress,
            duration: duration
        ).run()
    }

    /// The ZooKeeper row, or nil (with how to install it) when ZooKeeper is missing.
    private func measureZooKeeper() async throws -> PersistentResult? {
        guard let java = ZooKeeperServer.java() else {
            BenchmarkOutput.result("ZooKeeper row skipped: \(ZooKeeperServer.installHint)")
            return nil
        }
        let versions = await ZooKeeperServer.versions(java: java)
        BenchmarkOutput.progress("ZooKeeper: starting (\(versions))")
        let server = try await ZooKeeperServer.start(java: java)
        BenchmarkOutput.result("ZooKeeper: \(versions), standalone, 127.0.0.1:\(server.port), forceSync=yes, -Xmx1000m")
        let outcome: Result<PersistentResult, any Error>
        do {
            var load = ZooKeeperLoadOptions()
            load.port = server.port
            load.connections = self.options.zooKeeperConnections
            load.inFlight = self.options.writers / self.options.zooKeeperConnections
            load.count = self.options.count
            load.warmupCount = self.options.warmupCount
            load.duration = self.options.duration
            load.dataBytes = self.options.zooKeeperDataBytes
            BenchmarkOutput.progress("ZooKeeper: \(ResultTable.grouped(load.warmupCount)) untimed and \(ResultTable.grouped(load.count)) measured creates")
            let result = try await ZooKeeperLoadProcess.run(load, serverPid: server.processIdentifier)
            let succeeded = result.creates - result.errors
            let ours = ProcessCPUTicks.percent(result.serverTicks + result.loadTicks, over: result.intervalNanoseconds)
            let machine = ProcessCPUTicks.percent(result.machineTicks, over: result.intervalNanoseconds)
            outcome = .success(
                PersistentResult(
                    store: "ZooKeeper",
                    isZooKeeper: true,
                    writers: "\(load.connections)x\(load.inFlight)",
                    completed: succeeded,
                    failures: result.errors,
                    rate: result.nanoseconds > 0 ? Double(succeeded) / (Double(result.nanoseconds) / 1e9) : 0,
                    latency: result.creates > 0 ? LatencySummary(p50: result.p50, p99: result.p99, samples: result.creates) : nil,
                    cpuPercent: ours,
                    otherCPUPercent: max(0, machine - ours),
                    firstFailure: result.errors > 0 ? "ZooKeeper error \(result.firstError)" : nil
                )
            )
        } catch {
            outcome = .failure(error)
        }
        await server.stop()
        return try outcome.get()
    }
}
