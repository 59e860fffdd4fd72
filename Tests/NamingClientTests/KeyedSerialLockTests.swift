import NacosClient
import NacosTestKit
import Synchronization
import Testing

/// The per-key async lock that keeps a service's registration, redo and deregistration in order.
@Suite("KeyedSerialLock")
struct KeyedSerialLockTests {
    @Test func bodiesOfOneKeyRunOneAtATimeInArrivalOrder() async throws {
        let lock = KeyedSerialLock()
        let probe = LockProbe()
        let gate = AsyncGate()
        let first = Task {
            await lock.withLock("k") {
                probe.order.withLock { $0.append(0) }
                await gate.wait()
            }
        }
        try await waitUntil("the first body running") { probe.order.withLock { $0 == [0] } }
        var tasks: [Task<Void, Never>] = []
        for index in 1...20 {
            tasks.append(Task {
                await lock.withLock("k") {
                    if probe.inside.wrappingAdd(1, ordering: .relaxed).newValue > 1 { probe.overlap.store(true, ordering: .relaxed) }
                    probe.order.withLock { $0.append(index) }
                    await Task.yield()
                    probe.inside.wrappingSubtract(1, ordering: .relaxed)
                }
            })
            // Each waiter queues before the next one starts.
            try await waitUntil("waiter \(index) queued") { lock.waiterCount("k") == index }
        }
        // Another key is not held up by the first.
        await lock.withLock("other") { probe.order.withLock { $0.append(-1) } }
        gate.open()
        await first.value
        for task in tasks { await task.value }
        let overlapped = probe.overlap.load(ordering: .relaxed)
        #expect(!overlapped)
        #expect(probe.order.withLock { $0 } == [0, -1] + Array(1...20))
    }

    @Test func aThrowingBodyReleasesTheKey() async throws {
        struct Failure: Error {}
        let lock = KeyedSerialLock()
        await #expect(throws: Failure.self) {
            try await lock.withLock("k") { throw Failure() }
        }
        let value = await lock.withLock("k") { 42 }
        #expect(value == 42)
    }
}

/// What the bodies under test record: how many run at once, whether two ever overlapped, and their order.
private final class LockProbe: Sendable {
    let inside = Atomic<Int>(0)
    let overlap = Atomic<Bool>(false)
    let order = Mutex<[Int]>([])
}
