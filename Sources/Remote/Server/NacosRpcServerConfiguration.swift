public import NacosTransport

/// How a `NacosRpcServer` listens and behaves; the defaults are Nacos's.
public struct NacosRpcServerConfiguration: Sendable {
    /// Which port a server is: the SDK port refuses cluster-only request types.
    public enum Kind: String, Sendable {
        /// The client port (HTTP port + 1000): SDK connections.
        case sdk
        /// The peer port (HTTP port + 1001): other members of the cluster.
        case cluster
    }

    /// Which port this server is.
    public var kind: Kind
    /// Where to listen; port 0 picks a free port.
    public var address: NacosSocketAddress
    /// The abilities sent in SetupAckRequest (Nacos 2.5.1: `supportPersistentInstanceByGrpc`).
    public var serverAbilities: [String: Bool] = ["supportPersistentInstanceByGrpc": true]
    /// How long a response with error code 503 (over threshold) is held before it is sent (1 s).
    public var overThresholdResponseDelay: Duration = .seconds(1)
    /// The most transport connections open at once; more are closed as soon as they are accepted.
    public var maxConnections: Int = 100_000
    /// The most headers a frame may carry.
    public var maxHeaderCount: Int = 256
    /// When set, the server pings a connection idle for this long and closes one that has sent nothing
    /// for three times as long (Dubbo's heartbeat; used on the cluster port). `nil` leaves idle
    /// connections to the connection manager's ejector.
    public var heartbeat: Duration?
    /// Whether the transport is TLS (recorded in each connection's meta).
    public var tlsProtected = false
    /// The protocol layers the port serves; with more than one, each accepted stream goes to the first
    /// layer that recognizes its first bytes (the native frames by default; the node adds gRPC).
    public var protocols: [any NacosProtocolLayer] = [NacosNativeProtocol()]
    /// How long an accepted stream may take to send enough bytes to tell its protocol (10 s).
    public var protocolDetectionTimeout: Duration = .seconds(10)

    /// Creates a configuration for a server of `kind` listening on `address`.
    public init(kind: Kind = .sdk, address: NacosSocketAddress) {
        self.kind = kind
        self.address = address
    }
}
