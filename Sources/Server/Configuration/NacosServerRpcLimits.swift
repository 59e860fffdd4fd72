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

    /// Creates the default limits.
    public init() {}
}
