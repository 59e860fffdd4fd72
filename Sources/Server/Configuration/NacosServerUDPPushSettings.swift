/// The 1.x UDP push to subscribers that asked for it over HTTP (reference §4.4).
public struct NacosServerUDPPushSettings: Sendable, Equatable {
    /// Whether changes are pushed to UDP subscribers at all (on).
    public var enabled = true
    /// How long a UDP push waits for its ack before it is sent once more (Nacos: 10 s).
    public var ackTimeout: Duration = .seconds(10)

    /// Creates the default settings.
    public init() {}
}
