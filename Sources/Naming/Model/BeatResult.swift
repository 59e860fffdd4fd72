/// The answer to a 1.x client beat (reference §4.3): `{"clientBeatInterval":…,"code":…,"lightBeatEnabled":…}`.
public struct BeatResult: Sendable, Equatable {
    /// The beat was recorded (Nacos's `NamingResponseCode.OK`).
    public static let okCode = 10200
    /// A light beat (no beat info) for an instance this ip:port does not publish; the client registers
    /// again (Nacos's `NamingResponseCode.RESOURCE_NOT_FOUND`).
    public static let resourceNotFoundCode = 20404

    /// `okCode` or `resourceNotFoundCode`.
    public var code: Int
    /// How often the client should beat, in milliseconds.
    public var clientBeatInterval: Int64
    /// Whether the client may send light beats (without beat info).
    public var lightBeatEnabled: Bool

    /// Creates a result.
    public init(code: Int, clientBeatInterval: Int64, lightBeatEnabled: Bool) {
        self.code = code
        self.clientBeatInterval = clientBeatInterval
        self.lightBeatEnabled = lightBeatEnabled
    }
}
