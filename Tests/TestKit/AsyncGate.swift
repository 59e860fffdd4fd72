import Synchronization

/// Counts the tasks that reach it and holds them until the test opens it (a handler a test wants slow).
package final class AsyncGate: Sendable {
    private struct State {
        var open: Bool
        var entered = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    /// Creates a gate, closed unless `open` is true.
    package init(open: Bool = false) {
        self.state = Mutex(State(open: open))
    }

    /// How many tasks have reached the gate.
    package var entered: Int { self.state.withLock { $0.entered } }

    /// Counts the caller and suspends until the gate is open (at once when it already is).
    package func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = self.state.withLock { state -> Bool in
                state.entered += 1
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Opens the gate for every waiting task and every later one.
    package func open() {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
