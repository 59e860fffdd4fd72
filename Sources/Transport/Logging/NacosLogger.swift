/// A logger shaped like swift-log's `Logger`, with no dependencies, that libraries accept as a parameter.
///
/// Messages and metadata are autoclosures, so a disabled level costs one comparison. An embedder that
/// already uses swift-log bridges it with a ten-line `NacosLogHandler` that forwards each `NacosLogEvent`.
public struct NacosLogger: Sendable {
    /// The severity of a log event, from most to least verbose.
    public enum Level: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
        /// Very fine-grained detail, such as every frame.
        case trace
        /// Information useful when debugging.
        case debug
        /// Normal operational messages.
        case info
        /// Conditions worth attention, such as a peer that sent a bad frame.
        case notice
        /// Something went wrong but the process continues.
        case warning
        /// An operation failed.
        case error
        /// The process cannot continue correctly.
        case critical

        /// Orders levels from `trace` (lowest) to `critical` (highest).
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        /// The lower-case name of the level.
        public var description: String {
            switch self {
            case .trace: "trace"
            case .debug: "debug"
            case .info: "info"
            case .notice: "notice"
            case .warning: "warning"
            case .error: "error"
            case .critical: "critical"
            }
        }
    }

    /// Structured key-value data attached to a log event.
    public typealias Metadata = [String: String]

    /// The name of the component that logs, such as `nacos.transport`.
    public let label: String
    /// Events below this level are dropped without evaluating their message.
    public var logLevel: Level
    /// Metadata added to every event this logger emits.
    public var metadata: Metadata
    /// Where events go.
    public var handler: any NacosLogHandler

    /// Creates a logger with the given label, handler and minimum level.
    public init(label: String, handler: any NacosLogHandler = NacosStreamLogHandler.standardError, logLevel: Level = .info) {
        self.label = label
        self.handler = handler
        self.logLevel = logLevel
        self.metadata = [:]
    }

    /// A logger that drops every event.
    public static func disabled(label: String = "nacos") -> NacosLogger {
        NacosLogger(label: label, handler: NacosNoOpLogHandler(), logLevel: .critical)
    }

    /// Reads or sets one metadata value of this logger.
    public subscript(metadataKey key: String) -> String? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    /// Emits an event at `level` if the level is enabled.
    @inlinable
    public func log(
        level: Level,
        _ message: @autoclosure () -> String,
        metadata: @autoclosure () -> Metadata? = nil,
        file: String = #fileID,
        line: UInt = #line
    ) {
        guard level >= self.logLevel else { return }
        var merged = self.metadata
        if let extra = metadata() {
            merged.merge(extra) { _, new in new }
        }
        self.handler.log(
            event: NacosLogEvent(label: self.label, level: level, message: message(), metadata: merged, file: file, line: line)
        )
    }

    /// Emits a `trace` event.
    @inlinable
    public func trace(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata? = nil, file: String = #fileID, line: UInt = #line) {
        self.log(level: .trace, message(), metadata: metadata(), file: file, line: line)
    }

    /// Emits a `debug` event.
    @inlinable
    public func debug(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata? = nil, file: String = #fileID, line: UInt = #line) {
        self.log(level: .debug, message(), metadata: metadata(), file: file, line: line)
    }

    /// Emits an `info` event.
    @inlinable
    public func info(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata? = nil, file: String = #fileID, line: UInt = #line) {
        self.log(level: .info, message(), metadata: metadata(), file: file, line: line)
    }

    /// Emits a `notice` event.
    @inlinable
    public func notice(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata? = nil, file: String = #fileID, line: UInt = #line) {
        self.log(level: .notice, message(), metadata: metadata(), file: file, line: line)
    }

    /// Emits a `warning` event.
    @inlinable
    public func warning(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata? = nil, file: String = #fileID, line: UInt = #line) {
        self.log(level: .warning, message(), metadata: metadata(), file: file, line: line)
    }

    /// Emits an `error` event.
    @inlinable
    public func error(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata? = nil, file: String = #fileID, line: UInt = #line) {
        self.log(level: .error, message(), metadata: metadata(), file: file, line: line)
    }
}
