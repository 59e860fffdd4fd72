import NacosRemote

/// One cluster member as the cluster endpoints show it (Nacos's `Member` JSON): its `ip:port`, its state
/// as this node sees it, its failed-report count and the facts it reports about itself.
///
/// NacosHTTP does not link the cluster module; the server wiring maps its members to these views.
public struct ClusterNodeView: Sendable, Hashable {
    /// The member's IP address or host name.
    public var ip: String
    /// The member's HTTP port.
    public var port: Int
    /// The member's state as Nacos spells it (`UP`, `SUSPICIOUS`, `DOWN`, `STARTING`, `ISOLATION`).
    public var state: String
    /// Consecutive failed reports to the member (Nacos's `failAccessCnt`).
    public var failAccessCount: Int
    /// Extra facts the member reports about itself (version, raftPort, …).
    public var extendInfo: [String: String]

    /// Creates a view; a member is `UP` unless said otherwise.
    public init(ip: String, port: Int, state: String = "UP", failAccessCount: Int = 0, extendInfo: [String: String] = [:]) {
        self.ip = ip
        self.port = port
        self.state = state
        self.failAccessCount = failAccessCount
        self.extendInfo = extendInfo
    }

    /// `ip:port` (`[ip]:port` for IPv6), the member's identity.
    public var address: String { self.ip.contains(":") ? "[\(self.ip)]:\(self.port)" : "\(self.ip):\(self.port)" }

    /// The view of the member at `address` (`ip:port` or `[v6]:port`; a missing or unreadable port is 0).
    static func parse(address: String, state: String = "UP") -> ClusterNodeView {
        if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
            let host = String(address[address.index(after: address.startIndex)..<close])
            let rest = address[address.index(after: close)...]
            return ClusterNodeView(ip: host, port: rest.hasPrefix(":") ? Int(rest.dropFirst()) ?? 0 : 0, state: state)
        }
        guard let colon = address.lastIndex(of: ":") else { return ClusterNodeView(ip: address, port: 0, state: state) }
        return ClusterNodeView(ip: String(address[..<colon]), port: Int(address[address.index(after: colon)...]) ?? 0, state: state)
    }

    /// Writes Nacos's `Member` JSON: `{ip, port, state, extendInfo, address, failAccessCnt, abilities}`.
    func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.key("ip")
            writer.string(self.ip)
            writer.key("port")
            writer.integer(self.port)
            writer.key("state")
            writer.string(self.state)
            writer.key("extendInfo")
            OpenAPIJSON.map(self.extendInfo, to: &writer)
            writer.key("address")
            writer.string(self.address)
            writer.key("failAccessCnt")
            writer.integer(self.failAccessCount)
            writer.key("abilities")
            writer.object { _ in }
        }
    }
}
