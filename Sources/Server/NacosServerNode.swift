public import NacosAuth
import NacosConsole
public import NacosHTTP
public import NacosNaming
public import NacosRemote
import NacosStore
public import NacosDistro
import NacosGRPC
import NacosHTTP2
import NacosTLS
public import NacosTransport
import Synchronization

/// A whole node: the naming registry behind the client RPC port, the cluster RPC port, the HTTP Open
/// API, UDP push to 1.x subscribers, and their orderly start and graceful stop.
///
/// `nacos-server` is this type plus a command line and signal handling; an app can embed a node the
/// same way:
///
/// ```swift
/// let node = try await NacosServerNode.start(configuration: configuration, logger: logger)
/// …
/// await node.shutdown(gracePeriod: .seconds(10))
/// ```
public final class NacosServerNode: Sendable {
    /// The configuration the node runs with.
    public let configuration: NacosServerConfiguration
    /// Every client and cluster connection.
    public let connections: NacosConnectionManager
    /// The naming registry.
    public let registry: NamingRegistry
    /// The server SDK clients connect to (HTTP port + 1000).
    public let clientRpcServer: NacosRpcServer
    /// The server other members connect to (HTTP port + 1001).
    public let clusterRpcServer: NacosRpcServer
    /// The HTTP/1.1 Open API server.
    public let httpServer: NacosHTTPServer
    /// Pushes to 1.x UDP subscribers, when enabled.
    public let udpPush: UdpPushExecutor?
    /// Membership, Distro and the cluster loader; `nil` on a standalone node.
    public let cluster: NacosCluster?
    /// Users, roles, permissions and tokens (enforced when `nacos.core.auth.enabled`).
    public let auth: AuthManager
    /// Where the HTTP server listens.
    public let httpAddress: NacosSocketAddress
    /// Where SDK clients connect.
    public let clientRpcAddress: NacosSocketAddress
    /// Where other members connect.
    public let clusterRpcAddress: NacosSocketAddress
    private let components: Components
    private let logger: NacosLogger
    private let ready = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)

    private init(
        configuration: NacosServerConfiguration,
        components: Components,
        addresses: (http: NacosSocketAddress, client: NacosSocketAddress, cluster: NacosSocketAddress),
        logger: NacosLogger
    ) {
        self.configuration = configuration
        self.connections = components.connections
        self.registry = components.registry
        self.clientRpcServer = components.clientRpcServer
        self.clusterRpcServer = components.clusterRpcServer
        self.httpServer = components.httpServer
        self.udpPush = components.udpPush
        self.cluster = components.cluster
        self.auth = components.auth
        self.components = components
        self.httpAddress = addresses.http
        self.clientRpcAddress = addresses.client
        self.clusterRpcAddress = addresses.cluster
        self.logger = logger
    }

    /// Whether the node has started, is not shutting down, and (in cluster mode) has loaded the Distro
    /// snapshot from a member (the readiness probe).
    public var isReady: Bool { self.ready.load(ordering: .relaxed) && (self.cluster?.isInitialized ?? true) }

    /// Builds every part, binds the three ports (and the UDP push socket), and starts serving.
    ///
    /// - Throws: the first bind or TLS failure; whatever had started is stopped again.
    public static func start(
        configuration: NacosServerConfiguration,
        logger: NacosLogger,
        group: NacosEventLoopGroup = .shared,
        clock: any NacosClock = NacosSystemClock()
    ) async throws -> NacosServerNode {
        let readiness = ReadinessFlag()
        let components = try await Components.make(
            configuration: configuration,
            logger: logger,
            group: group,
            clock: clock,
            readiness: readiness
        )
        do {
            let ports = configuration.ports
            try await components.clientRpcServer.bind()
            try await components.clusterRpcServer.bind()
            let http = try await components.httpServer.start(
                on: try NacosSocketAddress(ipAddress: configuration.bindHost, port: ports.http)
            )
            let node = NacosServerNode(
                configuration: configuration,
                components: components,
                addresses: (
                    http,
                    components.clientRpcServer.localAddress ?? http,
                    components.clusterRpcServer.localAddress ?? http
                ),
                logger: logger
            )
            components.clientRpcServer.markStarted()
            components.clusterRpcServer.markStarted()
            components.connections.start()
            components.registry.start()
            components.metricsHistory.start()
            components.cluster?.start()
            node.ready.store(true, ordering: .relaxed)
            readiness.node = node
            logger.info(
                "nacos-server started (\(configuration.mode.rawValue)): HTTP \(http), client RPC \(node.clientRpcAddress), cluster RPC \(node.clusterRpcAddress)"
            )
            return node
        } catch {
            await components.stop(gracePeriod: .zero)
            throw error
        }
    }

    /// Stops gracefully: readiness turns false, the servers stop accepting, requests in progress are
    /// answered, then every connection closes; whatever is still running after `gracePeriod` is cut off.
    /// Calling it again does nothing.
    public func shutdown(gracePeriod: Duration) async {
        guard !self.stopped.exchange(true, ordering: .relaxed) else { return }
        self.ready.store(false, ordering: .relaxed)
        self.logger.info("nacos-server shutting down (grace period \(gracePeriod))")
        await self.components.stop(gracePeriod: gracePeriod)
        self.logger.info("nacos-server stopped")
    }
}

/// Lets the HTTP readiness probe, built before the node exists, ask the node once it does.
private final class ReadinessFlag: Sendable {
    private let state = Mutex<NacosServerNode?>(nil)

    var node: NacosServerNode? {
        get { self.state.withLock { $0 } }
        set { self.state.withLock { $0 = newValue } }
    }
}

/// The parts of a node, built before anything listens.
private struct Components: Sendable {
    let connections: NacosConnectionManager
    let registry: NamingRegistry
    let clientRpcServer: NacosRpcServer
    let clusterRpcServer: NacosRpcServer
    let httpServer: NacosHTTPServer
    let openAPI: NacosOpenAPI
    /// The samples of the node's counters the console's overview draws (`/nacos/v1/console/metrics/history`).
    let metricsHistory: MetricsHistory
    let udpPush: UdpPushExecutor?
    let cluster: NacosCluster?
    /// The node's store, shared by the registry and the auth directory.
    let partitions: NacosStorePartitions
    /// Users, roles, permissions and tokens.
    let auth: AuthManager

    static func make(
        configuration: NacosServerConfiguration,
        logger: NacosLogger,
        group: NacosEventLoopGroup,
        clock: any NacosClock,
        readiness: ReadinessFlag
    ) async throws -> Components {
        let ports = configuration.ports
        let connections = NacosConnectionManager(configuration: configuration.connections, clock: clock, logger: logger)
        let udpPush: UdpPushExecutor? =
            configuration.udpPush.enabled
            ? try await UdpPushExecutor(on: group.next(), ackTimeout: configuration.udpPush.ackTimeout, logger: logger)
            : nil
        // Its version travels with its member reports, so every member's console shows it (Nacos's
        // `extendInfo.version`).
        let selfMember = ClusterMember(
            ip: configuration.advertisedIP ?? Self.fallbackIP(configuration.bindHost),
            port: ports.http,
            extendInfo: ["version": NacosServerConfigurationLoader.version]
        )
        let members = try configuration.mode == .cluster ? ClusterMemberSource.members(of: configuration, logger: logger) : []
        let mapper = DistroMapper(
            selfAddress: selfMember.address,
            healthyMembers: members.map(\.address),
            enabled: configuration.mode == .cluster
        )
        let baseStore = try ServerStoreFactory.make(configuration)
        // One store, two owners: the registry's records and the auth directory's, each with its share of
        // the snapshot and the change feed.
        let partitions = NacosStorePartitions(base: baseStore, partitions: [NamingStoreKind.all, AuthDirectory.storeKinds])
        let store = partitions.partition(0)
        let registry = NamingRegistry(
            configuration: configuration.naming,
            connectionManager: connections,
            store: store,
            clock: clock,
            logger: logger,
            udpExecutor: udpPush,
            isResponsibleAddress: { mapper.isResponsible($0) }
        )
        do {
            try await registry.open()
        } catch {
            await partitions.close()
            let key = ServerStoreFactory.key(for: configuration)
            let message = error.message.hasPrefix(key + ": ") ? String(error.message.dropFirst(key.count + 2)) : error.message
            throw ServerStoreFactory.Failure(key: key, message: "the \(store.kind) store cannot open: \(message)")
        }
        logger.info("naming store: \(store.kind) (\(store.health.detail)), \(registry.storeApplier.appliedRecords) record(s) loaded")
        let auth = AuthManager(
            configuration: ServerAuthFactory.configuration(configuration.auth),
            directory: AuthDirectory(store: partitions.partition(1), logger: logger),
            clock: clock,
            logger: logger
        )
        do {
            try await auth.open()
        } catch {
            registry.shutdown()
            await partitions.close()
            throw error
        }
        Self.warnAboutAuth(configuration, auth: auth, logger: logger)

        var clientHandlers = NacosRequestHandlerRegistry()
        if auth.isEnabled {
            let filter = AuthRequestFilter(manager: auth, rules: RequestAuthRules.clientPort)
            clientHandlers.addFilter(filter)
            connections.addListener(filter)
        }
        registry.install(into: &clientHandlers)
        var clientRpc = NacosRpcServerConfiguration(
            kind: .sdk,
            address: try NacosSocketAddress(ipAddress: configuration.bindHost, port: ports.clientRpc)
        )
        clientRpc.maxConnections = configuration.rpc.maxConnections
        clientRpc.tlsProtected = configuration.clientRpcTLS.enabled
        clientRpc.protocols = configuration.rpc.clientProtocols.map {
            Self.protocolLayer($0, maxMessageSize: configuration.rpc.clientMaxFrameLength, limits: configuration.rpc)
        }
        let clientRpcServer = NacosRpcServer(
            configuration: clientRpc,
            transport: try ServerTransportFactory.make(
                tls: configuration.clientRpcTLS,
                maxFrameLength: configuration.rpc.clientMaxFrameLength,
                applicationProtocols: configuration.rpc.clientProtocols.contains(.grpc) ? ["h2"] : [],
                group: group,
                logger: logger
            ),
            handlers: clientHandlers,
            payloads: NamingRegistry.payloads,
            connectionManager: connections,
            clock: clock,
            logger: logger
        )

        let clusterTransport = try ServerTransportFactory.make(
            tls: configuration.clusterRpcTLS,
            maxFrameLength: configuration.rpc.clusterMaxFrameLength,
            applicationProtocols: configuration.rpc.clusterProtocols.contains(.grpc) || configuration.rpc.clusterLinkProtocol == .grpc ? ["h2"] : [],
            group: group,
            logger: logger
        )
        let cluster: NacosCluster? =
            configuration.mode == .cluster
            ? NacosCluster(
                selfMember: selfMember,
                members: members,
                memberConfiguration: configuration.members,
                distroConfiguration: configuration.distro,
                rebalanceConfiguration: configuration.rebalance,
                mapper: mapper,
                registry: registry,
                connections: connections,
                transport: clusterTransport,
                linkProtocol: Self.protocolLayer(
                    configuration.rpc.clusterLinkProtocol,
                    maxMessageSize: configuration.rpc.clusterMaxFrameLength,
                    limits: configuration.rpc,
                    scheme: configuration.clusterRpcTLS.enabled ? "https" : "http"
                ),
                linkHeaders: auth.serverIdentityKey.map { [$0: configuration.auth.serverIdentityValue ?? ""] } ?? [:],
                clock: clock,
                logger: logger
            )
            : nil
        var clusterHandlers = NacosRequestHandlerRegistry()
        if auth.isEnabled {
            clusterHandlers.addFilter(AuthRequestFilter(manager: auth, rules: RequestAuthRules.clusterPort))
        }
        if let cluster {
            cluster.install(into: &clusterHandlers)
        } else {
            clusterHandlers.register(NacosServerLoaderInfoHandler(connectionManager: connections))
            clusterHandlers.register(NacosServerReloadHandler(connectionManager: connections))
        }
        var clusterRpc = NacosRpcServerConfiguration(
            kind: .cluster,
            address: try NacosSocketAddress(ipAddress: configuration.bindHost, port: ports.clusterRpc)
        )
        clusterRpc.tlsProtected = configuration.clusterRpcTLS.enabled
        clusterRpc.protocols = configuration.rpc.clusterProtocols.map {
            Self.protocolLayer($0, maxMessageSize: configuration.rpc.clusterMaxFrameLength, limits: configuration.rpc)
        }
        let clusterRpcServer = NacosRpcServer(
            configuration: clusterRpc,
            transport: clusterTransport,
            handlers: clusterHandlers,
            payloads: .cluster,
            connectionManager: connections,
            clock: clock,
            logger: logger
        )

        var context = OpenAPIContext(
            registry: registry,
            connections: connections,
            rpcServer: clientRpcServer,
            selfAddress: selfMember.address,
            isReady: { readiness.node?.isReady ?? false },
            extraMetrics: { exposition in
                try Self.addAuthMetrics(auth, to: &exposition)
                if let udp = udpPush?.statistics {
                    for (result, count) in [("sent", udp.sent), ("retransmitted", udp.retransmitted), ("acknowledged", udp.acknowledged), ("failed", udp.failed)] {
                        try exposition.addCounter(
                            "nacos_udp_push_total",
                            help: "UDP pushes to 1.x subscribers by outcome.",
                            labels: ["result": result],
                            value: count
                        )
                    }
                }
            }
        )
        let httpTransport = try ServerTransportFactory.make(
            tls: configuration.httpTLS,
            maxFrameLength: configuration.rpc.clientMaxFrameLength,
            group: group,
            logger: logger
        )
        if let cluster {
            ClusterOpenAPIHooks.install(cluster, into: &context, httpTransport: httpTransport)
        }
        context.auth = auth
        let metricsHistory = MetricsHistory(registry: registry, connections: connections)
        context.metricsHistory = metricsHistory
        context.serverVersion = NacosServerConfigurationLoader.version
        let openAPI = NacosOpenAPI(context: context)
        var http = HTTPServerConfiguration()
        http.maxHeaderBytes = configuration.http.maxHeaderBytes
        http.maxBodyBytes = configuration.http.maxBodyBytes
        http.requestTimeout = configuration.http.requestTimeout
        http.idleTimeout = configuration.http.idleTimeout
        http.maxConnections = configuration.http.maxConnections
        http.maxPipelinedRequests = configuration.http.maxPipelinedRequests
        let apiResponder = openAPI.makeResponder(logger: logger)
        let httpServer = NacosHTTPServer(
            transport: httpTransport,
            configuration: http,
            responder: configuration.http.consoleEnabled ? ConsoleResponder(next: apiResponder) : apiResponder,
            logger: logger
        )
        return Components(
            connections: connections,
            registry: registry,
            clientRpcServer: clientRpcServer,
            clusterRpcServer: clusterRpcServer,
            httpServer: httpServer,
            openAPI: openAPI,
            metricsHistory: metricsHistory,
            udpPush: udpPush,
            cluster: cluster,
            partitions: partitions,
            auth: auth
        )
    }

    /// The protocol layer for `protocol`: gRPC with the configured HTTP/2 limits and message size, or the
    /// native frames.
    static func protocolLayer(
        _ protocol: NacosServerRpcProtocol,
        maxMessageSize: Int,
        limits: NacosServerRpcLimits,
        scheme: String = "http"
    ) -> any NacosProtocolLayer {
        switch `protocol` {
        case .native:
            return NacosNativeProtocol()
        case .grpc:
            var grpc = NacosGRPCConfiguration()
            grpc.maxMessageSize = maxMessageSize
            grpc.scheme = scheme
            grpc.http2.maxConcurrentStreams = limits.grpcMaxConcurrentStreams
            grpc.http2.initialStreamWindowSize = limits.grpcInitialWindowSize
            grpc.http2.maxHeaderListSize = limits.grpcMaxHeaderListSize
            return NacosGRPCProtocol(configuration: grpc)
        }
    }

    /// The auth counters as Prometheus families: logins by outcome, refusals by reason.
    static func addAuthMetrics(_ auth: AuthManager, to exposition: inout PrometheusExposition) throws {
        let counters = auth.statistics
        for (result, count) in [("success", counters.loginSuccesses), ("failure", counters.loginFailures), ("throttled", counters.loginThrottled)] {
            try exposition.addCounter("nacos_auth_login_total", help: "Logins by outcome.", labels: ["result": result], value: count)
        }
        for reason in AuthRefusal.allCases {
            try exposition.addCounter(
                "nacos_auth_refused_total",
                help: "Requests refused by auth, by reason.",
                labels: ["reason": reason.metricLabel],
                value: counters.refusals[reason] ?? 0
            )
        }
    }

    /// Warns, loudly, when auth is off on an address other hosts can reach, and says where the first
    /// administrator comes from when auth is on without one.
    static func warnAboutAuth(_ configuration: NacosServerConfiguration, auth: AuthManager, logger: NacosLogger) {
        let loopback = ["127.0.0.1", "::1", "localhost"].contains(configuration.bindHost)
        if !auth.isEnabled, !loopback {
            logger.warning(
                "AUTH IS OFF: anyone who reaches \(configuration.bindHost) ports \(configuration.ports.http), \(configuration.ports.clientRpc) and "
                    + "\(configuration.ports.clusterRpc) can register and deregister every instance. Set nacos.core.auth.enabled=true and "
                    + "nacos.core.auth.plugin.nacos.token.secret.key (docs/security.md)."
            )
        }
        if auth.isEnabled, !auth.directory.hasGlobalAdmin {
            logger.warning(
                "auth is on and there is no administrator yet: create it once with POST /nacos/v1/auth/users/admin?password=… "
                    + "or set nacos.core.auth.plugin.nacos.admin.initial-password"
            )
        }
    }

    /// The address peers and the loader report when none is configured: the bind address, or loopback
    /// for a wildcard bind.
    static func fallbackIP(_ bindHost: String) -> String {
        bindHost == "0.0.0.0" || bindHost == "::" ? "127.0.0.1" : bindHost
    }

    /// Stops the servers together within `gracePeriod`, then the registry, the connections and UDP push.
    func stop(gracePeriod: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.httpServer.shutdown(gracePeriod: gracePeriod) }
            group.addTask { await self.clientRpcServer.shutdown(gracePeriod: gracePeriod) }
            group.addTask { await self.clusterRpcServer.shutdown(gracePeriod: gracePeriod) }
        }
        self.metricsHistory.stop()
        await self.openAPI.shutdown()
        self.cluster?.shutdown()
        self.registry.shutdown()
        await self.partitions.close()
        self.connections.shutdown()
        await self.udpPush?.shutdown()
    }
}
