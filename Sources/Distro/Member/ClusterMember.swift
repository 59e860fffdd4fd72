import Foundation

/// One node of the cluster (Nacos's `Member`): its `ip:port` (the HTTP port), its health, and the count
/// of consecutive failed reports.
public struct ClusterMember: Sendable, Hashable, CustomStringConvertible {
    /// The default member port when `cluster.conf` leaves it out.
    public static let defaultPort = 8848

    /// The member's IP address or host name.
    public var ip: String
    /// The member's HTTP port; its cluster RPC port is this + 1001.
    public var port: Int
    /// The member's health as this node sees it.
    public var state: NodeState
    /// Consecutive failed reports to this member (Nacos's `failAccessCnt`).
    public var failAccessCount: Int
    /// Extra facts the member reports about itself (version, raftPort, …), as strings.
    public var extendInfo: [String: String]

    /// Creates a member; new members are `UP`, as in Nacos.
    public init(ip: String, port: Int = ClusterMember.defaultPort, state: NodeState = .up, failAccessCount: Int = 0, extendInfo: [String: String] = [:]) {
        self.ip = ip
        self.port = port
        self.state = state
        self.failAccessCount = failAccessCount
        self.extendInfo = extendInfo
    }

    /// `ip:port` (`[ip]:port` for IPv6), the member's identity everywhere (DistroMapper, `targetServer`,
    /// loader endpoints).
    public var address: String { self.ip.contains(":") ? "[\(self.ip)]:\(self.port)" : "\(self.ip):\(self.port)" }

    /// The address and state.
    public var description: String { "\(self.address)[\(self.state.rawValue)]" }

    /// Parses `ip[:port]` (`[v6]:port` for IPv6), blanks trimmed; `nil` when it is not an address.
    public static func parse(_ text: String, defaultPort: Int = ClusterMember.defaultPort) -> ClusterMember? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { return nil }
            let host = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            let rest = trimmed[trimmed.index(after: close)...]
            guard !host.isEmpty else { return nil }
            if rest.isEmpty { return ClusterMember(ip: host, port: defaultPort) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1...65535).contains(port) else { return nil }
            return ClusterMember(ip: host, port: port)
        }
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            return ClusterMember(ip: trimmed, port: defaultPort)
        case 2:
            guard !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port) else { return nil }
            return ClusterMember(ip: String(parts[0]), port: port)
        default:
            return nil
        }
    }
}
