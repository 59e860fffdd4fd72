import Foundation
@testable import NacosSQLite
import NacosStore
import NacosTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The SQLite store: the shared contract, grouped commits, failed transactions, every migration path, the
/// file lock, and clear errors for files it must not use.
@Suite("SQLite store")
struct SQLiteStoreTests {
    /// A fresh directory for one test, removed afterwards (also when the test throws).
    private static func withDirectory<R>(_ body: (String) async throws -> R) async throws -> R {
        let directory = "\(FileManager.default.temporaryDirectory.path)/nacos-sqlite-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer {
            // A test that made a directory read-only gives it back first.
            _ = chmod(directory, 0o755)
            try? FileManager.default.removeItem(atPath: directory)
        }
        return try await body(directory)
    }

    private static func store(
        _ path: String,
        maxPendingCommits: Int = 10_000,
        maxCommitsPerTransaction: Int = 1_000,
        busyTimeout: Duration = .seconds(5)
    ) -> NacosSQLiteStore {
        NacosSQLiteStore(
            configuration: NacosSQLiteConfiguration(
                path: path,
                maxPendingCommits: maxPendingCommits,
                maxCommitsPerTransaction: maxCommitsPerTransaction,
                busyTimeout: busyTimeout
            )
        )
    }

    /// The error `body` throws, or an issue when it throws none.
    private static func failure(_ what: String, _ body: () async throws -> Void) async -> NacosStoreError? {
        do {
            try await body()
            Issue.record("\(what) did not fail")
            return nil
        } catch let error as NacosStoreError {
            return error
        } catch {
            Issue.record("\(what) threw \(error), not a NacosStoreError")
            return nil
        }
    }

    /// `[1, 2, …, count]`: the revisions of the first `count` commits of an empty file (none for 0).
    private static func revisions(through count: Int) -> [Int64] {
        (0..<count).map { Int64($0) + 1 }
    }

    /// Whether this process could take the file lock of `path` now (then releases it at once).
    private static func lockIsFree(_ path: String) -> Bool {
        let descriptor = Glibc.open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return false }
        defer { Glibc.close(descriptor) }
        return flock(descriptor, LOCK_EX | LOCK_NB) == 0
    }

    /// A connection of the test's own that holds the file's write lock until `release()`.
    private final class WriteLockHolder {
        private let database: SQLiteDatabase

        init(_ path: String) throws {
            self.database = try SQLiteDatabase(path: path, busyTimeout: .seconds(5))
            try self.database.execute("BEGIN IMMEDIATE")
        }

        func release() throws {
            try self.database.execute("ROLLBACK")
            self.database.close()
        }
    }

    @Test func conformsToTheStoreContract() async throws {
        try await Self.withDirectory { directory in
            // All checks over one file, reopened by every check.
            let path = "\(directory)/nested/dirs/naming.db"
            try await StoreConformance.runAll(StoreUnderTest(name: "sqlite", make: { Self.store(path) }, isDurable: true))
        }
    }

    @Test func concurrentCommitsShareTransactions() async throws {
        try await Self.withDirectory { directory in
            let path = "\(directory)/naming.db"
            let store = Self.store(path)
            store.startChangeFeed(after: try await store.open().revision) { _ in }
            let revisions = try await withThrowingTaskGroup(of: Int64.self) { group in
                for index in 0..<500 {
                    group.addTask { try await store.commit([.put("instance", "i\(index)", [UInt8(index % 256)])]) }
                }
                var revisions: [Int64] = []
                for try await revision in group { revisions.append(revision) }
                return revisions
            }
            #expect(revisions.sorted() == Array(1...500), "each commit gets the next revision")
            let metrics = store.metrics
            #expect(metrics.commits == 500)
            #expect(metrics.failedCommits == 0)
            #expect(metrics.transactions < metrics.commits, "\(metrics.transactions) transactions for \(metrics.commits) commits: nothing was grouped")
            #expect(metrics.appliedRevision == 500)
            #expect(metrics.queueDepth == 0)
            #expect(metrics.commitSecondsSum > 0 && metrics.commitSecondsMax > 0 && metrics.commitSecondsMax <= metrics.commitSecondsSum)
            #expect(store.health == NacosStoreHealth(isAvailable: true, detail: path))
            await store.close()
        }
    }

    @Test func everyEarlierSchemaVersionIsMigratedKeepingItsRecords() async throws {
        try await Self.withDirectory { directory in
            for version in 1..<SQLiteSchema.currentVersion {
                let path = "\(directory)/v\(version).db"
                try SQLiteSchema.createSchema(atPath: path, upToVersion: version)
                #expect(try SQLiteSchema.integer("PRAGMA user_version", atPath: path) == version)
                // Rows as a binary of that version wrote them (version 1 had no revision column).
                try SQLiteSchema.execute(
                    "INSERT INTO nacos_records (kind, key, value) VALUES ('namespace', 'dev', X'7B7D'), ('instance', '[\"public\",\"g\",\"s\"]', X'00FF')",
                    atPath: path
                )
                let store = Self.store(path)
                let snapshot = try await store.open()
                #expect(
                    snapshot.records == [
                        NacosStoreKey(kind: "namespace", key: "dev"): Array("{}".utf8),
                        NacosStoreKey(kind: "instance", key: "[\"public\",\"g\",\"s\"]"): [0x00, 0xFF],
                    ],
                    "from version \(version)"
                )
                #expect(snapshot.revision == 0, "from version \(version)")
                store.startChangeFeed(after: snapshot.revision) { _ in }
                let revision = try await store.commit([.put("namespace", "prod", Array("{}".utf8)), .delete("instance", "[\"public\",\"g\",\"s\"]")])
                #expect(revision == snapshot.revision + 1)
                await store.close()
                #expect(try SQLiteSchema.integer("PRAGMA user_version", atPath: path) == SQLiteSchema.currentVersion)
                let reopened = Self.store(path)
                let again = try await reopened.open()
                #expect(again.revision == revision, "from version \(version)")
                #expect(Set(again.records.keys) == [NacosStoreKey(kind: "namespace", key: "dev"), NacosStoreKey(kind: "namespace", key: "prod")])
                await reopened.close()
            }
        }
    }

    @Test func aMigrationThatFailsLeavesTheFileAtItsVersion() async throws {
        try await Self.withDirectory { directory in
            let path = "\(directory)/naming.db"
            try SQLiteSchema.createSchema(atPath: path, upToVersion: 1)
            try SQLiteSchema.execute("INSERT INTO nacos_records (kind, key, value) VALUES ('namespace', 'dev', X'7B7D')", atPath: path)
            // Version 2 creates this index; an object of that name already there makes its step fail.
            try SQLiteSchema.execute("CREATE TABLE nacos_records_revision (x)", atPath: path)
            let store = Self.store(path)
            let error = await Self.failure("the migration") { _ = try await store.open() }
            #expect(error?.message.contains("from schema version 1 to 2") == true, "\(String(describing: error))")
            #expect(error?.message.contains(path) == true)
            await store.close()
            // The transaction rolled the whole step back: still version 1, no revision column, the row kept.
            #expect(try SQLiteSchema.integer("PRAGMA user_version", atPath: path) == 1)
            #expect(try SQLiteSchema.integer("SELECT count(*) FROM pragma_table_info('nacos_records') WHERE name = 'revision'", atPath: path) == 0)
            #expect(try SQLiteSchema.integer("SELECT count(*) FROM nacos_records", atPath: path) == 1)
            #expect(Self.lockIsFree(path), "a failed open released the lock")
        }
    }

    @Test func aFileOfANewerBinaryIsRefused() async throws {
        try await Self.withDirectory { directory in
            let path = "\(directory)/naming.db"
            let newer = SQLiteSchema.currentVersion + 1
            try SQLiteSchema.createSchema(atPath: path, upToVersion: SQLiteSchema.currentVersion)
            try SQLiteSchema.execute("PRAGMA user_version = \(newer)", atPath: path)
            let store = Self.store(path)
            let error = await Self.failure("opening a newer schema") { _ = try await store.open() }
            #expect(error?.code == .schemaTooNew)
            let message = error?.message ?? ""
            #expect(message.contains(path) && message.contains("version \(newer)") && message.contains("up to \(SQLiteSchema.currentVersion)"), "\(message)")
            await store.close()
            #expect(try SQLiteSchema.integer("PRAGMA user_version", atPath: path) == newer, "the file is left as it was")
        }
    }

    @Test func aFileThatIsNoDatabaseIsCorruptNotACrash() async throws {
        try await Self.withDirectory { directory in
            let path = "\(directory)/naming.db"
            let garbage = (0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }
            #expect(FileManager.default.createFile(atPath: path, contents: Data(garbage)))
            let store = Self.store(path)
            let error = await Self.failure("opening a garbage file") { _ = try await store.open() }
            #expect(error?.code == .corrupt, "\(String(describing: error))")
            #expect(error?.message.contains(path) == true)
            #expect(FileManager.default.contents(atPath: path) == Data(garbage), "the file is left as it was")
            await store.close()
        }
    }

    @Test func aPathThatCannotBeADatabaseFileIsAClearError() async throws {
        try await Self.withDirectory { directory in
            let directoryAsPath = "\(directory)/a-directory"
            try FileManager.default.createDirectory(atPath: directoryAsPath, withIntermediateDirectories: false)
            let onDirectory = Self.store(directoryAsPath)
            let error = await Self.failure("opening a directory") { _ = try await onDirectory.open() }
            #expect(error?.code == .unavailable, "\(String(describing: error))")
            #expect(error?.message.contains(directoryAsPath) == true && error?.message.contains("unable to open") == true, "\(String(describing: error))")
            await onDirectory.close()

            #expect(FileManager.default.createFile(atPath: "\(directory)/a-file", contents: Data([1])))
            let underAFile = Self.store("\(directory)/a-file/naming.db")
            let underError = await Self.failure("opening a file under a regular file") { _ = try await underAFile.open() }
            #expect(underError?.code == .unavailable)
            #expect(underError?.message.contains("\(directory)/a-file/naming.db") == true, "\(String(describing: underError))")
            await underAFile.close()

            let empty = Self.store("")
            #expect(await Self.failure("an empty path") { _ = try await empty.open() }?.code == .invalidConfiguration)
            await empty.close()
        }
    }

    @Test func aSecondStoreOrProcessIsRefusedWhileTheFirstIsOpen() async throws {
        try await Self.withDirectory { directory in
            let path = "\(directory)/naming.db"
            let first = Self.store(path)
            _ = try await first.open()
            let second = Self.store(path)
            let error = await Self.failure("a second store on one file") { _ = try await second.open() }
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains(path) == true && error?.message.contains("another process") == true, "\(String(describing: error))")
            await second.close()
            // Another process cannot take the lock either.
            let held = try ChildProcess.run("/usr/bin/env", ["flock", "--nonblock", path + ".lock", "true"])
            #expect(held.exit == .exited(1), "flock in a child process: \(held.exit) \(held.output)")
            await first.close()
            let free = try ChildProcess.run("/usr/bin/env", ["flock", "--nonblock", path + ".lock", "true"])
            #expect(free.exit == .exited(0), "flock after close: \(free.exit) \(free.output)")
            let third = Self.store(path)
            _ = try await third.open()
            await third.close()
        }
    }

    @Test func aStoreDroppedWithoutCloseReleasesItsFile() async throws {
        try await Self.withDirectory { directory in
            let path = "\(directory)/naming.db"
            do {
                let dropped = Self.store(path)
                dropped.startChangeFeed(after: try await dropped.open().revision) { _ in }
                try await dropped.commit([.put("k", "v", [1])])
                #expect(!Self.lockIsFree(path))
            }
            try await waitUntil(timeout: .seconds(10), interval: .milliseconds(10), "the dropped store to release its lock") { Self.lockIsFree(path) }
            let reopened = Self.store(path)
            #expect(try await reopened.open().records == [NacosStoreKey(kind: "k", key: "v"): [1]])
            await reopened.close()
        }
    }

    @Test func aFullQueueRefusesAtOnce() async throws {
        try await Self.withDirectory { directory in
            let path = "\(directory)/naming.db"
            let store = Self.store(path, maxPendingCommits: 1, busyTimeout: .seconds(60))
            store.startChangeFeed(after: try await store.open().revision) { _ in }
            // Another connection holds the write lock: the writer waits in its transaction's BEGIN with at
            // most one commit, and at most one more can queue behind it.
            let holder = try WriteLockHolder(path)
            let count = 64
            try await withThrowingTaskGroup(of: Result<Int64, NacosStoreError>.self) { group in
                for index in 0..<count {
                    group.addTask {
                        do throws(NacosStoreError) {
                            return .success(try await store.commit([.put("k", "\(index)", [1])]))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                try await waitUntil(timeout: .seconds(30), "the full queue to refuse the other commits") {
                    store.metrics.failedCommits >= UInt64(count - 2)
                }
                try holder.release()
                var successes: [Int64] = []
                for try await outcome in group {
                    switch outcome {
                    case .success(let revision):
                        successes.append(revision)
                    case .failure(let error):
                        #expect(error.code == .unavailable && error.message.contains("queue is full"), "\(error)")
                    }
                }
                #expect((1...2).contains(successes.count), "\(successes.count) commits passed a one-slot queue behind a busy writer")
                #expect(successes.sorted() == Self.revisions(through: successes.count))
                #expect(store.metrics.failedCommits == UInt64(count - successes.count))
            }
            #expect(store.health.isAvailable, "refusals by the queue do not make the file unhealthy")
            await store.close()
        }
    }

    @Test func aBusyFileFailsTheWholeGroupThenRecovers() async throws {
        try await Self.withDirectory { directory in
            let path = "\(directory)/naming.db"
            let store = Self.store(path, busyTimeout: .milliseconds(50))
            let seen = ChangeLog()
            store.startChangeFeed(after: try await store.open().revision) { seen.append($0) }
            try await store.commit([.put("k", "before", [1])])
            let holder = try WriteLockHolder(path)
            let errors = await withTaskGroup(of: NacosStoreError?.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        do throws(NacosStoreError) {
                            try await store.commit([.put("k", "busy\(index)", [2])])
                            return nil
                        } catch {
                            return error
                        }
                    }
                }
                var errors: [NacosStoreError?] = []
                for await error in group { errors.append(error) }
                return errors
            }
            for error in errors {
                #expect(error?.code == .unavailable && error?.message.contains("locked") == true, "\(String(describing: error))")
            }
            #expect(seen.revisions == [1], "a failed transaction delivers nothing")
            #expect(!store.health.isAvailable)
            #expect(store.health.detail.contains("locked"), "\(store.health)")
            #expect(store.metrics.failedCommits == 20)
            try holder.release()
            let revision = try await store.commit([.put("k", "after", [3])])
            #expect(revision == 2, "failed transactions do not advance the head revision")
            #expect(store.health == NacosStoreHealth(isAvailable: true, detail: path))
            await store.close()
            let reopened = Self.store(path)
            let snapshot = try await reopened.open()
            #expect(snapshot.revision == 2)
            #expect(Set(snapshot.records.keys) == [NacosStoreKey(kind: "k", key: "before"), NacosStoreKey(kind: "k", key: "after")])
            await reopened.close()
        }
    }

    @Test func aTransactionThatFailsMidwayRollsBackItsWholeGroup() async throws {
        try await Self.withDirectory { directory in
            let path = "\(directory)/naming.db"
            try SQLiteSchema.createSchema(atPath: path, upToVersion: SQLiteSchema.currentVersion)
            // A trigger that fails the statement writing key `poison`, after the writes before it ran.
            try SQLiteSchema.execute(
                "CREATE TRIGGER poison BEFORE INSERT ON nacos_records WHEN NEW.key = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned row'); END",
                atPath: path
            )
            // At most 10 commits a transaction: the 100 below make 10 groups or more.
            let store = Self.store(path, maxCommitsPerTransaction: 10)
            let seen = ChangeLog()
            store.startChangeFeed(after: try await store.open().revision) { seen.append($0) }
            let error = await Self.failure("a poisoned commit") {
                try await store.commit([.put("k", "a", [1]), .delete("k", "none"), .put("k", "poison", [2]), .put("k", "c", [3])])
            }
            #expect(error?.code == .unavailable && error?.message.contains("poisoned row") == true, "\(String(describing: error))")
            #expect(seen.changes.isEmpty)
            // Concurrent commits, one of them poisoned: its whole group fails, every other group commits.
            let outcomes = await withTaskGroup(of: (Int, Int64?).self) { group in
                for index in 0..<100 {
                    group.addTask {
                        let key = index == 50 ? "poison" : "i\(index)"
                        return (index, try? await store.commit([.put("k", key, [UInt8(index)])]))
                    }
                }
                var outcomes: [Int: Int64?] = [:]
                for await (index, revision) in group { outcomes[index] = revision }
                return outcomes
            }
            #expect(outcomes[50] == .some(nil), "the poisoned commit failed")
            let committed = outcomes.compactMapValues { $0 }
            #expect(committed.count >= 90, "only the poisoned commit's group of at most 10 failed")
            #expect(committed.values.sorted() == Self.revisions(through: committed.count), "failed groups take no revisions")
            #expect(seen.changes.count == committed.count)
            #expect(store.metrics.failedCommits == UInt64(1 + 100 - committed.count))
            await store.close()
            let reopened = Self.store(path)
            let snapshot = try await reopened.open()
            #expect(snapshot.revision == Int64(committed.count))
            #expect(Set(snapshot.records.keys) == Set(committed.keys.map { NacosStoreKey(kind: "k", key: "i\($0)") }))
            await reopened.close()
        }
    }

    @Test func closeWaitsForTheCommitsInFlight() async throws {
        try await Self.withDirectory { directory in
            let path = "\(directory)/naming.db"
            let store = Self.store(path, maxCommitsPerTransaction: 10, busyTimeout: .seconds(60))
            let seen = ChangeLog()
            store.startChangeFeed(after: try await store.open().revision) { seen.append($0) }
            // The writer waits for another connection's write lock with at most 10 commits, so the other
            // 40 stay queued.
            let holder = try WriteLockHolder(path)
            let commits = Task {
                await withTaskGroup(of: Result<Int64, NacosStoreError>.self) { group in
                    for index in 0..<50 {
                        group.addTask {
                            do throws(NacosStoreError) {
                                return .success(try await store.commit([.put("k", "i\(index)", [1])]))
                            } catch {
                                return .failure(error)
                            }
                        }
                    }
                    var outcomes: [Result<Int64, NacosStoreError>] = []
                    for await outcome in group { outcomes.append(outcome) }
                    return outcomes
                }
            }
            try await waitUntil("commits to queue behind the busy writer") { store.metrics.queueDepth >= 40 }
            let closing = Task { await store.close() }
            try await waitUntil("the store to start closing") { store.health.detail == "closed" }
            let late = await Self.failure("a commit while closing") { try await store.commit([.put("k", "late", [1])]) }
            #expect(late?.code == .closed)
            try holder.release()
            await closing.value
            var succeeded: [Int64] = []
            for outcome in await commits.value {
                switch outcome {
                case .success(let revision): succeeded.append(revision)
                case .failure(let error): #expect(error.code == .closed, "\(error)")
                }
            }
            #expect(succeeded.count >= 41, "the queued commits were written before the close ended")
            #expect(succeeded.sorted() == Self.revisions(through: succeeded.count))
            #expect(seen.revisions == succeeded.sorted(), "every commit that returned was delivered, and no other")
            #expect(Self.lockIsFree(path))
            let reopened = Self.store(path)
            let snapshot = try await reopened.open()
            #expect(snapshot.revision == Int64(succeeded.count))
            #expect(snapshot.records.count == succeeded.count)
            await reopened.close()
        }
    }

    @Test func readsAfterEachReopenEqualWhatTheFeedDelivered() async throws {
        try await Self.withDirectory { directory in
            let path = "\(directory)/naming.db"
            var model: [NacosStoreKey: [UInt8]] = [:]
            var revision: Int64 = 0
            for round in 0..<4 {
                let store = Self.store(path)
                let snapshot = try await store.open()
                #expect(snapshot.records == model, "round \(round)")
                #expect(snapshot.revision == revision, "round \(round)")
                let seen = ChangeLog()
                store.startChangeFeed(after: snapshot.revision) { seen.append($0) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<80 {
                        group.addTask {
                            let key = "k\((index * 7 + round) % 13)"
                            let mutation: NacosStoreMutation = (index + round) % 3 == 0 ? .delete("x", key) : .put("x", key, Array("\(round).\(index)".utf8))
                            try await store.commit([mutation, .put("round", "\(round)", [UInt8(index)])])
                        }
                    }
                    try await group.waitForAll()
                }
                for change in seen.changes { model[change.mutation.key] = change.mutation.value }
                revision = seen.changes.last?.revision ?? revision
                await store.close()
            }
            let last = Self.store(path)
            #expect(try await last.open() == NacosStoreSnapshot(revision: revision, records: model))
            await last.close()
        }
    }

    @Test func keysWithNULAndEveryByteOfValuesRoundTrip() async throws {
        try await Self.withDirectory { directory in
            let path = "\(directory)/naming.db"
            let store = Self.store(path)
            store.startChangeFeed(after: try await store.open().revision) { _ in }
            let key = "before\u{0}after"
            let value = (0...255).map { UInt8($0) }
            try await store.commit([.put("nul\u{0}kind", key, value), .put("k", "\u{0}", [])])
            await store.close()
            let reopened = Self.store(path)
            let snapshot = try await reopened.open()
            #expect(snapshot.records == [NacosStoreKey(kind: "nul\u{0}kind", key: key): value, NacosStoreKey(kind: "k", key: "\u{0}"): []])
            await reopened.close()
        }
    }
}
