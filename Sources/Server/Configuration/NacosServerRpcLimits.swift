/// Limits of the two RPC ports (client and cluster), applied to their servers and transports.
public struct NacosServerRpcLimits: Sendable, Equatable {
    /// The most connections each RPC port keeps open at once (`NacosRpcServerConfiguration.maxConnections`
    /// and the transport's per-listener limit).
    public var maxConnections: Int = 100_000
    /// The largest frame the client RPC port accepts, in bytes (`NacosTransportConfiguration.maxFrameLength`;
    /// Nacos `nacos.remote.server.grpc.sdk.max-inbound-message-size`, 10 MiB).
    public var clientMaxFrameLength: Int = 10 * 1024 * 1024
    /// The largest frame the cluster RPC port and the links to other members accept, in bytes (Nacos
    /// `nacos.remote.server.grpc.cluster.max-inbound-message-size`, 10 MiB there); 100 MiB here, because a
    /// Distro snapshot is one frame and 100k instances take about 31 MB.
    public var clusterMaxFrameLength: Int = 100 * 1024 * 1024
    /// The protocols the client RPC port serves, told apart by each connection's first bytes (gRPC and native).
    public var clientProtocols: [NacosServerRpcProtocol] = [.grpc, .native]
    /// The protocols the cluster RPC port serves (gRPC and native).
    public var clusterProtocols: [NacosServerRpcProtocol] = [.grpc, .native]
    /// The protocol of the links this node opens to the other members (native: both ends are swift-nacos).
    public var clusterLinkProtocol: NacosServerRpcProtocol = .native
    /// The most concurrent HTTP/2 streams a gRPC client may open on one connection (SETTINGS_MAX_CONCURRENT_STREAMS).
    public var grpcMaxConcurrentStreams: Int = 1000
    /// The HTTP/2 stream window a gRPC peer may send before it waits (SETTINGS_INITIAL_WINDOW_SIZE, 1 MiB).
    public var grpcInitialWindowSize: Int = 1 << 20
    /// The largest HTTP/2 header list a gRPC peer may send (SETTINGS_MAX_HEADER_LIST_SIZE, 16 KiB).
    public var grpcMaxHeaderListSize: Int = 16 * 1024

    /// Creates the default limits.
    public init() {}
}
