/// The registry's counts for `GET /operator/metrics` (Nacos's `OperatorController.metrics`), read from
/// counters kept as the registry changes; only the responsibility of ip:port clients is computed per call.
public struct NamingMetrics: Sendable, Equatable {
    /// Services.
    public var serviceCount: Int
    /// Published instances, over all clients.
    public var instanceCount: Int
    /// Subscriptions (client–service pairs).
    public var subscribeCount: Int
    /// Clients of every kind.
    public var clientCount: Int
    /// Connection clients (native and synced).
    public var connectionBasedClientCount: Int
    /// Ephemeral ip:port clients (`…#true`).
    public var ephemeralIpPortClientCount: Int
    /// Persistent ip:port clients (`…#false`).
    public var persistentIpPortClientCount: Int
    /// Clients this node is responsible for: native connections and ip:port clients that map here.
    public var responsibleClientCount: Int
    /// Instances published by the clients this node is responsible for (Nacos counts their services).
    public var responsibleInstanceCount: Int

    /// Creates a metrics record.
    public init(
        serviceCount: Int,
        instanceCount: Int,
        subscribeCount: Int,
        clientCount: Int,
        connectionBasedClientCount: Int,
        ephemeralIpPortClientCount: Int,
        persistentIpPortClientCount: Int,
        responsibleClientCount: Int,
        responsibleInstanceCount: Int
    ) {
        self.serviceCount = serviceCount
        self.instanceCount = instanceCount
        self.subscribeCount = subscribeCount
        self.clientCount = clientCount
        self.connectionBasedClientCount = connectionBasedClientCount
        self.ephemeralIpPortClientCount = ephemeralIpPortClientCount
        self.persistentIpPortClientCount = persistentIpPortClientCount
        self.responsibleClientCount = responsibleClientCount
        self.responsibleInstanceCount = responsibleInstanceCount
    }
}
