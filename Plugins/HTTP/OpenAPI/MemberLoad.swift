/// One member's connection load as the loader endpoints see it (`ServerLoaderInfoResponse.loaderMetrics`).
public struct MemberLoad: Sendable, Hashable {
    /// The member's `ip:port` (HTTP port).
    public var address: String
    /// All its connections.
    public var connectionCount: Int
    /// Its SDK connections.
    public var sdkConnectionCount: Int
    /// Its 1-minute load average.
    public var load: Double
    /// Its load average per core.
    public var cpu: Double

    /// Creates a reading.
    public init(address: String, connectionCount: Int, sdkConnectionCount: Int, load: Double, cpu: Double) {
        self.address = address
        self.connectionCount = connectionCount
        self.sdkConnectionCount = sdkConnectionCount
        self.load = load
        self.cpu = cpu
    }
}
