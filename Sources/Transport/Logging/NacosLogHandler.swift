/// The back end of a `NacosLogger`: receives every enabled event.
///
/// Implementations must be thread-safe; events arrive from event-loop threads and tasks alike.
public protocol NacosLogHandler: Sendable {
    /// Records or forwards one event.
    func log(event: NacosLogEvent)
}

/// A log handler that drops every event.
public struct NacosNoOpLogHandler: NacosLogHandler {
    /// Creates the handler.
    public init() {}

    /// Drops the event.
    public func log(event: NacosLogEvent) {}
}
