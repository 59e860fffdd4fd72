/// The three ports of a node, derived from the HTTP port as Nacos derives them.
public struct NacosServerPorts: Sendable, Hashable {
    /// How far the client RPC port sits above the HTTP port (Nacos's `SDK_GRPC_PORT_DEFAULT_OFFSET`).
    public static let clientRpcOffset = 1000
    /// How far the cluster RPC port sits above the HTTP port (Nacos's `CLUSTER_GRPC_PORT_DEFAULT_OFFSET`).
    public static let clusterRpcOffset = 1001

    /// The HTTP Open API port (8848 by default).
    public var http: Int
    /// The port SDK connections use (HTTP + 1000).
    public var clientRpc: Int
    /// The port other members use (HTTP + 1001).
    public var clusterRpc: Int

    /// Derives the RPC ports from the HTTP port.
    public init(http: Int) {
        self.http = http
        self.clientRpc = http + Self.clientRpcOffset
        self.clusterRpc = http + Self.clusterRpcOffset
    }
}
