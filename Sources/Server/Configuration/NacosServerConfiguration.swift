public import NacosDistro
public import NacosNaming
public import NacosRemote
public import NacosTransport

/// Everything a nacos-server node is configured with; the defaults are a standalone node with in-memory
/// state on Nacos's ports. `NacosServerConfigurationLoader` fills it from a file, the environment and flags.
public struct NacosServerConfiguration: Sendable {
    /// Whether the node runs alone or as a member of a cluster.
    public enum Mode: String, Sendable, CaseIterable {
        /// A single node that replicates nothing (Nacos `-m standalone`).
        case standalone
        /// A member of the cluster given by `memberList` or the `cluster.conf` file (Nacos `-m cluster`).
        case cluster
    }

    /// The HTTP Open API port (8848); 0 picks a free port.
    public var httpPort = 8848
    /// The client (SDK) RPC port, or `nil` for `httpPort + 1000` (a free port when `httpPort` is 0).
    public var clientRpcPort: Int?
    /// The cluster (peer) RPC port, or `nil` for `httpPort + 1001` (a free port when `httpPort` is 0).
    public var clusterRpcPort: Int?
    /// The address every port listens on ("0.0.0.0": all IPv4 interfaces).
    public var bindHost = "0.0.0.0"
    /// The IP this node tells clients and peers, or `nil` to detect it at start-up.
    public var advertisedIP: String?
    /// Whether the node is standalone or a cluster member.
    public var mode: Mode = .standalone
    /// The cluster's members as `ip[:port]` (Nacos `nacos.member.list`); when empty, a cluster node reads
    /// them from `clusterConfFile`.
    public var memberList: [String] = []
    /// The node's home directory (Nacos `nacos.home`), or `nil` for the working directory.
    public var nacosHome: String?
    /// The `cluster.conf` file, or `nil` for `conf/cluster.conf` under the home directory.
    public var clusterConfPath: String?
    /// The lowest level logged to standard error.
    public var logLevel: NacosLogger.Level = .info
    /// How long a graceful shutdown (SIGINT, SIGTERM) may take before the process exits anyway (10 s).
    public var shutdownGracePeriod: Duration = .seconds(10)

    /// TLS of the client RPC port.
    public var clientRpcTLS = NacosServerTLSSettings()
    /// TLS of the cluster RPC port, used by this node's links to its peers as well.
    public var clusterRpcTLS = NacosServerTLSSettings()
    /// TLS of the HTTP port (HTTPS); plaintext is refused on a TLS HTTP port unless asked for.
    public var httpTLS = NacosServerTLSSettings(allowPlaintext: false)

    /// The naming core's settings.
    public var naming = NamingConfiguration()
    /// Where durable naming state lives (SQLite under the home directory by default).
    public var store = NacosServerStoreSettings()
    /// Authentication and authorization (`nacos.core.auth.*`).
    public var auth = NacosServerAuthSettings()
    /// The connection manager's timers and limits (ejector, loader, limit rule).
    public var connections = NacosConnectionManagerConfiguration()
    /// Limits of the RPC ports.
    public var rpc = NacosServerRpcLimits()
    /// Limits of the HTTP port.
    public var http = NacosServerHTTPLimits()
    /// The 1.x UDP push.
    public var udpPush = NacosServerUDPPushSettings()
    /// Distro's timers (cluster mode).
    public var distro = DistroConfiguration()
    /// How members report to each other and when one counts as down (cluster mode).
    public var members = ClusterMemberConfiguration()
    /// The automatic rebalance of SDK connections across members (cluster mode; off by default).
    public var rebalance = ClusterRebalanceConfiguration()

    /// Creates the default configuration: standalone, SQLite under the home directory, HTTP 8848, RPC 9848
    /// and 9849, no TLS.
    public init() {}

    /// Whether the node runs alone (Nacos `nacos.standalone`).
    public var standalone: Bool {
        get { self.mode == .standalone }
        set { self.mode = newValue ? .standalone : .cluster }
    }

    /// The home directory in effect: `nacosHome`, or the working directory.
    public var effectiveNacosHome: String {
        self.nacosHome ?? ConfigurationFileSystem.currentDirectory()
    }

    /// The `cluster.conf` file a cluster node reads its members from when `memberList` is empty:
    /// `clusterConfPath`, or `conf/cluster.conf` under the home directory (Nacos's place for it).
    public var clusterConfFile: String {
        if let clusterConfPath = self.clusterConfPath { return clusterConfPath }
        let home = self.effectiveNacosHome
        return (home.hasSuffix("/") ? home : home + "/") + "conf/cluster.conf"
    }

    /// The three ports: explicit RPC ports where set, else derived from the HTTP port as Nacos derives
    /// them; with HTTP port 0 every derived port is 0 too, so each picks its own free port.
    public var ports: NacosServerPorts {
        var ports = NacosServerPorts(http: self.httpPort)
        if self.httpPort == 0 {
            ports.clientRpc = 0
            ports.clusterRpc = 0
        }
        if let clientRpcPort = self.clientRpcPort { ports.clientRpc = clientRpcPort }
        if let clusterRpcPort = self.clusterRpcPort { ports.clusterRpc = clusterRpcPort }
        return ports
    }
}
