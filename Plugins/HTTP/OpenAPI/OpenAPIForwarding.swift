public import NacosTransport

/// How the Open API forwards an instance write to the member responsible for the instance (Nacos's
/// `DistroFilter`): the transport the forwarding clients connect over, where a member's HTTP port is, and
/// how long a forward may take.
public struct OpenAPIForwarding: Sendable {
    /// The transport of the keep-alive clients to other members (TCP, TLS or in-memory).
    public var transport: any NacosStreamTransport
    /// The socket address of a member's HTTP port, from its `ip:port`; `nil` when it cannot be reached.
    public var resolve: @Sendable (_ memberAddress: String) -> NacosSocketAddress?
    /// How long connecting to a member, and then its answer, may take (Nacos: 2 s each).
    public var timeout: Duration
    /// The most keep-alive connections kept to one member; forwards to it share them round-robin.
    public var connectionsPerMember: Int

    /// Creates the forwarding settings; by default a member's `ip:port` is its HTTP socket address.
    public init(
        transport: any NacosStreamTransport,
        resolve: @escaping @Sendable (_ memberAddress: String) -> NacosSocketAddress? = OpenAPIForwarding.httpAddress(of:),
        timeout: Duration = .seconds(2),
        connectionsPerMember: Int = 4
    ) {
        self.transport = transport
        self.resolve = resolve
        self.timeout = timeout
        self.connectionsPerMember = max(1, connectionsPerMember)
    }

    /// The socket address of `ip:port` (or `[v6]:port`) when `ip` is an IP literal.
    public static func httpAddress(of memberAddress: String) -> NacosSocketAddress? {
        let node = ClusterNodeView.parse(address: memberAddress)
        guard node.port > 0 else { return nil }
        return try? NacosSocketAddress(ipAddress: node.ip, port: node.port)
    }
}
