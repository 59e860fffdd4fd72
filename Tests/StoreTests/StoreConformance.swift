import NacosStore
import Synchronization
import Testing

/// A store under test: how to make a new instance over this test's data.
struct StoreUnderTest: Sendable, CustomStringConvertible {
    /// The store's name in test output.
    let name: String
    /// A new store instance; for durable stores, a second call opens the same data again (after the first
    /// was closed).
    let make: @Sendable () async throws -> any NacosStore
    /// Whether data outlives the instance.
    let isDurable: Bool

    var description: String { self.name }
}

/// The behaviour every `NacosStore` shares, as one body of checks run against each store.
///
/// Every check writes kinds of its own (`<check>.…`) and compares only those, with revisions relative to
/// the revision it opened at, so the checks can share one store's data; only `emptyOpen` needs it empty.
enum StoreConformance {
    /// Every check, in order; each throws or records an issue on failure.
    static let checks: [@Sendable (StoreUnderTest) async throws -> Void] = [
        Self.emptyOpen,
        Self.commitsReadBackAndDeletes,
        Self.feedDeliversInOrderOnlyAfterItsRevision,
        Self.concurrentCommitsAreAllDeliveredOnceInOrder,
        Self.aCommitOfManyMutationsIsAtomic,
        Self.rereadEqualsWhatTheFeedDelivered,
        Self.largeValuesAndUnicodeKeysRoundTrip,
        Self.aClosedStoreRefusesCommits,
    ]

    /// Runs every check, in order, on `subject`: the checks share its data, which must start empty.
    static func runAll(_ subject: StoreUnderTest) async throws {
        for check in Self.checks {
            try await check(subject)
        }
    }

    /// Runs every check on `subject(index)`, a store over empty data of its own for each check.
    static func runAll(_ subject: (Int) async throws -> StoreUnderTest) async throws {
        for (index, check) in Self.checks.enumerated() {
            try await check(try await subject(index))
        }
    }

    /// A store's contents after the writes so far: reopened for durable stores, else opened again.
    private static func reread(_ store: any NacosStore, _ subject: StoreUnderTest) async throws -> (any NacosStore, NacosStoreSnapshot) {
        guard subject.isDurable else { return (store, try await store.open()) }
        await store.close()
        let reopened = try await subject.make()
        return (reopened, try await reopened.open())
    }

    /// The records of `snapshot` whose kind starts with `prefix`.
    private static func records(_ snapshot: NacosStoreSnapshot, prefix: String) -> [NacosStoreKey: [UInt8]] {
        snapshot.records.filter { $0.key.kind.hasPrefix(prefix) }
    }

    /// `records` after the changes `changes`, applied in order.
    private static func replay(_ changes: [NacosStoreChange], onto records: [NacosStoreKey: [UInt8]]) -> [NacosStoreKey: [UInt8]] {
        var records = records
        for change in changes { records[change.mutation.key] = change.mutation.value }
        return records
    }

    static func emptyOpen(_ subject: StoreUnderTest) async throws {
        let store = try await subject.make()
        let snapshot = try await store.open()
        #expect(snapshot.records.isEmpty, "\(subject)")
        #expect(snapshot.revision == 0, "\(subject)")
        #expect(store.health.isAvailable, "\(subject): \(store.health)")
        await store.close()
    }

    static func commitsReadBackAndDeletes(_ subject: StoreUnderTest) async throws {
        let store = try await subject.make()
        let opened = try await store.open()
        store.startChangeFeed(after: opened.revision) { _ in }
        let first = try await store.commit([.put("rw.instance", "a", Array("1".utf8)), .put("rw.instance", "b", Array("2".utf8))])
        #expect(first > opened.revision, "\(subject)")
        let second = try await store.commit([
            .delete("rw.instance", "a"), .put("rw.namespace", "dev", Array("{}".utf8)), .delete("rw.instance", "never"),
        ])
        #expect(second > first, "\(subject)")
        let (reopened, snapshot) = try await Self.reread(store, subject)
        #expect(snapshot.revision == second, "\(subject)")
        #expect(
            Self.records(snapshot, prefix: "rw.")
                == [NacosStoreKey(kind: "rw.instance", key: "b"): Array("2".utf8), NacosStoreKey(kind: "rw.namespace", key: "dev"): Array("{}".utf8)],
            "\(subject)"
        )
        #expect(snapshot.records(ofKind: "rw.instance") == ["b": Array("2".utf8)], "\(subject)")
        await reopened.close()
    }

    static func feedDeliversInOrderOnlyAfterItsRevision(_ subject: StoreUnderTest) async throws {
        let store = try await subject.make()
        let opened = try await store.open()
        let seen = ChangeLog()
        store.startChangeFeed(after: opened.revision) { seen.append($0) }
        let one = try await store.commit([.put("feed.k", "1", [1])])
        // The commit returned: its change has been delivered already.
        #expect(seen.revisions == [one], "\(subject)")
        let two = try await store.commit([.put("feed.k", "2", [2]), .delete("feed.k", "1")])
        #expect(seen.revisions == [one, two, two], "\(subject)")
        #expect(seen.changes.map(\.mutation) == [.put("feed.k", "1", [1]), .put("feed.k", "2", [2]), .delete("feed.k", "1")], "\(subject)")
        #expect(store.metrics.appliedRevision == two, "\(subject)")
        let (reopened, snapshot) = try await Self.reread(store, subject)
        let later = ChangeLog()
        reopened.startChangeFeed(after: snapshot.revision) { later.append($0) }
        let three = try await reopened.commit([.put("feed.k", "3", [3])])
        #expect(three > snapshot.revision, "\(subject)")
        #expect(later.revisions == [three], "\(subject): a feed started after a revision delivers nothing older")
        await reopened.close()
    }

    static func concurrentCommitsAreAllDeliveredOnceInOrder(_ subject: StoreUnderTest) async throws {
        let store = try await subject.make()
        let opened = try await store.open()
        let seen = ChangeLog()
        store.startChangeFeed(after: opened.revision) { seen.append($0) }
        let count = 200
        let revisions = try await withThrowingTaskGroup(of: Int64.self) { group in
            for index in 0..<count {
                group.addTask { try await store.commit([.put("many.instance", "i\(index)", Array("v\(index)".utf8))]) }
            }
            var revisions: [Int64] = []
            for try await revision in group { revisions.append(revision) }
            return revisions
        }
        #expect(Set(revisions).count == count, "\(subject): every commit has its own revision")
        let delivered = seen.revisions
        #expect(delivered.count == count, "\(subject): every commit is delivered once")
        #expect(delivered == delivered.sorted(), "\(subject): the feed is in revision order")
        #expect(Set(delivered) == Set(revisions), "\(subject)")
        let (reopened, snapshot) = try await Self.reread(store, subject)
        #expect(snapshot.revision == revisions.max(), "\(subject)")
        let records = Self.records(snapshot, prefix: "many.")
        #expect(records.count == count, "\(subject)")
        for index in 0..<count where records[NacosStoreKey(kind: "many.instance", key: "i\(index)")] != Array("v\(index)".utf8) {
            Issue.record("\(subject): many.instance/i\(index) is \(String(describing: records[NacosStoreKey(kind: "many.instance", key: "i\(index)")]))")
        }
        await reopened.close()
    }

    static func aCommitOfManyMutationsIsAtomic(_ subject: StoreUnderTest) async throws {
        let store = try await subject.make()
        let opened = try await store.open()
        let seen = ChangeLog()
        store.startChangeFeed(after: opened.revision) { seen.append($0) }
        try await store.commit([.put("atomic.instance", "old", [0])])
        let before = seen.changes.count
        // 1,000 writes in one commit; two of its keys are written twice, and the last write wins.
        var mutations = (0..<1_000).map { NacosStoreMutation.put("atomic.instance", "k\($0)", Array("\($0)".utf8)) }
        mutations += [.delete("atomic.instance", "k0"), .put("atomic.instance", "k1", Array("again".utf8)), .delete("atomic.instance", "old")]
        let revision = try await store.commit(mutations)
        let changes = Array(seen.changes.dropFirst(before))
        #expect(Set(changes.map(\.revision)) == [revision], "\(subject): one commit's mutations share one revision")
        var expected: [NacosStoreKey: [UInt8]] = [:]
        for index in 2..<1_000 { expected[NacosStoreKey(kind: "atomic.instance", key: "k\(index)")] = Array("\(index)".utf8) }
        expected[NacosStoreKey(kind: "atomic.instance", key: "k1")] = Array("again".utf8)
        let beforeCommit = [NacosStoreKey(kind: "atomic.instance", key: "old"): [UInt8(0)]]
        #expect(Self.replay(changes, onto: beforeCommit) == expected, "\(subject): the feed replays to the commit's result")
        let (reopened, snapshot) = try await Self.reread(store, subject)
        #expect(snapshot.revision == revision, "\(subject)")
        #expect(Self.records(snapshot, prefix: "atomic.") == expected, "\(subject)")
        await reopened.close()
    }

    static func rereadEqualsWhatTheFeedDelivered(_ subject: StoreUnderTest) async throws {
        let store = try await subject.make()
        let opened = try await store.open()
        let seen = ChangeLog()
        store.startChangeFeed(after: opened.revision) { seen.append($0) }
        // Concurrent puts and deletes over a few keys: the result depends on the order the store chose,
        // which the feed must report.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<150 {
                group.addTask {
                    let key = "k\(index % 11)"
                    var mutations: [NacosStoreMutation] = [index % 4 == 0 ? .delete("replay.x", key) : .put("replay.x", key, Array("\(index)".utf8))]
                    if index % 3 == 0 { mutations.append(.put("replay.y", "k\(index % 7)", [UInt8(index)])) }
                    try await store.commit(mutations)
                }
            }
            try await group.waitForAll()
        }
        let changes = seen.changes
        #expect(changes.map(\.revision) == changes.map(\.revision).sorted(), "\(subject)")
        let replayed = Self.replay(changes, onto: Self.records(opened, prefix: "replay."))
        let (reopened, snapshot) = try await Self.reread(store, subject)
        #expect(snapshot.revision == changes.last?.revision, "\(subject)")
        #expect(Self.records(snapshot, prefix: "replay.") == replayed, "\(subject): the data read back is what the feed delivered")
        await reopened.close()
    }

    static func largeValuesAndUnicodeKeysRoundTrip(_ subject: StoreUnderTest) async throws {
        let store = try await subject.make()
        let opened = try await store.open()
        let seen = ChangeLog()
        store.startChangeFeed(after: opened.revision) { seen.append($0) }
        let large = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ ($0 >> 8)) }
        let key = "[\"命名空间\",\"grüppe\",\"サービス\",\"🙂:80\",\"e\u{301}\"]"
        try await store.commit([.put("large.instance", key, large), .put("large.empty", "", []), .put("large.ключ", "ǅ", [0, 0xFF])])
        #expect(seen.changes.first?.mutation == .put("large.instance", key, large), "\(subject)")
        let (reopened, snapshot) = try await Self.reread(store, subject)
        #expect(snapshot.records[NacosStoreKey(kind: "large.instance", key: key)] == large, "\(subject)")
        #expect(snapshot.records[NacosStoreKey(kind: "large.empty", key: "")] == [], "\(subject)")
        #expect(snapshot.records[NacosStoreKey(kind: "large.ключ", key: "ǅ")] == [0, 0xFF], "\(subject)")
        #expect(Self.records(snapshot, prefix: "large.").count == 3, "\(subject)")
        await reopened.close()
    }

    static func aClosedStoreRefusesCommits(_ subject: StoreUnderTest) async throws {
        let store = try await subject.make()
        let opened = try await store.open()
        store.startChangeFeed(after: opened.revision) { _ in }
        await store.close()
        #expect(!store.health.isAvailable, "\(subject)")
        do throws(NacosStoreError) {
            try await store.commit([.put("closed.k", "v", [1])])
            Issue.record("\(subject): a closed store took a commit")
        } catch {
            #expect(error.code == .closed, "\(subject): \(error)")
        }
        // Closing twice is harmless.
        await store.close()
    }
}

/// The changes a feed delivered.
final class ChangeLog: Sendable {
    private let log = Mutex<[NacosStoreChange]>([])

    /// Adds a delivered batch.
    func append(_ changes: [NacosStoreChange]) { self.log.withLock { $0 += changes } }

    /// Every change so far.
    var changes: [NacosStoreChange] { self.log.withLock { $0 } }

    /// The revision of every change so far.
    var revisions: [Int64] { self.changes.map(\.revision) }
}
