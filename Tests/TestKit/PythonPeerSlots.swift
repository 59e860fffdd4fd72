import Synchronization

/// Limits how many Python peers (and the tests built around them) run at once, so that the suite's parallel
/// start does not launch dozens of interpreters together and stall the machine for the tests that time idle
/// connections.
package enum PythonPeerSlots {
    /// Peers that may run at once.
    package static let limit = 2

    private struct State {
        var available = PythonPeerSlots.limit
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private static let state = Mutex(State())

    /// Whether the current task already holds a slot (nested uses do not take a second one).
    @TaskLocal private static var held = false

    /// Runs `body` holding a slot, waiting for one when all are taken.
    package static func withSlot<R>(_ body: () async throws -> R) async throws -> R {
        if Self.held { return try await body() }
        await Self.acquire()
        defer { Self.release() }
        return try await Self.$held.withValue(true) { try await body() }
    }

    private static func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = Self.state.withLock { state -> Bool in
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

    private static func release() {
        let next = Self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiters.isEmpty else {
                state.available += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
