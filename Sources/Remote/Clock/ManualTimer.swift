import Synchronization

/// The timer handed out by `NacosManualClock`.
internal final class ManualTimer: NacosTimer {
    private let cancelled = Atomic<Bool>(false)

    /// Whether `cancel()` was called.
    var isCancelled: Bool { self.cancelled.load(ordering: .acquiring) }

    /// Stops the timer from firing.
    func cancel() { self.cancelled.store(true, ordering: .releasing) }
}
