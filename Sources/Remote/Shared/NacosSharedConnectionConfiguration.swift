/// How a `NacosSharedConnectionPool` connects to each remote address (Dubbo's connection model).
public struct NacosSharedConnectionConfiguration: Sendable {
    /// Connections opened per remote address; calls are spread over them round-robin (1).
    public var connectionsPerAddress = 1
    /// Whether connecting waits for the first call instead of happening at `acquire` (false).
    public var lazyConnect = false
    /// Idle time after which a connection is pinged; a connection that has read nothing for three
    /// heartbeats is replaced (60 s, Dubbo's default).
    public var heartbeat: Duration = .seconds(60)
    /// The template for each connection's client: labels, version, timeouts. Its `serverAddresses` is
    /// replaced by the acquired address, and its keep-alive and read-idle timeouts by the heartbeat's.
    public var client: NacosRpcClientConfiguration

    /// Creates a configuration whose connections identify as cluster peers (`source=cluster`).
    public init(clientVersion: String = "Nacos-Swift-Server:v0.1.0") {
        var client = NacosRpcClientConfiguration(name: "shared", serverAddresses: [])
        client.labels = [NacosConnectionMeta.sourceLabel: "cluster"]
        client.clientVersion = clientVersion
        self.client = client
    }
}
