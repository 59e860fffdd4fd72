/// One member's connection counts and host load, as `ServerLoaderInfoResponse.loaderMetrics` reports them
/// (reference §5.1: `conCount`, `sdkConCount`, `load`, `cpu`).
public struct ClusterMemberLoad: Sendable, Equatable {
    /// The member's `ip:port`.
    public var address: String
    /// All connections of the member (`conCount`).
    public var connectionCount: Int
    /// The member's SDK connections (`sdkConCount`), the figure rebalancing evens out.
    public var sdkConnectionCount: Int
    /// The member's 1-minute load average (`load`).
    public var load: Double
    /// The member's load average per core (`cpu`).
    public var cpu: Double

    /// Creates a reading from its parts.
    public init(address: String, connectionCount: Int, sdkConnectionCount: Int, load: Double = 0, cpu: Double = 0) {
        self.address = address
        self.connectionCount = connectionCount
        self.sdkConnectionCount = sdkConnectionCount
        self.load = load
        self.cpu = cpu
    }

    /// Reads a member's `loaderMetrics`; `nil` when a count is missing, not an integer, or negative (a
    /// missing or unreadable `load` or `cpu` reads as 0).
    public init?(address: String, loaderMetrics metrics: [String: String]) {
        guard let connections = Self.count(metrics["conCount"]), let sdk = Self.count(metrics["sdkConCount"]) else { return nil }
        self.init(
            address: address,
            connectionCount: connections,
            sdkConnectionCount: sdk,
            load: Self.figure(metrics["load"]),
            cpu: Self.figure(metrics["cpu"])
        )
    }

    private static func count(_ text: String?) -> Int? {
        guard let text, let value = Int(text.trimmingSpaces), value >= 0 else { return nil }
        return value
    }

    private static func figure(_ text: String?) -> Double {
        guard let text, let value = Double(text.trimmingSpaces), value.isFinite else { return 0 }
        return value
    }
}

extension String {
    /// The string without leading and trailing spaces.
    fileprivate var trimmingSpaces: Substring {
        var slice = self[...]
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return slice
    }
}
