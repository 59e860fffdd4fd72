import Synchronization

/// An async lock per key: bodies for the same key run one at a time, in arrival order; different keys
/// run concurrently. It keeps a registration, its redo and its deregistration from overtaking each other.
package final class KeyedSerialLock: Sendable {
    private struct State {
        var held: Set<String> = []
        var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    }

    private let state = Mutex(State())

    /// Creates a lock with no key held.
    package init() {}

    /// Runs `body` while holding `key`.
    package func withLock<T>(_ key: String, _ body: () async throws -> T) async rethrows -> T {
        await self.acquire(key)
        defer { self.release(key) }
        return try await body()
    }

    /// How many callers wait for `key` (for tests and diagnostics).
    package func waiterCount(_ key: String) -> Int {
        self.state.withLock { $0.waiters[key]?.count ?? 0 }
    }

    private func acquire(_ key: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = self.state.withLock { state -> Bool in
                if state.held.insert(key).inserted { return true }
                state.waiters[key, default: []].append(continuation)
                return false
            }
            if acquired { continuation.resume() }
        }
    }

    private func release(_ key: String) {
        let next = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard var queue = state.waiters[key], !queue.isEmpty else {
                state.held.remove(key)
                return nil
            }
            // The key stays held: ownership passes straight to the next waiter.
            let next = queue.removeFirst()
            state.waiters[key] = queue.isEmpty ? nil : queue
            return next
        }
        next?.resume()
    }
}
