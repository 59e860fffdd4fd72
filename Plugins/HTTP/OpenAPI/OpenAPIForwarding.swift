public import NacosTransport
import NacosNaming

/// How the Open API forwards an instance write to the member responsible for the instance (Nacos's
/// `DistroFilter`): the transport the forwarding clients connect over, where a member's HTTP port is, how
/// long a forward may take, and how this node catches up with a forwarded write before it answers.
public struct OpenAPIForwarding: Sendable {
    /// The transport of the keep-alive clients to other members (TCP, TLS or in-memory).
    public var transport: any NacosStreamTransport
    /// The socket address of a member's HTTP port, from its `ip:port`; `nil` when it cannot be reached.
    public var resolve: @Sendable (_ memberAddress: String) -> NacosSocketAddress?
    /// How long connecting to a member, and then its answer, may take (Nacos: 2 s each).
    public var timeout: Duration
    /// The most keep-alive connections kept to one member; forwards to it share them round-robin.
    public var connectionsPerMember: Int
    /// Brings this node up to date with the result of an ephemeral instance write that the responsible
    /// member answered with success, before that answer is relayed: the wiring fetches the member's data of
    /// the written `ip:port` client and applies it as Distro sync data, so that the client reads its own
    /// write on the node it wrote to without waiting for Distro's sync. It must return in bounded time and
    /// never fail the write (the answer is relayed whatever it does); `nil` relays at once (the written
    /// data then arrives with the next sync).
    public var catchUp: (@Sendable (_ write: ForwardedWrite) async -> Void)?

    /// Creates the forwarding settings; by default a member's `ip:port` is its HTTP socket address.
    public init(
        transport: any NacosStreamTransport,
        resolve: @escaping @Sendable (_ memberAddress: String) -> NacosSocketAddress? = OpenAPIForwarding.httpAddress(of:),
        timeout: Duration = .seconds(2),
        connectionsPerMember: Int = 4,
        catchUp: (@Sendable (_ write: ForwardedWrite) async -> Void)? = nil
    ) {
        self.transport = transport
        self.resolve = resolve
        self.timeout = timeout
        self.connectionsPerMember = max(1, connectionsPerMember)
        self.catchUp = catchUp
    }

    /// The socket address of `ip:port` (or `[v6]:port`) when `ip` is an IP literal.
    public static func httpAddress(of memberAddress: String) -> NacosSocketAddress? {
        let node = ClusterNodeView.parse(address: memberAddress)
        guard node.port > 0 else { return nil }
        return try? NacosSocketAddress(ipAddress: node.ip, port: node.port)
    }
}

extension OpenAPIForwarding {
    /// An ephemeral instance write that this node forwarded and the responsible member answered with
    /// success (what `catchUp` is given).
    public struct ForwardedWrite: Sendable, Hashable {
        /// What the write did.
        public enum Kind: Sendable, Hashable {
            /// `POST /instance`.
            case register
            /// `DELETE /instance`.
            case deregister
            /// `PUT` or `PATCH /instance`.
            case update
            /// `PUT /instance/beat` that the member knew (code 10200); `light` when it carried no `beat`
            /// JSON, so that it could only renew an instance (and revive it), never register one.
            case beat(light: Bool)
        }

        /// What the write did.
        public var kind: Kind
        /// The instance's `ip:port`, the tag the responsible member was chosen by.
        public var address: String
        /// The member that handled the write (`ip:port`).
        public var member: String

        /// Creates the description of a forwarded write.
        public init(kind: Kind, address: String, member: String) {
            self.kind = kind
            self.address = address
            self.member = member
        }

        /// The ephemeral client the write changed, `ip:port#true`.
        public var clientId: String { IpPortBasedClient.clientId(address: self.address, ephemeral: true) }
    }
}
