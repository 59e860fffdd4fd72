import Synchronization

/// The continuation of one `NacosClock.sleep(for:)`, resumed exactly once by its timer or by cancellation.
internal final class ClockSleeper: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Void, any Error>?
        var timer: (any NacosTimer)?
        var finished: Result<Void, any Error>?
    }

    private let state = Mutex(State())

    /// Stores the continuation; returns `false` (after resuming it) when cancellation already happened.
    func install(_ continuation: CheckedContinuation<Void, any Error>) -> Bool {
        let early: Result<Void, any Error>? = self.state.withLock { state in
            if let finished = state.finished { return finished }
            state.continuation = continuation
            return nil
        }
        if let early {
            continuation.resume(with: early)
            return false
        }
        return true
    }

    /// Remembers the timer so that cancellation can stop it.
    func attach(_ timer: any NacosTimer) {
        let cancelNow = self.state.withLock { state -> Bool in
            guard state.finished == nil else { return true }
            state.timer = timer
            return false
        }
        if cancelNow { timer.cancel() }
    }

    /// Resumes the sleeper once; later calls do nothing.
    func resume(with result: Result<Void, any Error>) {
        let (continuation, timer) = self.state.withLock { state -> (CheckedContinuation<Void, any Error>?, (any NacosTimer)?) in
            guard state.finished == nil else { return (nil, nil) }
            state.finished = result
            defer {
                state.continuation = nil
                state.timer = nil
            }
            return (state.continuation, state.timer)
        }
        timer?.cancel()
        continuation?.resume(with: result)
    }
}
