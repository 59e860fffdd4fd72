import Synchronization

/// A task scheduled on an event loop for a later time; cancel it to stop it from running.
public final class NacosScheduledTask: Sendable {
    /// The monotonic deadline in nanoseconds.
    internal let deadline: UInt64
    /// Breaks ties between equal deadlines: earlier scheduled runs first.
    internal let sequence: UInt64
    internal let work: @Sendable () -> Void
    private let cancelled = Atomic<Bool>(false)

    internal init(deadline: UInt64, sequence: UInt64, work: @escaping @Sendable () -> Void) {
        self.deadline = deadline
        self.sequence = sequence
        self.work = work
    }

    /// Stops the task from running; it has no effect once the task has started.
    ///
    /// Cancelling on the task's own event loop is exact: the task will not run. From another thread the
    /// task may already be running.
    public func cancel() {
        self.cancelled.store(true, ordering: .releasing)
    }

    /// Whether `cancel()` has been called.
    public var isCancelled: Bool {
        self.cancelled.load(ordering: .acquiring)
    }
}
