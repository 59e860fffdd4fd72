import NacosGRPC
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport

/// A naming registry behind a `NacosRpcServer` whose port serves gRPC and the native protocol, as the
/// node's client port does; started by `withGRPCNamingServer`, which stops everything afterwards.
final class GRPCNamingServer: Sendable {
    let group: NacosEventLoopGroup
    let transport: any NacosStreamTransport
    let manager: NacosConnectionManager
    let registry: NamingRegistry
    let server: NacosRpcServer
    /// Everything the server logged.
    let logs: CapturingLogHandler

    private init(
        group: NacosEventLoopGroup,
        transport: any NacosStreamTransport,
        manager: NacosConnectionManager,
        registry: NamingRegistry,
        server: NacosRpcServer,
        logs: CapturingLogHandler
    ) {
        self.group = group
        self.transport = transport
        self.manager = manager
        self.registry = registry
        self.server = server
        self.logs = logs
    }

    /// The bound address.
    var address: NacosSocketAddress { self.server.localAddress! }

    /// The bound port, for peers in other processes.
    var port: Int { self.address.port }

    /// Starts a server on `transport` (built on the server's own loops by `makeTransport`).
    static func start(
        protocols: [any NacosProtocolLayer] = [NacosGRPCProtocol(), NacosNativeProtocol()],
        address: NacosSocketAddress = .loopbackIPv4(port: 0),
        configure: (inout NacosRpcServerConfiguration) -> Void = { _ in },
        makeTransport: (NacosEventLoopGroup, NacosLogger) throws -> any NacosStreamTransport = { group, logger in
            NacosTCPTransport(group: group, logger: logger)
        }
    ) async throws -> GRPCNamingServer {
        let group = try NacosEventLoopGroup(numberOfThreads: 2, logger: .disabled())
        let logs = CapturingLogHandler()
        let logger = logs.logger(label: "grpc-test", level: .debug)
        let clock = NacosSystemClock(group: group)
        let manager = NacosConnectionManager(clock: clock, logger: logger)
        var naming = NamingConfiguration()
        naming.healthCheckEnabled = false
        let registry = NamingRegistry(configuration: naming, connectionManager: manager, clock: clock, logger: logger)
        var handlers = NacosRequestHandlerRegistry()
        registry.install(into: &handlers)
        var configuration = NacosRpcServerConfiguration(kind: .sdk, address: address)
        configuration.protocols = protocols
        configure(&configuration)
        let transport = try makeTransport(group, logger)
        let server = NacosRpcServer(
            configuration: configuration,
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
            registry.shutdown()
            manager.shutdown()
            await group.shutdownGracefully()
            throw error
        }
        manager.start()
        registry.start()
        return GRPCNamingServer(group: group, transport: transport, manager: manager, registry: registry, server: server, logs: logs)
    }

    /// The instances the registry holds for a service.
    func instances(_ name: String, group: String = NamingDefaults.group, namespace: String = "public") -> [Instance] {
        self.registry.storage.instances(of: Service(namespace: namespace, group: group, name: name))
    }

    /// Stops the registry, the server and the loops.
    func stop() async {
        self.registry.shutdown()
        await self.server.shutdown()
        self.manager.shutdown()
        await self.group.shutdownGracefully()
    }
}

/// Runs `body` with a started `GRPCNamingServer`, stopping it afterwards, also when `body` throws.
func withGRPCNamingServer<R>(
    protocols: [any NacosProtocolLayer] = [NacosGRPCProtocol(), NacosNativeProtocol()],
    configure: (inout NacosRpcServerConfiguration) -> Void = { _ in },
    makeTransport: (NacosEventLoopGroup, NacosLogger) throws -> any NacosStreamTransport = { group, logger in
        NacosTCPTransport(group: group, logger: logger)
    },
    _ body: (GRPCNamingServer) async throws -> R
) async throws -> R {
    let server = try await GRPCNamingServer.start(protocols: protocols, configure: configure, makeTransport: makeTransport)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
