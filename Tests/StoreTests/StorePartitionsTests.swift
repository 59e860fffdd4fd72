import NacosStore
import Synchronization
import Testing

@Suite("Store partitions")
struct StorePartitionsTests {
    /// The naming kinds (partition 0) and the auth kinds (partition 1) of these tests.
    static let naming: Set<String> = ["instance", "service"]
    static let auth: Set<String> = ["user", "role"]

    /// A memory store under two partitions, naming's and auth's.
    private static func make() -> (NacosMemoryStore, NacosStorePartitions, any NacosStore, any NacosStore) {
        let base = NacosMemoryStore()
        let partitions = NacosStorePartitions(base: base, partitions: [Self.naming, Self.auth])
        return (base, partitions, partitions.partition(0), partitions.partition(1))
    }

    @Test func theSnapshotIsSplitByKindAndUnownedRecordsAreCountedOnly() async throws {
        let (base, partitions, naming, auth) = Self.make()
        try await base.commit([.put("instance", "a", [1]), .put("service", "s", [2])])
        try await base.commit([.put("user", "nacos", [3]), .put("role", "admin", [4])])
        try await base.commit([.put("future", "x", [5]), .put("future", "y", [6]), .put("instance", "b", [7])])
        let namingSnapshot = try await naming.open()
        let authSnapshot = try await auth.open()
        #expect(namingSnapshot.revision == 3)
        #expect(authSnapshot.revision == 3)
        #expect(
            namingSnapshot.records == [
                NacosStoreKey(kind: "instance", key: "a"): [1], NacosStoreKey(kind: "service", key: "s"): [2],
                NacosStoreKey(kind: "instance", key: "b"): [7],
            ]
        )
        #expect(authSnapshot.records == [NacosStoreKey(kind: "user", key: "nacos"): [3], NacosStoreKey(kind: "role", key: "admin"): [4]])
        #expect(partitions.unownedRecordCount == 2)
        #expect(naming.kind == "memory")
        #expect(!naming.isShared)
        #expect(naming.health.isAvailable)
    }

    @Test func twoViewsOpeningConcurrentlyOpenTheBaseOnce() async throws {
        let base = CountingStore()
        try await base.inner.commit([.put("instance", "a", [1]), .put("user", "u", [2])])
        let partitions = NacosStorePartitions(base: base, partitions: [Self.naming, Self.auth])
        let naming = partitions.partition(0)
        let auth = partitions.partition(1)
        async let first = naming.open()
        async let second = auth.open()
        let (namingSnapshot, authSnapshot) = try await (first, second)
        #expect(base.opens == 1)
        #expect(base.feedStarts == [1], "the base feed starts once, after the snapshot's revision")
        #expect(namingSnapshot.revision == 1 && authSnapshot.revision == 1)
        #expect(namingSnapshot.records.keys.map(\.kind) == ["instance"])
        #expect(authSnapshot.records.keys.map(\.kind) == ["user"])
        // A view opened again opens the base again (as a store opened twice), seeing the newest records.
        naming.startChangeFeed(after: namingSnapshot.revision) { _ in }
        try await naming.commit([.put("instance", "b", [3])])
        let again = try await naming.open()
        #expect(base.opens == 2)
        #expect(again.revision == 2 && again.records.count == 2)
        #expect(base.feedStarts == [1])
    }

    @Test func eachViewSeesOnlyItsChangesInOrderAndNoneIsLostBeforeItRegisters() async throws {
        let (base, partitions, naming, auth) = Self.make()
        let opened = try await naming.open()
        #expect(try await auth.open().revision == opened.revision)
        // Committed after the open, before either view registered.
        let r1 = try await naming.commit([.put("instance", "a", [1])])
        let r2 = try await auth.commit([.put("user", "u", [2])])
        let namingSeen = ChangeLog()
        let authSeen = ChangeLog()
        naming.startChangeFeed(after: opened.revision) { namingSeen.append($0) }
        #expect(namingSeen.changes == [NacosStoreChange(revision: r1, mutation: .put("instance", "a", [1]))])
        // Committed between the two registrations: naming sees its own at once, auth's share is kept.
        let r3 = try await naming.commit([.put("service", "s", [3]), .delete("instance", "a")])
        #expect(namingSeen.revisions == [r1, r3, r3])
        let r4 = try await auth.commit([.put("role", "admin", [4])])
        #expect(namingSeen.revisions == [r1, r3, r3], "a view whose share is empty is not called")
        #expect(authSeen.changes.isEmpty)
        auth.startChangeFeed(after: opened.revision) { authSeen.append($0) }
        #expect(authSeen.changes == [NacosStoreChange(revision: r2, mutation: .put("user", "u", [2])), NacosStoreChange(revision: r4, mutation: .put("role", "admin", [4]))])
        // A commit of another node on a shared store, mixing both partitions' kinds and a newer binary's.
        let r5 = try await base.commit([.put("user", "v", [5]), .put("instance", "b", [6]), .put("future", "z", [7]), .delete("user", "u")])
        #expect(namingSeen.changes.suffix(1) == [NacosStoreChange(revision: r5, mutation: .put("instance", "b", [6]))])
        #expect(authSeen.changes.suffix(2) == [NacosStoreChange(revision: r5, mutation: .put("user", "v", [5])), NacosStoreChange(revision: r5, mutation: .delete("user", "u"))])
        #expect(partitions.unownedChangeCount == 1)
        #expect(namingSeen.revisions == [r1, r3, r3, r5])
        #expect(authSeen.revisions == [r2, r4, r5, r5])
        #expect(namingSeen.changes.allSatisfy { Self.naming.contains($0.mutation.key.kind) })
        #expect(authSeen.changes.allSatisfy { Self.auth.contains($0.mutation.key.kind) })
    }

    @Test func aViewStartingAfterALaterRevisionDropsTheOlderChanges() async throws {
        let (_, _, naming, auth) = Self.make()
        let opened = try await naming.open()
        _ = try await auth.open()
        try await auth.commit([.put("user", "old", [1])])
        let r2 = try await auth.commit([.put("user", "mid", [2])])
        let namingSeen = ChangeLog()
        let authSeen = ChangeLog()
        naming.startChangeFeed(after: opened.revision) { namingSeen.append($0) }
        auth.startChangeFeed(after: r2) { authSeen.append($0) }
        #expect(authSeen.changes.isEmpty)
        let r3 = try await auth.commit([.put("user", "new", [3])])
        #expect(authSeen.revisions == [r3])
        #expect(namingSeen.changes.isEmpty)
    }

    @Test func aCommitOfAnotherPartitionsKindThrowsAndChangesNothing() async throws {
        let (base, _, naming, auth) = Self.make()
        let opened = try await naming.open()
        _ = try await auth.open()
        let namingSeen = ChangeLog()
        let authSeen = ChangeLog()
        naming.startChangeFeed(after: opened.revision) { namingSeen.append($0) }
        auth.startChangeFeed(after: opened.revision) { authSeen.append($0) }
        for mutations in [[NacosStoreMutation.put("user", "u", [1])], [.put("instance", "a", [1]), .put("role", "r", [2])], [.put("future", "x", [3])]] {
            do throws(NacosStoreError) {
                try await naming.commit(mutations)
                Issue.record("the naming view wrote \(mutations)")
            } catch {
                #expect(error.code == .invalidConfiguration, "\(error)")
                #expect(error.message.contains("\"\(mutations.last!.key.kind)\""), "\(error)")
            }
        }
        let snapshot = try await base.open()
        #expect(snapshot.revision == opened.revision)
        #expect(snapshot.records.isEmpty)
        #expect(namingSeen.changes.isEmpty && authSeen.changes.isEmpty)
    }

    @Test func aCommitReturnsAfterTheViewsOwnSinkSawIt() async throws {
        let (_, _, naming, auth) = Self.make()
        let opened = try await naming.open()
        _ = try await auth.open()
        let seen = SeenKeys()
        naming.startChangeFeed(after: opened.revision) { changes in seen.insert(changes.map(\.mutation.key.key)) }
        auth.startChangeFeed(after: opened.revision) { changes in seen.insert(changes.map(\.mutation.key.key)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<100 {
                group.addTask {
                    let view = index.isMultiple(of: 2) ? naming : auth
                    let key = "k\(index)"
                    try await view.commit([.put(index.isMultiple(of: 2) ? "instance" : "user", key, [])])
                    #expect(seen.contains(key), "the commit of \(key) returned before its sink saw it")
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func closingOneViewLeavesTheOtherWorkingAndClosingBothClosesTheBase() async throws {
        let (base, _, naming, auth) = Self.make()
        let opened = try await naming.open()
        _ = try await auth.open()
        let namingSeen = ChangeLog()
        let authSeen = ChangeLog()
        naming.startChangeFeed(after: opened.revision) { namingSeen.append($0) }
        auth.startChangeFeed(after: opened.revision) { authSeen.append($0) }
        await naming.close()
        #expect(!naming.health.isAvailable)
        await #expect(throws: NacosStoreError(.closed, "the partition 0 (instance, service) of the memory store is closed")) {
            try await naming.commit([.put("instance", "a", [1])])
        }
        // The base and the auth view still work; the closed view's sink is not called.
        #expect(auth.health.isAvailable)
        let r1 = try await auth.commit([.put("user", "u", [1])])
        try await base.commit([.put("instance", "b", [2]), .put("role", "r", [3])])
        #expect(authSeen.revisions == [r1, r1 + 1])
        #expect(namingSeen.changes.isEmpty)
        await auth.close()
        do throws(NacosStoreError) {
            try await base.commit([.put("user", "v", [4])])
            Issue.record("the base took a commit after both views closed")
        } catch {
            #expect(error.code == .closed)
        }
        #expect(!base.health.isAvailable)
    }

    @Test func closingThePartitionsClosesEveryViewAndTheBaseOnce() async throws {
        let base = CountingStore()
        let partitions = NacosStorePartitions(base: base, partitions: [Self.naming, Self.auth])
        let naming = partitions.partition(0)
        let auth = partitions.partition(1)
        let opened = try await naming.open()
        auth.startChangeFeed(after: opened.revision) { _ in Issue.record("a closed view's sink was called") }
        await partitions.close()
        await partitions.close()
        await naming.close()
        #expect(base.closes == 1)
        for view in [naming, auth] {
            do throws(NacosStoreError) {
                try await view.commit([])
                Issue.record("a closed view took a commit")
            } catch {
                #expect(error.code == .closed)
            }
            await #expect(throws: NacosStoreError.self) { try await view.open() }
        }
    }

    @Test func aViewRefusesCommitsBeforeTheBaseOpened() async throws {
        let (base, _, naming, _) = Self.make()
        do throws(NacosStoreError) {
            try await naming.commit([.put("instance", "a", [1])])
            Issue.record("a view took a commit before the base opened")
        } catch {
            #expect(error.code == .unavailable)
        }
        #expect(try await base.open().revision == 0)
    }

    @Test func aFailedOpenIsTriedAgain() async throws {
        let base = CountingStore()
        base.failNextOpen.withLock { $0 = true }
        let partitions = NacosStorePartitions(base: base, partitions: [Self.naming, Self.auth])
        await #expect(throws: NacosStoreError.self) { try await partitions.partition(0).open() }
        #expect(try await partitions.partition(1).open().revision == 0)
        #expect(try await partitions.partition(0).open().revision == 0)
        #expect(base.opens == 2)
        #expect(base.feedStarts == [0])
    }

    @Test func aViewConformsToTheStoreContract() async throws {
        let conformanceKinds: Set<String> = [
            "rw.instance", "rw.namespace", "feed.k", "many.instance", "atomic.instance", "replay.x", "replay.y", "large.instance",
            "large.empty", "large.ключ", "closed.k",
        ]
        try await StoreConformance.runAll(
            StoreUnderTest(
                name: "partition of memory",
                make: { NacosStorePartitions(base: NacosMemoryStore(), partitions: [conformanceKinds, Self.auth]).partition(0) },
                isDurable: false
            )
        )
    }
}

/// The keys a sink saw, as the flags a registry's memory would hold.
private final class SeenKeys: Sendable {
    private let keys = Mutex<Set<String>>([])

    func insert(_ keys: [String]) { self.keys.withLock { $0.formUnion(keys) } }

    func contains(_ key: String) -> Bool { self.keys.withLock { $0.contains(key) } }
}

/// A memory store that counts its opens, feed starts and closes, and opens slowly so that opens overlap.
private final class CountingStore: NacosStore {
    let inner = NacosMemoryStore()
    private let counts = Mutex<(opens: Int, feedStarts: [Int64], closes: Int)>((0, [], 0))
    /// Whether the next open fails with `.unavailable`.
    let failNextOpen = Mutex(false)

    var opens: Int { self.counts.withLock { $0.opens } }
    var feedStarts: [Int64] { self.counts.withLock { $0.feedStarts } }
    var closes: Int { self.counts.withLock { $0.closes } }

    var kind: String { "counting" }

    func open() async throws(NacosStoreError) -> NacosStoreSnapshot {
        self.counts.withLock { $0.opens += 1 }
        try? await Task.sleep(for: .milliseconds(50))
        if self.failNextOpen.withLock({ (fail: inout Bool) -> Bool in
            defer { fail = false }
            return fail
        }) { throw NacosStoreError(.unavailable, "down") }
        return try await self.inner.open()
    }

    func startChangeFeed(after revision: Int64, _ sink: @escaping @Sendable ([NacosStoreChange]) -> Void) {
        self.counts.withLock { $0.feedStarts.append(revision) }
        self.inner.startChangeFeed(after: revision, sink)
    }

    func commit(_ mutations: [NacosStoreMutation]) async throws(NacosStoreError) -> Int64 { try await self.inner.commit(mutations) }

    var health: NacosStoreHealth { self.inner.health }

    var metrics: NacosStoreMetrics { self.inner.metrics }

    func close() async {
        self.counts.withLock { $0.closes += 1 }
        await self.inner.close()
    }
}
