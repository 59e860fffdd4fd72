public import NacosNaming
public import NacosRemote
public import NacosTransport

/// Cluster mode of one node, assembled: the member list and its health reports, the DistroMapper, Distro
/// replication of the registry's ephemeral clients, the cluster-wide loader and the optional automatic
/// rebalance, all over one set of shared, reference-counted links to the other members.
///
/// Create the `DistroMapper` first and give the registry its responsibility check
/// (`NamingRegistry(isResponsibleAddress: { mapper.isResponsible($0) })`), then create the cluster with
/// both, `install(into:)` the cluster RPC server's handler registry, and `start()` it once the servers
/// listen.
public final class NacosCluster: Sendable {
    /// This node as a member.
    public let selfMember: ClusterMember
    /// The members and their health.
    public let members: ServerMemberManager
    /// Which member answers for an `ip:port`.
    public let mapper: DistroMapper
    /// Reads and applies the registry's client data for Distro.
    public let processor: DistroClientDataProcessor
    /// Replication of this node's clients to the other members.
    public let distro: DistroProtocol
    /// Connection metrics and reloads across the members.
    public let loader: ClusterLoader
    /// The automatic rebalance of SDK connections, when enabled.
    public let rebalancer: ClusterAutoRebalancer?
    private let links: ClusterRpcClients
    private let pool: NacosSharedConnectionPool

    /// Creates the cluster parts of a node.
    ///
    /// - Parameters:
    ///   - selfMember: this node (`ip` as peers reach it, the HTTP port).
    ///   - members: every member from `cluster.conf` or `nacos.member.list` (self is added when missing).
    ///   - mapper: the mapper the registry's responsibility check reads.
    ///   - transport: how peer links connect (the cluster RPC transport: TCP, TLS or in-memory).
    ///   - linkProtocol: the protocol layer peer links speak (native frames or gRPC).
    ///   - resolve: a member address's cluster RPC socket address; by default its ip with port + 1001.
    ///   - decorateSender: wraps the links every cluster request goes through (tests drop or delay messages).
    ///   - linkHeaders: headers every request to another member carries (the server identity when auth is on).
    public init(
        selfMember: ClusterMember,
        members: [ClusterMember],
        memberConfiguration: ClusterMemberConfiguration = ClusterMemberConfiguration(),
        distroConfiguration: DistroConfiguration = DistroConfiguration(),
        rebalanceConfiguration: ClusterRebalanceConfiguration = ClusterRebalanceConfiguration(),
        mapper: DistroMapper,
        registry: NamingRegistry,
        connections: NacosConnectionManager,
        transport: any NacosTransport,
        linkProtocol: any NacosProtocolLayer = NacosNativeProtocol(),
        resolve: @escaping @Sendable (String) -> NacosSocketAddress? = NacosCluster.defaultClusterAddress,
        decorateSender: (any ClusterRequestSender) -> any ClusterRequestSender = { $0 },
        linkHeaders: [String: String] = [:],
        clock: any NacosClock = NacosSystemClock(),
        logger: NacosLogger = NacosLogger(label: "nacos.cluster")
    ) {
        var linkConfiguration = NacosSharedConnectionConfiguration()
        linkConfiguration.client.headers.merge(linkHeaders) { _, new in new }
        linkConfiguration.lazyConnect = true
        linkConfiguration.client.requestTimeout = distroConfiguration.syncTimeout
        linkConfiguration.client.protocolLayer = linkProtocol
        let pool = NacosSharedConnectionPool(
            configuration: linkConfiguration,
            transport: transport,
            payloads: .cluster,
            clock: clock,
            logger: logger
        )
        let links = ClusterRpcClients(pool: pool, resolve: resolve)
        let sender = decorateSender(links)
        let memberManager = ServerMemberManager(
            selfMember: selfMember,
            members: members,
            configuration: memberConfiguration,
            sender: sender,
            clock: clock,
            logger: logger
        )
        let processor = DistroClientDataProcessor(registry: registry)
        let loader = ClusterLoader(
            selfAddress: selfMember.address,
            connections: connections,
            members: { memberManager.allMembers.map(\.address) },
            sender: sender
        )
        self.selfMember = selfMember
        self.pool = pool
        self.links = links
        self.members = memberManager
        self.mapper = mapper
        self.processor = processor
        self.loader = loader
        self.distro = DistroProtocol(
            configuration: distroConfiguration,
            selfAddress: selfMember.address,
            registry: registry,
            processor: processor,
            sender: sender,
            clock: clock,
            logger: logger
        )
        self.rebalancer =
            rebalanceConfiguration.enabled
            ? ClusterAutoRebalancer(
                configuration: rebalanceConfiguration,
                loader: loader,
                selfAddress: selfMember.address,
                clock: clock,
                logger: logger
            )
            : nil
        mapper.updateHealthyMembers(memberManager.distroHealthyAddresses)
    }

    /// A member's cluster RPC address as Nacos derives it: its ip, and its HTTP port + 1001.
    public static func defaultClusterAddress(_ memberAddress: String) -> NacosSocketAddress? {
        guard let member = ClusterMember.parse(memberAddress) else { return nil }
        return try? NacosSocketAddress(ipAddress: member.ip, port: member.port + 1001)
    }

    /// Whether the start-up snapshot has been loaded: the node is not ready before.
    public var isInitialized: Bool { self.distro.isInitialized }

    /// How long a Distro QUERY waits for a sync in flight to the asking member before it answers anyway:
    /// well below the 2 s a forwarding node gives its query, so that the asker still gets an answer.
    static let queryWaitLimit: Duration = .seconds(1)

    /// Adds the cluster-only handlers (Distro data, member reports, loader metrics and reloads) to the
    /// cluster RPC server's registry.
    public func install(into handlers: inout NacosRequestHandlerRegistry) {
        let distro = self.distro
        handlers.register(
            DistroDataRequestHandler(
                processor: self.processor,
                awaitSyncInFlight: { clientId, member in
                    await distro.waitForSyncInFlight(clientId: clientId, to: member, timeout: Self.queryWaitLimit)
                }
            )
        )
        handlers.register(MemberReportHandler(members: self.members))
        handlers.register(NacosServerLoaderInfoHandler(connectionManager: self.loader.connections))
        handlers.register(NacosServerReloadHandler(connectionManager: self.loader.connections))
    }

    /// Starts the member reports, Distro (snapshot load, then sync and verify) and the rebalancer.
    public func start() {
        let mapper = self.mapper
        let distro = self.distro
        let members = self.members
        members.addListener { all in
            mapper.updateHealthyMembers(members.distroHealthyAddresses)
            distro.membersChanged(peers: all.map(\.address).filter { $0 != members.selfMember.address })
        }
        members.start()
        distro.start(peers: members.peers.map(\.address))
        self.rebalancer?.start()
    }

    /// Stops the reports, replication and rebalance, and closes the links to the other members.
    public func shutdown() {
        self.rebalancer?.shutdown()
        self.distro.shutdown()
        self.members.shutdown()
        self.links.shutdown()
        self.pool.shutdown()
    }
}
