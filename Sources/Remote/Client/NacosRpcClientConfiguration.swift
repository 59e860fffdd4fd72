public import NacosTransport

/// The servers, identity, timers and retry policy of a `NacosRpcClient`; defaults are the Java SDK's
/// (reference §8.1–8.2, `nacos.remote.client.grpc.*`).
public struct NacosRpcClientConfiguration: Sendable {
    /// A name for logs and thread-free identification (`naming`, `cluster-10.0.0.2`, …).
    public var name: String
    /// The servers' RPC addresses, used round-robin from a random start.
    public var serverAddresses: [NacosSocketAddress]
    /// Labels sent in ConnectionSetupRequest (`source`, `module`, `AppName`).
    public var labels: [String: String] = ["source": "sdk"]
    /// The version string sent in ConnectionSetupRequest.
    public var clientVersion = "Nacos-Swift-Client:v0.1.0"
    /// The namespace sent in ConnectionSetupRequest.
    public var tenant: String?
    /// The abilities sent in ConnectionSetupRequest; `nil` sends none, and then no SetupAck is awaited.
    public var abilityTable: [String: Bool]? = [:]
    /// The IP sent as the payload's `clientIp`; `nil` uses the local address of each connection.
    public var clientIp: String?
    /// Headers added to every request (`app`); `NacosRpcClient.setHeader(_:_:)` adds ones that change
    /// while the client runs (an access token).
    public var headers: [String: String] = [:]
    /// Synchronous connection attempts made by `start()` before it leaves reconnecting to the background (3).
    public var startAttempts = 3
    /// The default timeout of a request, over all its attempts (3 s).
    public var requestTimeout: Duration = .seconds(3)
    /// How many times a request is retried after a connection-level failure (3).
    public var retryTimes = 3
    /// The timeout of the transport connect (3 s).
    public var connectTimeout: Duration = .seconds(3)
    /// The timeout of ServerCheckRequest (3 s).
    public var serverCheckTimeout: Duration = .seconds(3)
    /// How long to wait for SetupAckRequest after ConnectionSetupRequest when the server negotiates (5 s).
    public var setupAckTimeout: Duration = .seconds(5)
    /// How long the connection may be silent before a HealthCheckRequest is sent (5 s).
    public var keepAliveTime: Duration = .seconds(5)
    /// How often the connection's idleness is checked; `nil` checks every `keepAliveTime`.
    public var healthCheckInterval: Duration?
    /// The timeout of one HealthCheckRequest (3 s).
    public var healthCheckTimeout: Duration = .seconds(3)
    /// How many HealthCheckRequests are tried before the connection is declared unhealthy (3).
    public var healthCheckAttempts = 3
    /// The unit of the reconnect back-off: the wait after a failed pass is `unit × min(turn + 1, 50)` (100 ms).
    public var reconnectBackoffUnit: Duration = .milliseconds(100)
    /// When set, a connection that has received nothing for this long is abandoned and replaced
    /// (Dubbo's 3 × heartbeat rule); `nil` relies on health checks alone.
    public var readIdleTimeout: Duration?
    /// The offset from a server's HTTP port to its RPC port, applied to ConnectResetRequest's `serverPort` (1000).
    public var serverPortOffset = 1000
    /// The most headers a frame may carry.
    public var maxHeaderCount = 256
    /// The protocol layer spoken to the servers: the native frames (the default of this module) or gRPC
    /// (`NacosGRPCProtocol` in the NacosGRPC module, which the Swift SDK uses by default).
    public var protocolLayer: any NacosProtocolLayer = NacosNativeProtocol()

    /// Creates a configuration for the given servers.
    public init(name: String = "nacos-rpc-client", serverAddresses: [NacosSocketAddress]) {
        self.name = name
        self.serverAddresses = serverAddresses
    }
}
