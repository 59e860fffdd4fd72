import NacosGRPC
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTransport

/// A naming registry served over TCP in this process: what `nacos-server` runs, minus its configuration.
final class EmbeddedRegistry: Sendable {
    let server: NacosRpcServer
    let manager: NacosConnectionManager
    let registry: NamingRegistry

    /// Starts a registry listening on 127.0.0.1:`port` (0 picks a free port).
    init(port: Int, logger: NacosLogger) async throws {
        let clock = NacosSystemClock()
        self.manager = NacosConnectionManager(clock: clock, logger: logger)
        self.registry = NamingRegistry(configuration: NamingConfiguration(), connectionManager: self.manager, clock: clock, logger: logger)
        var handlers = NacosRequestHandlerRegistry()
        self.registry.install(into: &handlers)
        // One port speaks both protocols: gRPC (the SDK's default, and every Nacos 2.x SDK's) and the native frames.
        var configuration = NacosRpcServerConfiguration(kind: .sdk, address: .loopbackIPv4(port: port))
        configuration.protocols = [NacosGRPCProtocol(), NacosNativeProtocol()]
        self.server = NacosRpcServer(
            configuration: configuration,
            transport: NacosTCPTransport(group: .shared, logger: logger),
            handlers: handlers,
            payloads: .naming,
            connectionManager: self.manager,
            clock: clock,
            logger: logger
        )
        do {
            try await self.server.start()
        } catch {
            self.registry.shutdown()
            self.manager.shutdown()
            throw error
        }
        self.manager.start()
        self.registry.start()
    }

    /// Where clients connect.
    var address: NacosSocketAddress {
        self.server.localAddress ?? .loopbackIPv4(port: 0)
    }

    /// Stops the registry and the server; clients see their connection close.
    func shutdown() async {
        self.registry.shutdown()
        await self.server.shutdown()
        self.manager.shutdown()
    }
}
