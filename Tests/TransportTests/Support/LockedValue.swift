import Synchronization

/// A value behind a lock, as a class so escaping closures (event-loop tasks, threads) can share it.
final class LockedValue<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        self.mutex = Mutex(value)
    }

    @discardableResult
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R {
        self.mutex.withLock { body(&$0) }
    }

    var value: Value { self.mutex.withLock { $0 } }
}
