import CSQLite
import Foundation
public import NacosStore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The standalone node's store: one SQLite file in WAL mode with `synchronous=FULL`, so that a commit is
/// on disk before it returns. Commits that arrive while a transaction is being written wait and are
/// written together in the next one (group commit): durability costs one fsync per group, not per write.
///
/// Threads: the connection is opened with `SQLITE_OPEN_NOMUTEX` and confined to the store's writer thread
/// (`nacos-sqlite`), which makes every SQLite call; a second thread (`nacos-sqlite-feed`) hands each
/// committed group to the change feed and resumes its callers in commit order while the writer already
/// writes the next group. Callers only wait on continuations, so nothing blocks Swift's cooperative pool.
///
/// The file is locked with `flock(LOCK_EX | LOCK_NB)` on `<path>.lock` while open, so two processes (or
/// two stores of one process) never share it.
public final class NacosSQLiteStore: NacosStore {
    private struct Pending {
        let mutations: [NacosStoreMutation]
        let enqueued: ContinuousClock.Instant
        let continuation: CheckedContinuation<Result<Int64, NacosStoreError>, Never>
    }

    private struct State {
        var pending: [Pending] = []
        var flushScheduled = false
        var opened = false
        var closed = false
        var lastFailure: String?
        var sink: (@Sendable ([NacosStoreChange]) -> Void)?
        var feedAfter: Int64 = 0
        var metrics = NacosStoreMetrics()
    }

    /// What only the worker thread touches: the connection, its statements, the head revision.
    private final class Connection: @unchecked Sendable {
        var database: SQLiteDatabase?
        var upsert: SQLiteDatabase.Statement?
        var delete: SQLiteDatabase.Statement?
        var setRevision: SQLiteDatabase.Statement?
        var begin: SQLiteDatabase.Statement?
        var commit: SQLiteDatabase.Statement?
        var rollback: SQLiteDatabase.Statement?
        var revision: Int64 = 0
        var lockDescriptor: Int32 = -1

        func release() {
            self.upsert = nil
            self.delete = nil
            self.setRevision = nil
            self.begin = nil
            self.commit = nil
            self.rollback = nil
            self.database?.close()
            self.database = nil
            if self.lockDescriptor >= 0 {
                Glibc.close(self.lockDescriptor)
                self.lockDescriptor = -1
            }
        }
    }

    /// The settings.
    public let configuration: NacosSQLiteConfiguration
    private let state = Mutex(State())
    private let connection = Connection()
    private let worker: NacosStoreThread
    /// Delivers committed groups to the feed and resumes their commits, in commit order, while the worker
    /// already writes the next group: applying memory overlaps the next fsync.
    private let delivery: NacosStoreThread

    /// Creates the store of the file `configuration.path`; nothing is opened before `open()`.
    public init(configuration: NacosSQLiteConfiguration) {
        self.configuration = configuration
        self.worker = NacosStoreThread(name: "nacos-sqlite")
        self.delivery = NacosStoreThread(name: "nacos-sqlite-feed")
    }

    deinit {
        let connection = self.connection
        self.worker.submit { connection.release() }
        self.worker.stop()
        self.delivery.stop()
    }

    /// `sqlite`.
    public var kind: String { "sqlite" }

    /// Locks and opens the file (creating it and its directory), applies the migrations and reads every
    /// record.
    public func open() async throws(NacosStoreError) -> NacosStoreSnapshot {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<NacosStoreSnapshot, NacosStoreError>, Never>) in
            let submitted = self.worker.submit {
                continuation.resume(returning: Result { () throws(NacosStoreError) in try self.openOnWorker() })
            }
            if !submitted { continuation.resume(returning: .failure(NacosStoreError(.closed, "the SQLite store \(self.configuration.path) is closed"))) }
        }
        let snapshot = try result.get()
        self.state.withLock { $0.opened = true }
        return snapshot
    }

    /// Delivers every commit after `revision` to `sink`, on the store's thread.
    public func startChangeFeed(after revision: Int64, _ sink: @escaping @Sendable ([NacosStoreChange]) -> Void) {
        self.state.withLock { state in
            state.sink = sink
            state.feedAfter = revision
        }
    }

    /// Queues `mutations` for the next transaction and returns their revision once it is on disk and the
    /// change feed has them.
    @discardableResult
    public func commit(_ mutations: [NacosStoreMutation]) async throws(NacosStoreError) -> Int64 {
        let enqueued = ContinuousClock.now
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Int64, NacosStoreError>, Never>) in
            let refusal = self.state.withLock { state -> NacosStoreError? in
                if state.closed { return NacosStoreError(.closed, "the SQLite store \(self.configuration.path) is closed") }
                guard state.opened else { return NacosStoreError(.unavailable, "the SQLite store \(self.configuration.path) is not open") }
                guard state.pending.count < self.configuration.maxPendingCommits else {
                    state.metrics.failedCommits += 1
                    return NacosStoreError(
                        .unavailable,
                        "the SQLite store \(self.configuration.path) refuses the commit: its queue is full (\(self.configuration.maxPendingCommits) commits wait)"
                    )
                }
                state.pending.append(Pending(mutations: mutations, enqueued: enqueued, continuation: continuation))
                state.metrics.queueDepth = state.pending.count
                return nil
            }
            if let refusal {
                continuation.resume(returning: .failure(refusal))
                return
            }
            self.scheduleFlush()
        }
        return try result.get()
    }

    /// Available unless closed or the last transaction failed (a later success clears it).
    public var health: NacosStoreHealth {
        self.state.withLock { state in
            if state.closed { return NacosStoreHealth(isAvailable: false, detail: "closed") }
            if let failure = state.lastFailure { return NacosStoreHealth(isAvailable: false, detail: failure) }
            return NacosStoreHealth(isAvailable: true, detail: self.configuration.path)
        }
    }

    /// The counters.
    public var metrics: NacosStoreMetrics { self.state.withLock { $0.metrics } }

    /// Writes what is queued, then closes the file and releases the lock; later commits fail with `.closed`.
    public func close() async {
        let first = self.state.withLock { state -> Bool in
            defer { state.closed = true }
            return !state.closed
        }
        guard first else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let connection = self.connection
            let submitted = self.worker.submit {
                self.flushOnWorker(draining: true)
                connection.release()
                continuation.resume()
            }
            if !submitted { continuation.resume() }
        }
        // What was committed before the close reaches the feed and its callers first.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if !self.delivery.submit({ continuation.resume() }) { continuation.resume() }
        }
        self.state.withLock { $0.sink = nil }
        self.worker.stop()
        self.delivery.stop()
    }

    // MARK: - On the worker thread

    private func openOnWorker() throws(NacosStoreError) -> NacosStoreSnapshot {
        let path = self.configuration.path
        let connection = self.connection
        guard connection.database == nil else { throw NacosStoreError(.unavailable, "the SQLite store \(path) is open already") }
        guard !path.isEmpty else { throw NacosStoreError(.invalidConfiguration, "the SQLite store's path is empty") }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw NacosStoreError(.unavailable, "cannot create the directory \(directory) of the SQLite file \(path): \(error.localizedDescription)")
            }
        }
        let lock = Glibc.open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0 else {
            throw NacosStoreError(.unavailable, "cannot create the lock file \(path).lock of the SQLite file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(lock, LOCK_EX | LOCK_NB) == 0 else {
            let held = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            Glibc.close(lock)
            if held {
                throw NacosStoreError(
                    .unavailable,
                    "the SQLite file \(path) is locked: another process (or another store in this process) holds \(path).lock"
                )
            }
            throw NacosStoreError(.unavailable, "cannot lock \(path).lock for the SQLite file \(path): \(reason)")
        }
        connection.lockDescriptor = lock
        do throws(NacosStoreError) {
            let database = try SQLiteDatabase(path: path, busyTimeout: self.configuration.busyTimeout)
            connection.database = database
            let mode = try database.text("PRAGMA journal_mode=WAL")
            guard mode.lowercased() == "wal" else {
                throw NacosStoreError(.unavailable, "the SQLite file \(path) cannot use the WAL journal (journal_mode is \(mode))")
            }
            try database.execute("PRAGMA synchronous=FULL")
            try SQLiteSchema.migrate(database)
            connection.revision = try database.integer("SELECT value FROM nacos_meta WHERE name = 'revision'")
            var records: [NacosStoreKey: [UInt8]] = [:]
            try database.prepare("SELECT kind, key, value FROM nacos_records").query { row in
                records[NacosStoreKey(kind: row.text(0), key: row.text(1))] = row.bytes(2)
            }
            connection.upsert = try database.prepare(
                "INSERT INTO nacos_records (kind, key, value, revision) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, revision = excluded.revision"
            )
            connection.delete = try database.prepare("DELETE FROM nacos_records WHERE kind = ?1 AND key = ?2")
            connection.setRevision = try database.prepare("UPDATE nacos_meta SET value = ?1 WHERE name = 'revision'")
            connection.begin = try database.prepare("BEGIN IMMEDIATE")
            connection.commit = try database.prepare("COMMIT")
            connection.rollback = try database.prepare("ROLLBACK")
            let revision = connection.revision
            self.state.withLock { $0.metrics.appliedRevision = revision }
            return NacosStoreSnapshot(revision: connection.revision, records: records)
        } catch {
            connection.release()
            throw error
        }
    }

    private func scheduleFlush() {
        let schedule = self.state.withLock { state -> Bool in
            guard !state.flushScheduled else { return false }
            state.flushScheduled = true
            return true
        }
        guard schedule else { return }
        let submitted = self.worker.submit { self.flushOnWorker(draining: false) }
        if !submitted { self.flushOnWorker(draining: true) }
    }

    /// Writes the queued commits, `maxCommitsPerTransaction` per transaction, until the queue is empty.
    private func flushOnWorker(draining: Bool) {
        while true {
            let group = self.state.withLock { state -> [Pending] in
                let count = min(state.pending.count, self.configuration.maxCommitsPerTransaction)
                let group = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                state.metrics.queueDepth = state.pending.count
                if group.isEmpty { state.flushScheduled = false }
                return group
            }
            guard !group.isEmpty else { return }
            self.write(group)
        }
    }

    private func write(_ group: [Pending]) {
        let connection = self.connection
        let start = connection.revision
        var changes: [NacosStoreChange] = []
        changes.reserveCapacity(group.reduce(0) { $0 + $1.mutations.count })
        let outcome = Result { () throws(NacosStoreError) in
            guard let database = connection.database, let upsert = connection.upsert, let delete = connection.delete,
                let setRevision = connection.setRevision, let begin = connection.begin, let commit = connection.commit,
                let rollback = connection.rollback
            else { throw NacosStoreError(.closed, "the SQLite store \(self.configuration.path) is closed") }
            do throws(NacosStoreError) {
                try begin.run()
            } catch {
                throw NacosStoreError(.unavailable, error.message)
            }
            do throws(NacosStoreError) {
                var revision = start
                for pending in group {
                    revision += 1
                    for mutation in pending.mutations {
                        if let value = mutation.value {
                            upsert.bind(1, mutation.key.kind)
                            upsert.bind(2, mutation.key.key)
                            try upsert.bind(3, value)
                            upsert.bind(4, revision)
                            try upsert.run()
                        } else {
                            delete.bind(1, mutation.key.kind)
                            delete.bind(2, mutation.key.key)
                            try delete.run()
                        }
                        changes.append(NacosStoreChange(revision: revision, mutation: mutation))
                    }
                }
                setRevision.bind(1, revision)
                try setRevision.run()
                try commit.run()
                connection.revision = revision
            } catch {
                if !database.isAutocommit { try? rollback.run() }
                // Whatever SQLite said, this group can be retried later: the store is not lost.
                throw NacosStoreError(.unavailable, error.message)
            }
        }
        let durable = ContinuousClock.now
        let (sink, feedAfter) = self.state.withLock { state in
            switch outcome {
            case .success:
                state.lastFailure = nil
                state.metrics.transactions += 1
            case .failure(let error):
                state.lastFailure = error.message
                state.metrics.failedCommits += UInt64(group.count)
            }
            return (state.sink, state.feedAfter)
        }
        if case .failure(let error) = outcome {
            for pending in group { pending.continuation.resume(returning: .failure(error)) }
            return
        }
        let revision = connection.revision
        let delivered = self.delivery.submit {
            self.deliver(group, changes: changes, first: start + 1, revision: revision, durable: durable, sink: sink, feedAfter: feedAfter)
        }
        if !delivered {
            self.deliver(group, changes: changes, first: start + 1, revision: revision, durable: durable, sink: sink, feedAfter: feedAfter)
        }
    }

    /// Hands a committed group's changes to the feed, then resumes its commits with their revisions.
    private func deliver(
        _ group: [Pending],
        changes: [NacosStoreChange],
        first: Int64,
        revision: Int64,
        durable: ContinuousClock.Instant,
        sink: (@Sendable ([NacosStoreChange]) -> Void)?,
        feedAfter: Int64
    ) {
        if let sink {
            let delivered = changes.filter { $0.revision > feedAfter }
            if !delivered.isEmpty { sink(delivered) }
        }
        self.state.withLock { state in
            for pending in group {
                let seconds = Self.seconds(durable - pending.enqueued)
                state.metrics.commits += 1
                state.metrics.commitSecondsSum += seconds
                state.metrics.commitSecondsMax = max(state.metrics.commitSecondsMax, seconds)
            }
            state.metrics.appliedRevision = revision
        }
        for (offset, pending) in group.enumerated() {
            pending.continuation.resume(returning: .success(first + Int64(offset)))
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
