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
enum StoreConformance {
    /// Every check, in order; each expects an empty store and records an issue on failure.
    static let checks: [@Sendable (StoreUnderTest) async throws -> Void] = [
        Self.emptyOpen,
        Self.commitsReadBackAndDeletes,
        Self.feedDeliversInOrderOnlyAfterItsRevision,
        Self.concurrentCommitsAreAllDeliveredOnceInOrder,
        Self.largeValuesAndUnicodeKeysRoundTrip,
        Self.aClosedStoreRefusesCommits,
    ]

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

    static func emptyOpen(_ subject: StoreUnderTest) async throws {
        let store = try await subject.make()
        let snapshot = try await store.open()
        #expect(snapshot.records.isEmpty, "\(subject)")
        #expect(snapshot.revision == 0, "\(subject)")
        await store.close()
    }

    static func commitsReadBackAndDeletes(_ subject: StoreUnderTest) async throws {
        let store = try await subject.make()
        let opened = try await store.open()
        store.startChangeFeed(after: opened.revision) { _ in }
        let first = try await store.commit([.put("instance", "a", Array("1".utf8)), .put("instance", "b", Array("2".utf8))])
        let second = try await store.commit([.delete("instance", "a"), .put("namespace", "dev", Array("{}".utf8)), .delete("instance", "never")])
        #expect(second > first, "\(subject)")
        let (reopened, snapshot) = try await Self.reread(store, subject)
        #expect(snapshot.revision == second, "\(subject)")
        #expect(
            snapshot.records == [NacosStoreKey(kind: "instance", key: "b"): Array("2".utf8), NacosStoreKey(kind: "namespace", key: "dev"): Array("{}".utf8)],
            "\(subject)"
        )
        #expect(snapshot.records(ofKind: "instance") == ["b": Array("2".utf8)])
        await reopened.close()
    }

    static func feedDeliversInOrderOnlyAfterItsRevision(_ subject: StoreUnderTest) async throws {
        let store = try await subject.make()
        let opened = try await store.open()
        let seen = ChangeLog()
        store.startChangeFeed(after: opened.revision) { seen.append($0) }
        let one = try await store.commit([.put("k", "1", [1])])
        // The commit returned: its change has been delivered already.
        #expect(seen.revisions == [one], "\(subject)")
        let two = try await store.commit([.put("k", "2", [2]), .delete("k", "1")])
        #expect(seen.revisions == [one, two, two], "\(subject)")
        #expect(seen.changes.last?.mutation == .delete("k", "1"), "\(subject)")
        let (reopened, snapshot) = try await Self.reread(store, subject)
        let later = ChangeLog()
        reopened.startChangeFeed(after: snapshot.revision) { later.append($0) }
        let three = try await reopened.commit([.put("k", "3", [3])])
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
                group.addTask { try await store.commit([.put("instance", "i\(index)", Array("v\(index)".utf8))]) }
            }
            var revisions: [Int64] = []
            for try await revision in group { revisions.append(revision) }
            return revisions
        }
        #expect(Set(revisions).count == count, "\(subject): every commit has its own revision")
        let delivered = seen.revisions
        #expect(delivered.count == count, "\(subject)")
        #expect(delivered == delivered.sorted(), "\(subject): the feed is in revision order")
        #expect(Set(delivered) == Set(revisions), "\(subject)")
        let (reopened, snapshot) = try await Self.reread(store, subject)
        #expect(snapshot.records.count == count, "\(subject)")
        #expect(snapshot.records[NacosStoreKey(kind: "instance", key: "i7")] == Array("v7".utf8), "\(subject)")
        await reopened.close()
    }

    static func largeValuesAndUnicodeKeysRoundTrip(_ subject: StoreUnderTest) async throws {
        let store = try await subject.make()
        let opened = try await store.open()
        store.startChangeFeed(after: opened.revision) { _ in }
        let large = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let key = "[\"命名空间\",\"grüppe\",\"サービス\",\"🙂:80\"]"
        try await store.commit([.put("instance", key, large), .put("empty", "", [])])
        let (reopened, snapshot) = try await Self.reread(store, subject)
        #expect(snapshot.records[NacosStoreKey(kind: "instance", key: key)] == large, "\(subject)")
        #expect(snapshot.records[NacosStoreKey(kind: "empty", key: "")] == [], "\(subject)")
        await reopened.close()
    }

    static func aClosedStoreRefusesCommits(_ subject: StoreUnderTest) async throws {
        let store = try await subject.make()
        _ = try await store.open()
        await store.close()
        #expect(!store.health.isAvailable, "\(subject)")
        do throws(NacosStoreError) {
            try await store.commit([.put("k", "v", [1])])
            Issue.record("\(subject): a closed store took a commit")
        } catch {
            #expect(error.code == .closed, "\(subject)")
        }
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
