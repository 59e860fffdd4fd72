import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTransport

/// A naming registry behind a `NacosRpcServer` (SDK port), wired as `NamingHarness` wires it: one
/// connection manager, the registry's handlers and payloads, every timer on the server's own loops.
final class NamingBenchmarkServer: Sendable {
    /// The connection manager the registry listens to.
    let manager: NacosConnectionManager
    /// The naming core.
    let registry: NamingRegistry
    /// The RPC server in front of it.
    let server: NacosRpcServer
    /// Where the server listens.
    let address: NacosSocketAddress

    private init(manager: NacosConnectionManager, registry: NamingRegistry, server: NacosRpcServer, address: NacosSocketAddress) {
        self.manager = manager
        self.registry = registry
        self.server = server
        self.address = address
    }

    /// Starts a registry with `configuration` whose server listens on `address` through `transport`;
    /// timers run on `group`, and the persistent-instance prober (unused here) dials through `group` too,
    /// so nothing touches the shared event loop group.
    static func start(
        configuration: NamingConfiguration,
        transport: any NacosTransport,
        group: NacosEventLoopGroup,
        address: NacosSocketAddress = .loopbackIPv4(),
        logger: NacosLogger
    ) async throws -> NamingBenchmarkServer {
        let clock = NacosSystemClock(group: group)
        let manager = NacosConnectionManager(clock: clock, logger: logger)
        let registry = NamingRegistry(
            configuration: configuration,
            connectionManager: manager,
            clock: clock,
            logger: logger,
            healthProber: TCPHealthProber(transport: NacosTCPTransport(group: group, logger: logger))
        )
        var handlers = NacosRequestHandlerRegistry()
        registry.install(into: &handlers)
        var serverConfiguration = NacosRpcServerConfiguration(kind: .sdk, address: address)
        serverConfiguration.protocols = BenchmarkProtocol.serverLayers
        let server = NacosRpcServer(
            configuration: serverConfiguration,
            transport: transport,
            handlers: handlers,
            payloads: NamingRegistry.payloads,
            connectionManager: manager,
            clock: clock,
            logger: logger
        )
        do {
            try await server.start()
        } catch {
            manager.shutdown()
            throw error
        }
        registry.start()
        guard let bound = server.localAddress else {
            await server.shutdown()
            manager.shutdown()
            throw BenchmarkError("the naming server has no local address")
        }
        return NamingBenchmarkServer(manager: manager, registry: registry, server: server, address: bound)
    }

    /// The registry's settings for a benchmark: `mergeWindow` and no active health checks (no persistent
    /// instances are registered).
    static func configuration(mergeWindow: Duration = NamingConfiguration().pushMergeWindow, pushEnabled: Bool = true) -> NamingConfiguration {
        var configuration = NamingConfiguration()
        configuration.pushMergeWindow = mergeWindow
        configuration.pushEnabled = pushEnabled
        configuration.healthCheckEnabled = false
        return configuration
    }

    /// Naming clients the registry knows (one per `module=naming` connection).
    var namingClientCount: Int { self.registry.clients.connectionClients.clientCount }

    /// What the registry holds now.
    var size: RegistrySize { RegistrySize(of: self.registry) }

    /// Stops the registry (again, if the caller stopped it first to quiet pushes), the server and the
    /// connection manager.
    func shutdown() async {
        self.registry.shutdown()
        await self.server.shutdown()
        self.manager.shutdown()
    }
}
