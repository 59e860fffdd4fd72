import Foundation
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosStore
import NacosTransport

/// Measures a restart: a store is filled with `--instances` persistent instances, then `--runs` times a
/// new process (`nacos-bench restart-load`) creates a `NamingRegistry` over it and times until `open()`
/// returns (the registry then serves them all), and reads its RSS.
///
/// The records are the registry's own: the instances are first registered through
/// `registerPersistentInstance` on a registry over a `NacosMemoryStore`, whose records are then committed
/// to the real store through the store seam in batches of `--batch`.
struct RestartBenchmark {
    /// What to run.
    let options: RestartOptions

    /// The aim for open() → ready with 100k instances.
    private static let goalNanoseconds: UInt64 = 2_000_000_000

    /// Fills each store, runs the restarts and prints the table; returns the runs.
    ///
    /// - Throws: `BenchmarkError` when a store cannot be filled or a restart fails.
    func run() async throws -> [(store: String, run: RestartRun)] {
        BenchmarkOutput.header("restart")
        ChildProcessGuard.installSignalHandlers()
        let watchdog = Watchdog("restart", timeout: .seconds(600 * self.options.backends.count + 300))
        defer { watchdog.disarm() }
        BenchmarkOutput.result(
            "\(ResultTable.grouped(self.options.instances)) persistent instances over \(ResultTable.grouped(self.options.services)) services, "
                + "filled through the store seam in commits of \(ResultTable.grouped(self.options.batchSize)); \(self.options.runs) restarts, each a new process"
        )
        let records = try await self.records()
        BenchmarkOutput.progress("\(ResultTable.grouped(records.count)) store records to write")
        var rows: [(store: String, run: RestartRun)] = []
        for backend in self.options.backends {
            switch backend {
            case .sqlite:
                rows += try await self.measureSQLite(records)
            case .postgres:
                guard let binaries = PostgresServer.binaries() else {
                    BenchmarkOutput.result("PostgreSQL row skipped: \(PostgresServer.installHint)")
                    continue
                }
                rows += try await self.measurePostgres(records, binaries: binaries)
            case .zookeeper:
                continue
            }
        }
        BenchmarkOutput.result("")
        BenchmarkOutput.result(RestartResultTable(rows: rows).render())
        BenchmarkOutput.result("")
        let worst = rows.map(\.run.openNanoseconds).max() ?? 0
        BenchmarkOutput.result(
            String(format: "slowest open() → ready %.2f s; aim ≤ 2 s: %@", Double(worst) / 1e9, worst <= Self.goalNanoseconds ? "met" : "NOT met")
        )
        return rows
    }

    /// The store records of `--instances` persistent instances, as the registry writes them.
    private func records() async throws -> [NacosStoreMutation] {
        let memory = NacosMemoryStore()
        let logger = NacosLogger(label: "nacos-bench", logLevel: .warning)
        let host = try DurableRegistry.make(store: memory, logger: logger)
        let outcome: Result<[NacosStoreMutation], any Error>
        do {
            try await host.open()
            let load = await PersistentRegistrationLoad(
                registry: host.registry,
                writers: 16,
                total: self.options.instances,
                services: self.options.services,
                servicePrefix: "restart-",
                firstAddress: 0,
                duration: .seconds(600)
            ).run()
            if let failure = load.firstFailure { throw BenchmarkError("registering in memory: \(load.failures) failed, first: \(failure)") }
            let snapshot = try await memory.open()
            outcome = .success(snapshot.records.sorted { $0.key.description < $1.key.description }.map { NacosStoreMutation(key: $0.key, value: $0.value) })
        } catch {
            outcome = .failure(error)
        }
        await host.close()
        return try outcome.get()
    }

    /// Commits `records` to `store` in batches (a fresh, empty store) and closes it; returns the seconds.
    private func fill(_ store: any NacosStore, _ records: [NacosStoreMutation]) async throws -> Double {
        let start = MonotonicClock.nanoseconds()
        let outcome: Result<Void, any Error>
        do {
            let existing = try await store.open()
            guard existing.records.isEmpty else { throw BenchmarkError("the \(store.kind) store is not empty (\(existing.records.count) records)") }
            var index = 0
            while index < records.count {
                let end = min(records.count, index + self.options.batchSize)
                try await store.commit(Array(records[index..<end]))
                index = end
            }
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await store.close()
        try outcome.get()
        return Double(MonotonicClock.nanoseconds() &- start) / 1e9
    }

    private func measureSQLite(_ records: [NacosStoreMutation]) async throws -> [(store: String, run: RestartRun)] {
        let directory = try BenchmarkDirectory("restart-sqlite")
        defer { directory.remove() }
        let path = directory.file("nacos.db")
        let seconds = try await self.fill(BenchmarkStores.sqlite(path: path), records)
        let bytes = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).reduce(0) { total, name in
            total + (((try? FileManager.default.attributesOfItem(atPath: directory.file(name)))?[.size] as? Int) ?? 0)
        }
        BenchmarkOutput.result(
            String(format: "SQLite: filled in %.1f s; %@ on disk (%@ and its WAL)", seconds, ProcessResources.formatMebibytes(bytes), path)
        )
        return try await self.restarts(label: "SQLite", arguments: ["--store", "sqlite", "--path", path])
    }

    private func measurePostgres(_ records: [NacosStoreMutation], binaries: String) async throws -> [(store: String, run: RestartRun)] {
        let server = try await PostgresServer.start(binaries: binaries)
        let outcome: Result<[(store: String, run: RestartRun)], any Error>
        do {
            let seconds = try await self.fill(BenchmarkStores.postgres(url: server.url), records)
            BenchmarkOutput.result(String(format: "PostgreSQL (%@, 127.0.0.1:%d): filled in %.1f s", server.version, server.port, seconds))
            outcome = .success(try await self.restarts(label: "PostgreSQL", arguments: ["--store", "postgres", "--url", server.url], serverPid: server.processIdentifier))
        } catch {
            outcome = .failure(error)
        }
        await server.stop()
        return try outcome.get()
    }

    private func restarts(label: String, arguments: [String], serverPid: Int32? = nil) async throws -> [(store: String, run: RestartRun)] {
        var rows: [(store: String, run: RestartRun)] = []
        for number in 1...self.options.runs {
            let fields = try await SelfChildProcess.run(
                ["restart-load"] + arguments + ["--expect", "\(self.options.instances)"] + (serverPid.map { ["--server-pid", "\($0)"] } ?? []),
                timeout: .seconds(300)
            )
            func value(_ key: String) -> Int { fields[key].flatMap { Int($0) } ?? 0 }
            let run = RestartRun(
                number: number,
                openNanoseconds: UInt64(value("open-nanoseconds")),
                rssBefore: value("rss-before"),
                rssAfter: value("rss-after"),
                rssTrimmed: value("rss-trimmed"),
                instances: value("instances"),
                services: value("services"),
                storeOpenNanoseconds: UInt64(value("store-open-nanoseconds")),
                otherCPUPercent: value("other-cpu")
            )
            BenchmarkOutput.progress(String(format: "%@ restart %d: open() → ready in %.0f ms", label, number, Double(run.openNanoseconds) / 1e6))
            rows.append((label, run))
        }
        return rows
    }
}
