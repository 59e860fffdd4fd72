import Foundation

/// The ports a `nacos-server` process bound, read from its
/// `nacos-server started (standalone): HTTP 127.0.0.1:P, client RPC 127.0.0.1:P, cluster RPC 127.0.0.1:P`
/// log line.
struct ServerProcessPorts: Equatable {
    /// The text that starts the line.
    static let startedMarker = "nacos-server started ("

    /// The HTTP Open API port.
    let http: Int
    /// The client (SDK) RPC port.
    let clientRpc: Int
    /// The cluster RPC port.
    let clusterRpc: Int

    /// Reads the ports from the first started line in `log`; `nil` when there is none or it does not parse.
    init?(log: String) {
        guard let line = log.split(separator: "\n").first(where: { $0.contains(Self.startedMarker) }),
            let http = Self.port(after: "HTTP ", in: line),
            let clientRpc = Self.port(after: "client RPC ", in: line),
            let clusterRpc = Self.port(after: "cluster RPC ", in: line)
        else { return nil }
        self.http = http
        self.clientRpc = clientRpc
        self.clusterRpc = clusterRpc
    }

    /// The port of the `host:port` (or `[v6]:port`) address that follows `label` in `line`.
    private static func port(after label: String, in line: Substring) -> Int? {
        guard let start = line.range(of: label)?.upperBound else { return nil }
        let address = line[start...].prefix { $0 != "," && $0 != " " }
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (1...65_535).contains(port)
        else { return nil }
        return port
    }
}
