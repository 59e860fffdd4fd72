import NacosPostgres
import NacosStore
import NacosTestKit
import Testing

/// The PostgreSQL store against a real server the test starts: the shared contract, two stores on one
/// database as two nodes, a restart of PostgreSQL mid-run, and clear errors for bad settings.
@Suite("PostgreSQL store", .serialized)
struct PostgresStoreTests {
    private static func configuration(_ server: PostgresTestServer, database: String = "nacos", password: String = "nacos") -> NacosPostgresConfiguration {
        var configuration = NacosPostgresConfiguration(
            url: "jdbc:" + server.url(database: database) + "?sslmode=disable",
            user: "nacos",
            password: password,
            poolSize: 2
        )
        configuration.maxReconnectBackoff = .milliseconds(400)
        configuration.catchUpInterval = .milliseconds(500)
        return configuration
    }

    @Test func conformsToTheStoreContract() async throws {
        try await PostgresTestServer.with { server in
            // Each check starts from an empty database of its own.
            try await StoreConformance.runAll { check in
                try await server.createDatabase("conformance\(check)")
                let configuration = Self.configuration(server, database: "conformance\(check)")
                return StoreUnderTest(name: "postgresql", make: { NacosPostgresStore(configuration: configuration) }, isDurable: true)
            }
        }
    }

    @Test func twoNodesOnOneDatabaseSeeEachOthersCommitsInTheSameOrder() async throws {
        try await PostgresTestServer.with { server in
            let a = NacosPostgresStore(configuration: Self.configuration(server))
            let b = NacosPostgresStore(configuration: Self.configuration(server))
            let seenByA = ChangeLog()
            let seenByB = ChangeLog()
            a.startChangeFeed(after: try await a.open().revision) { seenByA.append($0) }
            b.startChangeFeed(after: try await b.open().revision) { seenByB.append($0) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    let store = index % 2 == 0 ? a : b
                    group.addTask { try await store.commit([.put("instance", "n\(index)", [UInt8(index)])]) }
                }
                try await group.waitForAll()
            }
            try await waitUntil(timeout: .seconds(20), "both feeds to deliver all 40 commits") {
                Set(seenByA.changes.map(\.mutation.key.key)).count == 40 && Set(seenByB.changes.map(\.mutation.key.key)).count == 40
            }
            #expect(seenByA.revisions == seenByA.revisions.sorted())
            #expect(seenByB.revisions == seenByB.revisions.sorted())
            #expect(a.isShared)
            await a.close()
            await b.close()
        }
    }

    @Test func aRestartOfPostgreSQLFailsWritesFastThenEverythingCatchesUp() async throws {
        try await PostgresTestServer.with { server in
            let a = NacosPostgresStore(configuration: Self.configuration(server))
            let b = NacosPostgresStore(configuration: Self.configuration(server))
            let seenByB = ChangeLog()
            _ = try await a.open()
            a.startChangeFeed(after: 0) { _ in }
            b.startChangeFeed(after: try await b.open().revision) { seenByB.append($0) }
            try await a.commit([.put("instance", "before", [1])])

            await server.stop()
            var failures = 0
            for attempt in 0..<5 {
                let started = ContinuousClock.now
                do throws(NacosStoreError) {
                    try await a.commit([.put("instance", "down-\(attempt)", [2])])
                } catch {
                    failures += 1
                    #expect(error.code == .unavailable, "\(error)")
                    #expect(ContinuousClock.now - started < .seconds(10), "a commit while PostgreSQL is down waited \(ContinuousClock.now - started)")
                }
            }
            #expect(failures == 5)
            #expect(!a.health.isAvailable)

            try await server.restart()
            let deadline = ContinuousClock.now + .seconds(30)
            var written = false
            while !written, ContinuousClock.now < deadline {
                written = (try? await a.commit([.put("instance", "after", [3])])) != nil
                if !written { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(written, "no commit succeeded within 30 s of PostgreSQL's restart")
            #expect(a.health.isAvailable)
            try await waitUntil(timeout: .seconds(30), "B's feed to catch up after its listener reconnected") {
                Set(seenByB.changes.map(\.mutation.key.key)).isSuperset(of: ["before", "after"])
            }
            #expect(a.metrics.reconnects + b.metrics.reconnects > 0)
            await a.close()
            await b.close()
        }
    }

    @Test func badSettingsAreClearErrors() async throws {
        try await PostgresTestServer.with { server in
            let wrong = NacosPostgresStore(configuration: Self.configuration(server, password: "not-the-password"))
            do throws(NacosStoreError) {
                _ = try await wrong.open()
                Issue.record("a wrong password opened the store")
            } catch {
                #expect(error.code == .unavailable)
                #expect(error.message.contains("password") || error.message.contains("authentication"), "\(error)")
            }
            await wrong.close()
            let malformed = NacosPostgresStore(configuration: NacosPostgresConfiguration(url: "mysql://127.0.0.1:3306/nacos"))
            do throws(NacosStoreError) {
                _ = try await malformed.open()
                Issue.record("a MySQL URL opened the store")
            } catch {
                #expect(error.code == .invalidConfiguration)
                #expect(error.message.contains("db.url.0"))
            }
            await malformed.close()
        }
    }
}
