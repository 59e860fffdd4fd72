import Foundation
@testable import NacosSQLite
import NacosStore
import Testing

/// The SQLite store: the shared contract, grouped commits, every migration path, and clear errors for
/// files it must not use.
@Suite("SQLite store")
struct SQLiteStoreTests {
    /// A fresh directory for one test, removed afterwards.
    private static func withDirectory<R>(_ body: (String) async throws -> R) async throws -> R {
        let directory = "\(FileManager.default.temporaryDirectory.path)/nacos-sqlite-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(directory)
    }

    private static func store(_ path: String, maxPendingCommits: Int = 10_000) -> NacosSQLiteStore {
        NacosSQLiteStore(configuration: NacosSQLiteConfiguration(path: path, maxPendingCommits: maxPendingCommits))
    }

    @Test func conformsToTheStoreContract() async throws {
        try await Self.withDirectory { directory in
            // Each check starts from its own empty file.
            try await StoreConformance.runAll { check in
                let path = "\(directory)/check-\(check)/naming.db"
                return StoreUnderTest(name: "sqlite", make: { Self.store(path) }, isDurable: true)
            }
        }
    }

    @Test func concurrentCommitsShareTransactions() async throws {
        try await Self.withDirectory { directory in
            let store = Self.store("\(directory)/naming.db")
            store.startChangeFeed(after: try await store.open().revision) { _ in }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<500 {
                    group.addTask { try await store.commit([.put("instance", "i\(index)", [UInt8(index % 256)])]) }
                }
                try await group.waitForAll()
            }
            let metrics = store.metrics
            #expect(metrics.commits == 500)
            #expect(metrics.transactions < metrics.commits, "\(metrics.transactions) transactions for \(metrics.commits) commits: nothing was grouped")
            #expect(metrics.appliedRevision == 500)
            await store.close()
        }
    }

    @Test func everyEarlierSchemaVersionIsMigratedKeepingItsRecords() async throws {
        try await Self.withDirectory { directory in
            for version in 1..<SQLiteSchema.currentVersion {
                let path = "\(directory)/v\(version).db"
                try SQLiteSchema.createSchema(atPath: path, upToVersion: version)
                try SQLiteSchema.execute("INSERT INTO nacos_records (kind, key, value) VALUES ('namespace', 'dev', X'7B7D')", atPath: path)
                let store = Self.store(path)
                let snapshot = try await store.open()
                #expect(snapshot.records == [NacosStoreKey(kind: "namespace", key: "dev"): Array("{}".utf8)], "from version \(version)")
                store.startChangeFeed(after: snapshot.revision) { _ in }
                let revision = try await store.commit([.put("namespace", "prod", Array("{}".utf8))])
                #expect(revision == snapshot.revision + 1)
                await store.close()
                let reopened = Self.store(path)
                #expect(try await reopened.open().records.count == 2, "from version \(version)")
                await reopened.close()
            }
        }
    }

    @Test func aFileOfANewerBinaryIsRefused() async throws {
        try await Self.withDirectory { directory in
            let path = "\(directory)/naming.db"
            try SQLiteSchema.createSchema(atPath: path, upToVersion: SQLiteSchema.currentVersion)
            try SQLiteSchema.execute("PRAGMA user_version = \(SQLiteSchema.currentVersion + 1)", atPath: path)
            let store = Self.store(path)
            do throws(NacosStoreError) {
                _ = try await store.open()
                Issue.record("a newer schema was opened")
            } catch {
                #expect(error.code == .schemaTooNew)
                #expect(error.message.contains("version \(SQLiteSchema.currentVersion + 1)"), "\(error)")
            }
            await store.close()
        }
    }

    @Test func aFileThatIsNoDatabaseIsReportedNotCrashedOn() async throws {
        try await Self.withDirectory { directory in
            let path = "\(directory)/naming.db"
            let garbage = (0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }
            #expect(FileManager.default.createFile(atPath: path, contents: Data(garbage)))
            let store = Self.store(path)
            do throws(NacosStoreError) {
                _ = try await store.open()
                Issue.record("a garbage file was opened")
            } catch {
                #expect(error.code == .corrupt, "\(error)")
                #expect(error.message.contains(path))
            }
            await store.close()

            let directoryAsFile = Self.store(directory)
            await #expect(throws: NacosStoreError.self) { _ = try await directoryAsFile.open() }
            await directoryAsFile.close()
        }
    }

    @Test func aSecondStoreOnTheSameFileIsRefusedWhileTheFirstIsOpen() async throws {
        try await Self.withDirectory { directory in
            let path = "\(directory)/naming.db"
            let first = Self.store(path)
            _ = try await first.open()
            let second = Self.store(path)
            do throws(NacosStoreError) {
                _ = try await second.open()
                Issue.record("two stores opened one file")
            } catch {
                #expect(error.code == .unavailable)
                #expect(error.message.contains("locked"), "\(error)")
            }
            await second.close()
            await first.close()
            let third = Self.store(path)
            _ = try await third.open()
            await third.close()
        }
    }

    @Test func aFullQueueRefusesAtOnce() async throws {
        try await Self.withDirectory { directory in
            let store = Self.store("\(directory)/naming.db", maxPendingCommits: 1)
            store.startChangeFeed(after: try await store.open().revision) { _ in }
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<64 {
                    group.addTask { (try? await store.commit([.put("k", "\(index)", [1])])) != nil }
                }
                var outcomes: [Bool] = []
                for await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            #expect(outcomes.contains(true))
            #expect(outcomes.contains(false), "64 concurrent commits never found the one-slot queue full")
            #expect(store.metrics.failedCommits > 0)
            await store.close()
        }
    }
}
