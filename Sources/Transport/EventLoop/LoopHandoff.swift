/// Carries a non-Sendable value into a task for a loop that becomes its only user.
///
/// For objects made on one thread and handed to the event loop that owns them from then on (stream
/// handlers built before their socket exists); the sender must not touch the value after the hand-off.
internal struct LoopHandoff<Value>: @unchecked Sendable {
    /// The handed-off value.
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
