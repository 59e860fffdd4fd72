public import NacosAuth
public import NacosNaming
public import NacosRemote

/// What the Open API endpoints act on: the node's registry, its connections, and the node-level facts
/// (address, readiness, extra metrics) that only the server wiring knows.
public struct OpenAPIContext: Sendable {
    /// The naming registry.
    public var registry: NamingRegistry
    /// The client-connection manager (loader endpoints, connection metrics).
    public var connections: NacosConnectionManager
    /// The client RPC server, whose request counts the metrics report, if there is one.
    public var rpcServer: NacosRpcServer?
    /// This node's `ip:port` (HTTP port), as the loader and cluster endpoints report it.
    public var selfAddress: String
    /// Whether the node is ready to serve (the readiness probe).
    public var isReady: @Sendable () -> Bool
    /// How many members the cluster has (1 standalone).
    public var memberCount: @Sendable () -> Int
    /// The load of every member that answers (standalone: this node's own).
    public var memberLoads: @Sendable () async -> [MemberLoad]
    /// Asks member `from` (an `ip:port`) to keep `reloadCount` SDK connections and send the rest to `to`;
    /// returns whether it accepted. Standalone: applied to this node.
    public var requestReload: @Sendable (_ from: String, _ reloadCount: Int, _ to: String) async -> Bool
    /// Extra Prometheus families the wiring adds (UDP push counters, HTTP request counts …).
    public var extraMetrics: @Sendable (inout PrometheusExposition) throws -> Void
    /// Every member with its state, for `/nacos/v1/core/cluster/nodes` (standalone: this node, UP).
    public var clusterNodes: @Sendable () -> [ClusterNodeView]
    /// The `ip:port` of the member responsible for a tag (an instance's `ip:port`, reference §7.1);
    /// standalone: this node.
    public var responsibleServer: @Sendable (_ tag: String) -> String
    /// How instance writes for which another member is responsible are forwarded to it; `nil` (standalone)
    /// handles every write here.
    public var forwarding: OpenAPIForwarding?
    /// Users, roles, permissions and tokens: the auth API is served and, when auth is on, every route is
    /// checked; `nil` serves neither.
    public var auth: AuthManager?
    /// The sampled history of the node's activity served at `/nacos/v1/console/metrics/history`; `nil`
    /// (the default) answers that route 503. The wiring creates, starts and stops it.
    public var metricsHistory: MetricsHistory?
    /// The server's version, as `/nacos/v1/console/server/state` reports it.
    public var serverVersion: String

    /// Creates a context; `isReady` defaults to always ready and `extraMetrics` to nothing, and the cluster
    /// facts to those of a standalone node (set `clusterNodes`, `responsibleServer` and `forwarding` for a
    /// cluster member).
    public init(
        registry: NamingRegistry,
        connections: NacosConnectionManager,
        rpcServer: NacosRpcServer? = nil,
        selfAddress: String,
        isReady: @escaping @Sendable () -> Bool = { true },
        extraMetrics: @escaping @Sendable (inout PrometheusExposition) throws -> Void = { _ in }
    ) {
        self.registry = registry
        self.connections = connections
        self.rpcServer = rpcServer
        self.selfAddress = selfAddress
        self.isReady = isReady
        self.extraMetrics = extraMetrics
        self.memberCount = { 1 }
        self.clusterNodes = { [ClusterNodeView.parse(address: selfAddress)] }
        self.responsibleServer = { _ in selfAddress }
        self.forwarding = nil
        self.auth = nil
        self.metricsHistory = nil
        self.serverVersion = "unknown"
        self.memberLoads = {
            let host = NacosHostLoad.current()
            return [
                MemberLoad(
                    address: selfAddress,
                    connectionCount: connections.connectionCount,
                    sdkConnectionCount: connections.sdkConnectionCount,
                    load: host.load,
                    cpu: host.cpu
                )
            ]
        }
        self.requestReload = { _, reloadCount, to in
            let response = try? await NacosServerReloadHandler(connectionManager: connections).handle(
                ServerReloadRequest(reloadCount: reloadCount, reloadServer: to),
                meta: NacosRequestMeta(connectionId: "local", clientIp: "127.0.0.1")
            )
            return response?.success ?? false
        }
    }
}
