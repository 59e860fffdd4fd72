import CLibPQ
import Foundation
public import NacosStore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The store the nodes of a cluster share: PostgreSQL over libpq.
///
/// A commit is one transaction that takes the next revisions from the `head` row (its row lock orders
/// the commits of every node, so revision order is commit order), writes its records (a delete leaves a
/// tombstone), sends `NOTIFY nacos_store_changes` and commits. The change feed reads every record whose
/// revision is above the last one applied and delivers them in order: after each of this node's commits
/// (so a commit returns once this node applied it), on every notification from another node, every
/// `catchUpInterval`, and after a lost connection is back (so a lost notification loses nothing).
///
/// Every libpq call runs on the store's own threads: `poolSize` writers and one listener.
public final class NacosPostgresStore: NacosStore {
    private struct Pending {
        let mutations: [NacosStoreMutation]
        let enqueued: ContinuousClock.Instant
        let continuation: CheckedContinuation<Result<Int64, NacosStoreError>, Never>
    }

    private struct Waiter {
        let revision: Int64
        let enqueued: ContinuousClock.Instant
        let continuation: CheckedContinuation<Result<Int64, NacosStoreError>, Never>
    }

    private struct State {
        var pending: [Pending] = []
        var idleWriters: [Int] = []
        var waiting: [Waiter] = []
        var opened = false
        var closed = false
        var sink: (@Sendable ([NacosStoreChange]) -> Void)?
        var applied: Int64 = 0
        var lastFailure: String?
        var retryAt: ContinuousClock.Instant?
        var backoff: Duration = .milliseconds(100)
        var metrics = NacosStoreMetrics()
    }

    /// A writer's connection, touched on its thread only.
    private final class Slot: @unchecked Sendable {
        var connection: PostgresConnection?
    }

    /// The settings.
    public let configuration: NacosPostgresConfiguration
    private let state = Mutex(State())
    /// Held while changes are read and delivered, so that deliveries keep revision order.
    private let delivery = NSLock()
    /// Held by the writer inside a transaction (see `drain(writer:)`).
    private let transactionLock = NSLock()
    private let writers: [NacosStoreThread]
    private let slots: [Slot]
    private let listener = PostgresListener()

    /// Creates the store; nothing connects before `open()`.
    public init(configuration: NacosPostgresConfiguration) {
        self.configuration = configuration
        self.writers = (0..<configuration.poolSize).map { NacosStoreThread(name: "nacos-pg-writer-\($0)") }
        self.slots = (0..<configuration.poolSize).map { _ in Slot() }
    }

    deinit {
        self.listener.stop()
        for (writer, slot) in zip(self.writers, self.slots) {
            writer.submit { slot.connection = nil }
            writer.stop()
        }
    }

    /// `postgresql`.
    public var kind: String { "postgresql" }

    /// Other nodes write to the same database.
    public var isShared: Bool { true }

    /// Connects, migrates the schema, and reads every record and the head revision in one snapshot.
    public func open() async throws(NacosStoreError) -> NacosStoreSnapshot {
        let parameters = try self.configuration.connectionParameters()
        let slot = self.slots[0]
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<NacosStoreSnapshot, NacosStoreError>, Never>) in
            let submitted = self.writers[0].submit {
                continuation.resume(returning: Result { () throws(NacosStoreError) in
                    let connection = try PostgresConnection(parameters: parameters)
                    try PostgresSchema.migrate(connection)
                    var revision: Int64 = 0
                    var records: [NacosStoreKey: [UInt8]] = [:]
                    try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    try connection.execute("SELECT value FROM nacos_store_meta WHERE name = 'head'") { revision = $0.integer(0) }
                    try connection.execute("SELECT kind, key, value FROM nacos_store_records WHERE value IS NOT NULL") { row in
                        records[NacosStoreKey(kind: row.text(0), key: row.text(1))] = row.bytes(2)
                    }
                    try connection.execute("COMMIT")
                    slot.connection = connection
                    return NacosStoreSnapshot(revision: revision, records: records)
                })
            }
            if !submitted { continuation.resume(returning: .failure(NacosStoreError(.closed, "the PostgreSQL store is closed"))) }
        }
        let snapshot = try result.get()
        self.state.withLock { state in
            state.opened = true
            state.applied = snapshot.revision
            state.metrics.appliedRevision = snapshot.revision
            state.idleWriters = Array(0..<self.writers.count)
        }
        return snapshot
    }

    /// Delivers every commit after `revision` to `sink` and starts listening for other nodes' commits.
    public func startChangeFeed(after revision: Int64, _ sink: @escaping @Sendable ([NacosStoreChange]) -> Void) {
        self.state.withLock { state in
            state.sink = sink
            state.applied = revision
        }
        guard let parameters = try? self.configuration.connectionParameters() else { return }
        self.listener.start(
            parameters: parameters,
            interval: self.configuration.catchUpInterval,
            maxBackoff: self.configuration.maxReconnectBackoff,
            catchUp: { [weak self] (connection: PostgresConnection) throws(NacosStoreError) in try self?.catchUp(on: connection) },
            reconnected: { [weak self] in self?.state.withLock { $0.metrics.reconnects += 1 } }
        )
    }

    /// Commits `mutations` in one transaction and returns its revision once this node applied it.
    @discardableResult
    public func commit(_ mutations: [NacosStoreMutation]) async throws(NacosStoreError) -> Int64 {
        if mutations.isEmpty { return self.state.withLock { $0.applied } }
        let enqueued = ContinuousClock.now
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Int64, NacosStoreError>, Never>) in
            let outcome = self.state.withLock { state -> Result<Int?, NacosStoreError> in
                if state.closed { return .failure(NacosStoreError(.closed, "the PostgreSQL store is closed")) }
                guard state.opened else { return .failure(NacosStoreError(.unavailable, "the PostgreSQL store is not open")) }
                if let retryAt = state.retryAt, ContinuousClock.now < retryAt, let failure = state.lastFailure {
                    state.metrics.failedCommits += 1
                    return .failure(NacosStoreError(.unavailable, failure))
                }
                guard state.pending.count < self.configuration.maxPendingCommits else {
                    state.metrics.failedCommits += 1
                    return .failure(NacosStoreError(.unavailable, "the PostgreSQL store's commit queue is full (\(self.configuration.maxPendingCommits) commits wait)"))
                }
                state.pending.append(Pending(mutations: mutations, enqueued: enqueued, continuation: continuation))
                state.metrics.queueDepth = state.pending.count
                return .success(state.idleWriters.popLast())
            }
            switch outcome {
            case .failure(let error):
                continuation.resume(returning: .failure(error))
            case .success(let writer?):
                self.writers[writer].submit { self.drain(writer: writer) }
            case .success(nil):
                break
            }
        }
        return try result.get()
    }

    /// Available unless closed or the last attempt to write failed.
    public var health: NacosStoreHealth {
        self.state.withLock { state in
            if state.closed { return NacosStoreHealth(isAvailable: false, detail: "closed") }
            if let failure = state.lastFailure { return NacosStoreHealth(isAvailable: false, detail: failure) }
            return NacosStoreHealth(isAvailable: true, detail: self.redactedURL)
        }
    }

    /// The counters.
    public var metrics: NacosStoreMetrics { self.state.withLock { $0.metrics } }

    /// Fails what waits, stops the threads and closes the connections.
    public func close() async {
        let (pending, waiting) = self.state.withLock { state -> ([Pending], [Waiter]) in
            state.closed = true
            state.sink = nil
            defer {
                state.pending = []
                state.waiting = []
            }
            return (state.pending, state.waiting)
        }
        let error = NacosStoreError(.closed, "the PostgreSQL store closed before the commit was applied")
        for item in pending { item.continuation.resume(returning: .failure(error)) }
        for item in waiting { item.continuation.resume(returning: .failure(error)) }
        self.listener.stop()
        for (writer, slot) in zip(self.writers, self.slots) {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                if !writer.submit({
                    slot.connection = nil
                    continuation.resume()
                }) {
                    continuation.resume()
                }
            }
            writer.stop()
        }
    }

    private var redactedURL: String {
        var url = self.configuration.url
        if let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://") {
            url.replaceSubrange(scheme.upperBound..<at, with: "…")
        }
        return url
    }

    // MARK: - On the writer threads

    /// Writes queued commits on writer `index`'s connection until the queue is empty.
    ///
    /// One writer at a time is inside a transaction (`transaction`): the head row's lock would serialize
    /// them anyway, and a group taken just before the transaction holds everything that queued during the
    /// previous one, so one fsync covers as many commits as possible. The catch-up after a commit runs
    /// outside, beside the next writer's transaction.
    private func drain(writer index: Int) {
        let slot = self.slots[index]
        while true {
            self.transactionLock.lock()
            let group = self.state.withLock { state -> [Pending] in
                let group = Array(state.pending.prefix(1_000))
                state.pending.removeFirst(group.count)
                state.metrics.queueDepth = state.pending.count
                if group.isEmpty { state.idleWriters.append(index) }
                return group
            }
            guard !group.isEmpty else {
                self.transactionLock.unlock()
                return
            }
            let outcome = Result { () throws(NacosStoreError) -> Int64 in
                let connection = try self.connection(of: slot)
                do throws(NacosStoreError) {
                    return try Self.transaction(group.map(\.mutations), on: connection)
                } catch {
                    if !connection.isOK { slot.connection = nil }
                    throw error
                }
            }
            self.transactionLock.unlock()
            self.finish(group, outcome, slot: slot)
        }
    }

    /// Answers a group's commits after its transaction: a failure at once, a success once applied.
    private func finish(_ group: [Pending], _ outcome: Result<Int64, NacosStoreError>, slot: Slot) {
        switch outcome {
        case .failure(let error):
            self.state.withLock { state in
                state.lastFailure = error.message
                state.metrics.failedCommits += UInt64(group.count)
                if slot.connection == nil {
                    state.retryAt = ContinuousClock.now + state.backoff
                    state.backoff = min(state.backoff * 2, self.configuration.maxReconnectBackoff)
                }
            }
            for pending in group { pending.continuation.resume(returning: .failure(error)) }
            if let connection = slot.connection { try? self.catchUp(on: connection) }
        case .success(let last):
            let first = last - Int64(group.count) + 1
            let waiting = self.state.withLock { state -> Bool in
                state.lastFailure = nil
                state.retryAt = nil
                state.backoff = .milliseconds(100)
                state.metrics.transactions += 1
                guard state.sink != nil else { return false }
                for (offset, pending) in group.enumerated() {
                    state.waiting.append(Waiter(revision: first + Int64(offset), enqueued: pending.enqueued, continuation: pending.continuation))
                }
                return true
            }
            guard waiting else {
                self.finish(group.enumerated().map { ($0.element.enqueued, $0.element.continuation, first + Int64($0.offset)) })
                return
            }
            if let connection = slot.connection {
                do {
                    try self.catchUp(on: connection)
                } catch {
                    // The listener delivers it once it reads again; the waiters wait for that.
                    if !connection.isOK { slot.connection = nil }
                }
            }
        }
    }

    /// The writer's connection, connected when there is none.
    private func connection(of slot: Slot) throws(NacosStoreError) -> PostgresConnection {
        if let connection = slot.connection, connection.isOK { return connection }
        let reconnecting = slot.connection != nil || self.state.withLock { $0.lastFailure != nil }
        slot.connection = nil
        let connection = try PostgresConnection(parameters: try self.configuration.connectionParameters())
        slot.connection = connection
        if reconnecting { self.state.withLock { $0.metrics.reconnects += 1 } }
        return connection
    }

    /// The most rows one INSERT carries (four parameters each, far below PostgreSQL's 65,535).
    private static let rowsPerStatement = 500

    /// One transaction for `commits`: the revisions, the records, the notification.
    private static func transaction(_ commits: [[NacosStoreMutation]], on connection: PostgresConnection) throws(NacosStoreError) -> Int64 {
        try connection.execute("BEGIN")
        var last: Int64 = 0
        do throws(NacosStoreError) {
            try connection.execute(
                "UPDATE nacos_store_meta SET value = value + $1 WHERE name = 'head' RETURNING value",
                [.integer(Int64(commits.count))]
            ) { last = $0.integer(0) }
            // The last write of each key in the group wins (one row may appear once per statement); the rows
            // go in multi-row statements, one round trip per `rowsPerStatement`.
            var revision = last - Int64(commits.count)
            var order: [NacosStoreKey] = []
            var rows: [NacosStoreKey: (value: [UInt8]?, revision: Int64)] = [:]
            for mutations in commits {
                revision += 1
                for mutation in mutations {
                    if rows.updateValue((mutation.value, revision), forKey: mutation.key) == nil { order.append(mutation.key) }
                }
            }
            var start = 0
            while start < order.count {
                let chunk = order[start..<min(order.count, start + Self.rowsPerStatement)]
                var parameters: [PostgresParameter] = []
                parameters.reserveCapacity(chunk.count * 4)
                var values: [String] = []
                values.reserveCapacity(chunk.count)
                for key in chunk {
                    let row = rows[key]!
                    let base = parameters.count
                    values.append("($\(base + 1), $\(base + 2), $\(base + 3), $\(base + 4))")
                    parameters += [.text(key.kind), .text(key.key), row.value.map { .bytes($0) } ?? .null, .integer(row.revision)]
                }
                try connection.execute(
                    "INSERT INTO nacos_store_records (kind, key, value, revision) VALUES \(values.joined(separator: ", ")) ON CONFLICT (kind, key) DO UPDATE SET value = EXCLUDED.value, revision = EXCLUDED.revision",
                    parameters
                )
                start += chunk.count
            }
            try connection.execute("SELECT pg_notify('nacos_store_changes', $1)", [.text(String(last))])
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        do throws(NacosStoreError) {
            try connection.execute("COMMIT")
        } catch {
            throw NacosStoreError(.unavailable, "the outcome of the commit is unknown (the feed delivers it if it was written): \(error.message)")
        }
        return last
    }

    // MARK: - The feed

    /// Reads every record above the applied revision and delivers it, in revision order; resumes the
    /// commits now applied.
    private func catchUp(on connection: PostgresConnection) throws(NacosStoreError) {
        self.delivery.lock()
        defer { self.delivery.unlock() }
        let (from, sink) = self.state.withLock { ($0.applied, $0.sink) }
        var changes: [NacosStoreChange] = []
        try connection.execute(
            "SELECT revision, kind, key, value FROM nacos_store_records WHERE revision > $1 ORDER BY revision",
            [.integer(from)]
        ) { row in
            let key = NacosStoreKey(kind: row.text(1), key: row.text(2))
            changes.append(NacosStoreChange(revision: row.integer(0), mutation: NacosStoreMutation(key: key, value: row.isNull(3) ? nil : row.bytes(3))))
        }
        // A revision whose records were all overwritten since counts as applied with the later one.
        let applied = changes.last?.revision ?? from
        if !changes.isEmpty { sink?(changes) }
        let ready = self.state.withLock { state -> [Waiter] in
            state.applied = max(state.applied, applied)
            state.metrics.appliedRevision = state.applied
            let ready = state.waiting.filter { $0.revision <= state.applied }
            state.waiting.removeAll { $0.revision <= state.applied }
            return ready
        }
        self.finish(ready.map { ($0.enqueued, $0.continuation, $0.revision) })
    }

    private func finish(_ done: [(ContinuousClock.Instant, CheckedContinuation<Result<Int64, NacosStoreError>, Never>, Int64)]) {
        guard !done.isEmpty else { return }
        let now = ContinuousClock.now
        self.state.withLock { state in
            for (enqueued, _, _) in done {
                let elapsed = now - enqueued
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                state.metrics.commits += 1
                state.metrics.commitSecondsSum += seconds
                state.metrics.commitSecondsMax = max(state.metrics.commitSecondsMax, seconds)
            }
        }
        for (_, continuation, revision) in done { continuation.resume(returning: .success(revision)) }
    }
}
