import NacosStore
import Testing

@Suite("Memory store")
struct MemoryStoreTests {
    @Test func conformsToTheStoreContract() async throws {
        try await StoreConformance.runAll(StoreUnderTest(name: "memory", make: { NacosMemoryStore() }, isDurable: false))
    }

    @Test func aStoreMarkedUnavailableRefusesCommitsAndDeliversNothing() async throws {
        let store = NacosMemoryStore()
        let seen = ChangeLog()
        store.startChangeFeed(after: try await store.open().revision) { seen.append($0) }
        store.isAvailable = false
        await #expect(throws: NacosStoreError.self) { try await store.commit([.put("instance", "b", [])]) }
        #expect(seen.changes.isEmpty)
        #expect(!store.health.isAvailable)
        #expect(store.metrics.failedCommits == 1)
    }
}
