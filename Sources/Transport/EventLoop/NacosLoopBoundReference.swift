/// A weak reference to a loop-confined object that can travel through `@Sendable` closures.
///
/// Timers and `execute` tasks need a `@Sendable` closure, but stream handlers are not `Sendable`. This
/// box carries the reference across and checks, on every access, that it happens on the loop that owns
/// the object. It holds the object weakly so that a pending timer does not keep a closed stream alive.
///
/// `@unchecked Sendable`: `value` is only read on `eventLoop` (checked with `preconditionInEventLoop`),
/// and the reference is written once, in `init`.
public final class NacosLoopBoundReference<Value: AnyObject>: @unchecked Sendable {
    private weak var _value: Value?
    /// The loop that owns `value`.
    public let eventLoop: NacosEventLoop

    /// Wraps `value`, owned by `eventLoop`.
    public init(_ value: Value, eventLoop: NacosEventLoop) {
        self._value = value
        self.eventLoop = eventLoop
    }

    /// The object, or `nil` once it has been freed; only on `eventLoop`.
    public var value: Value? {
        self.eventLoop.preconditionInEventLoop()
        return self._value
    }
}
