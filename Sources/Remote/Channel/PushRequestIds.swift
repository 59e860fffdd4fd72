import Synchronization

/// The process-wide source of server-push `requestId`s: decimal strings of an incrementing counter, as
/// Nacos's `PushAckIdGenerator` makes them.
internal enum PushRequestIds {
    private static let counter = Atomic<Int64>(0)

    /// The next id; wraps back to 1 near `Int64.max`.
    static func next() -> String {
        var value = self.counter.wrappingAdd(1, ordering: .relaxed).newValue
        if value >= Int64.max - 1_000_000 || value <= 0 {
            self.counter.store(1, ordering: .relaxed)
            value = 1
        }
        return String(value)
    }
}
