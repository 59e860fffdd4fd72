public import NacosTransport

/// The source of time for the remoting layer: wall-clock milliseconds for timestamps and idle checks, and
/// timers for timeouts and periodic work.
///
/// `NacosSystemClock` is the real one. `NacosManualClock` moves only when a test advances it, so that
/// ejection, health checks, reconnect back-off and timeouts are tested without sleeping.
public protocol NacosClock: Sendable {
    /// Milliseconds since the Unix epoch (Nacos's `System.currentTimeMillis()`).
    func nowMillis() -> Int64

    /// Runs `work` after `delay`, on `eventLoop` when one is given; cancel the returned timer to stop it.
    @discardableResult
    func schedule(after delay: Duration, on eventLoop: NacosEventLoop?, _ work: @escaping @Sendable () -> Void) -> any NacosTimer
}

/// A pending piece of work scheduled on a `NacosClock`.
public protocol NacosTimer: Sendable {
    /// Stops the work from running if it has not started.
    func cancel()
}

extension NacosClock {
    /// Suspends for `duration` of this clock's time.
    ///
    /// - Throws: `CancellationError` when the task is cancelled first.
    public func sleep(for duration: Duration) async throws {
        let waiter = ClockSleeper()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                guard waiter.install(continuation) else { return }
                let timer = self.schedule(after: duration, on: nil) { waiter.resume(with: .success(())) }
                waiter.attach(timer)
            }
        } onCancel: {
            waiter.resume(with: .failure(CancellationError()))
        }
    }
}
