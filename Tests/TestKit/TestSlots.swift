import Synchronization

/// Limits how many tests of one costly kind run at once, so that the suite's parallel start does not
/// stall the machine for the tests that time beats and idle connections: Python peers (interpreters
/// that start slowly), and the CPU-heavy tests (PostgreSQL servers, thousand-round cluster scenarios,
/// processes killed mid-write).
package final class TestSlots: Sendable {
    /// Python peers (and the tests built around them): at most two at once.
    package static let pythonPeers = TestSlots(limit: 2)
    /// The CPU-heavy tests: one at a time.
    package static let heavy = TestSlots(limit: 1)

    private struct State {
        var available: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>
    /// The slot kinds the current task holds (nested uses do not take a second slot of a kind).
    @TaskLocal private static var held: Set<ObjectIdentifier> = []

    private init(limit: Int) {
        self.state = Mutex(State(available: limit))
    }

    /// Runs `body` holding a slot, waiting for one when all are taken.
    package func withSlot<R>(_ body: () async throws -> R) async throws -> R {
        let key = ObjectIdentifier(self)
        if Self.held.contains(key) { return try await body() }
        await self.acquire()
        defer { self.release() }
        return try await Self.$held.withValue(Self.held.union([key])) { try await body() }
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = self.state.withLock { state -> Bool in
                guard state.available > 0 else {
                    state.waiters.append(continuation)
                    return false
                }
                state.available -= 1
                return true
            }
            if granted { continuation.resume() }
        }
    }

    private func release() {
        let next = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiters.isEmpty else {
                state.available += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
