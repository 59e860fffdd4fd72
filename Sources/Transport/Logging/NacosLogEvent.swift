/// One log event, as handed to a `NacosLogHandler`.
public struct NacosLogEvent: Sendable {
    /// The label of the logger that emitted the event.
    public var label: String
    /// The event's severity.
    public var level: NacosLogger.Level
    /// The rendered message.
    public var message: String
    /// The logger's metadata merged with the event's own.
    public var metadata: NacosLogger.Metadata
    /// The source file that emitted the event (`#fileID`).
    public var file: String
    /// The source line that emitted the event.
    public var line: UInt

    /// Creates an event from its parts.
    public init(label: String, level: NacosLogger.Level, message: String, metadata: NacosLogger.Metadata, file: String, line: UInt) {
        self.label = label
        self.level = level
        self.message = message
        self.metadata = metadata
        self.file = file
        self.line = line
    }
}
