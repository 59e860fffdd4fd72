import NacosClient
import NacosGRPC
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

// Helpers of the NacosClient suites: an embedded registry over TCP, NamingService factories with quick
// timers, and recorders of naming events.

// MARK: - Registry node

/// One embedded naming registry: a `NamingRegistry` behind a `NacosRpcServer` on a loopback TCP port.
final class RegistryNode: Sendable {
    let server: NacosRpcServer
    let manager: NacosConnectionManager
    let registry: NamingRegistry

    init(server: NacosRpcServer, manager: NacosConnectionManager, registry: NamingRegistry) {
        self.server = server
        self.manager = manager
        self.registry = registry
    }

    /// The bound address.
    var address: NacosSocketAddress {
        get throws { try #require(self.server.localAddress) }
    }

    /// The instances the registry holds for a service.
    func instances(_ name: String, group: String = NamingDefaults.group, namespace: String = "public") -> [Instance] {
        self.registry.storage.instances(of: Service(namespace: namespace, group: group, name: name))
    }

    /// The ids of the connections subscribed to a service.
    func subscribers(_ name: String, group: String = NamingDefaults.group, namespace: String = "public") -> Set<String> {
        self.registry.indexes.subscribers(of: Service(namespace: namespace, group: group, name: name))
    }

    /// Stops the registry, the server (closing every connection) and the connection manager.
    func stop() async {
        self.registry.shutdown()
        await self.server.shutdown()
        self.manager.shutdown()
    }
}

// MARK: - Protocol

/// The protocol layer a test's naming services speak; every registry serves both.
enum NamingTestProtocol: String, CaseIterable, Sendable, CustomStringConvertible {
    case grpc
    case native

    var description: String { self.rawValue }

    /// The client's protocol layer.
    var layer: any NacosProtocolLayer {
        switch self {
        case .grpc: NacosGRPCProtocol()
        case .native: NacosNativeProtocol()
        }
    }

    /// What a test server serves: gRPC and native on one port.
    static let serverLayers: [any NacosProtocolLayer] = [NacosGRPCProtocol(), NacosNativeProtocol()]
}

// MARK: - Scope

/// The event loops, registries and naming services of one test, torn down together by `withNamingTestScope`.
final class NamingTestScope: Sendable {
    let group: NacosEventLoopGroup
    let transport: NacosTCPTransport
    let logger: NacosLogger
    /// The protocol the scope's naming services speak.
    let rpcProtocol: NamingTestProtocol
    private let nodes = Mutex<[RegistryNode]>([])
    private let services = Mutex<[NamingService]>([])

    init(threads: Int, logger: NacosLogger, rpcProtocol: NamingTestProtocol) throws {
        self.rpcProtocol = rpcProtocol
        self.group = try NacosEventLoopGroup(numberOfThreads: threads, logger: .disabled())
        self.transport = NacosTCPTransport(group: self.group, logger: .disabled())
        self.logger = logger
    }

    /// Starts a registry on `address` (a free loopback port by default), retrying for up to 10 s while the
    /// port is still held by a previous server; `filters` run before every handler.
    func startRegistry(
        on address: NacosSocketAddress = .loopbackIPv4(port: 0),
        filters: [any NacosRequestFilter] = []
    ) async throws -> RegistryNode {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(10))
        while true {
            do {
                return try await self.bindRegistry(on: address, filters: filters)
            } catch {
                guard address.port != 0, clock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    private func bindRegistry(on address: NacosSocketAddress, filters: [any NacosRequestFilter]) async throws -> RegistryNode {
        let systemClock = NacosSystemClock(group: self.group)
        let manager = NacosConnectionManager(clock: systemClock, logger: .disabled())
        var configuration = NamingConfiguration()
        configuration.healthCheckEnabled = false
        // The persistent instances of these tests (10.x addresses) are never probed over the network.
        let registry = NamingRegistry(
            configuration: configuration,
            connectionManager: manager,
            clock: systemClock,
            logger: .disabled(),
            healthProber: HealthyWithoutNetworkProber()
        )
        var handlers = NacosRequestHandlerRegistry()
        registry.install(into: &handlers)
        for filter in filters {
            handlers.addFilter(filter)
        }
        var serverConfiguration = NacosRpcServerConfiguration(kind: .sdk, address: address)
        serverConfiguration.protocols = NamingTestProtocol.serverLayers
        let server = NacosRpcServer(
            configuration: serverConfiguration,
            transport: self.transport,
            handlers: handlers,
            payloads: .naming,
            connectionManager: manager,
            clock: systemClock,
            logger: .disabled()
        )
        let node = RegistryNode(server: server, manager: manager, registry: registry)
        do {
            try await server.start()
        } catch {
            registry.shutdown()
            manager.shutdown()
            throw error
        }
        manager.start()
        registry.start()
        self.nodes.withLock { $0.append(node) }
        return node
    }

    /// A configuration with quick timers for tests: 100 ms redo, 10 ms reconnect back-off, 3 s requests.
    func configuration(_ address: NacosSocketAddress, namespace: String = "public", appName: String = "naming-test") -> NamingClientConfiguration {
        var configuration = NamingClientConfiguration(serverAddresses: [address], namespace: namespace, appName: appName)
        configuration.redoInterval = .milliseconds(100)
        configuration.failoverCheckInterval = .milliseconds(50)
        configuration.rpc.reconnectBackoffUnit = .milliseconds(10)
        configuration.rpc.connectTimeout = .seconds(2)
        configuration.rpc.serverCheckTimeout = .seconds(2)
        configuration.rpc.setupAckTimeout = .seconds(2)
        configuration.rpc.requestTimeout = .seconds(3)
        configuration.rpc.protocolLayer = self.rpcProtocol.layer
        return configuration
    }

    /// A started naming service connected to `node`.
    func makeService(
        _ node: RegistryNode,
        namespace: String = "public",
        configure: (inout NamingClientConfiguration) -> Void = { _ in }
    ) async throws -> NamingService {
        var configuration = self.configuration(try node.address, namespace: namespace)
        configure(&configuration)
        return try await self.makeService(configuration)
    }

    /// A started naming service with `configuration`, over the scope's TCP transport and the system clock.
    func makeService(_ configuration: NamingClientConfiguration, expectConnected: Bool = true) async throws -> NamingService {
        let service = try self.makeUnstartedService(configuration)
        let connected = await service.start()
        if expectConnected { #expect(connected) }
        return service
    }

    /// A naming service with `configuration` that is not started yet, shut down with the scope.
    func makeUnstartedService(_ configuration: NamingClientConfiguration) throws -> NamingService {
        let service = try NamingService(
            configuration: configuration,
            transport: self.transport,
            clock: NacosSystemClock(group: self.group),
            logger: self.logger
        )
        self.services.withLock { $0.append(service) }
        return service
    }

    fileprivate func tearDown() async {
        for service in self.services.withLock({ $0 }) {
            service.shutdown()
        }
        for node in self.nodes.withLock({ $0 }) {
            await node.stop()
        }
        await self.group.shutdownGracefully()
    }
}

/// Runs `body` with a fresh `NamingTestScope` whose services speak `rpcProtocol` (gRPC, the SDK's default),
/// tearing it down afterwards, also when `body` throws.
func withNamingTestScope<R>(
    threads: Int = 2,
    logger: NacosLogger = .disabled(),
    rpcProtocol: NamingTestProtocol = .grpc,
    _ body: (NamingTestScope) async throws -> R
) async throws -> R {
    let scope = try NamingTestScope(threads: threads, logger: logger, rpcProtocol: rpcProtocol)
    do {
        let result = try await body(scope)
        await scope.tearDown()
        return result
    } catch {
        await scope.tearDown()
        throw error
    }
}

// MARK: - Events

/// Records the events of one subscription listener.
final class NamingEventRecorder: Sendable {
    private let storage = Mutex<[NamingEvent]>([])

    init() {}

    /// The listener to pass to `subscribe`.
    var listener: @Sendable (NamingEvent) -> Void {
        { event in self.storage.withLock { $0.append(event) } }
    }

    var events: [NamingEvent] { self.storage.withLock { $0 } }

    var count: Int { self.storage.withLock { $0.count } }

    /// The `ip:port` set of the last event, or `nil` before the first.
    var lastAddresses: Set<String>? {
        self.storage.withLock { $0.last.map { addresses($0.instances) } }
    }

    /// Waits until the last event lists exactly `expected` (`ip:port` strings).
    func waitForAddresses(_ expected: Set<String>, timeout: Duration = .seconds(10)) async throws {
        try await waitUntil(timeout: timeout, "an event with \(expected.sorted()) (last: \(self.lastAddresses.map { $0.sorted() } ?? []))") {
            self.lastAddresses == expected
        }
    }
}

/// The `ip:port` strings of `instances`.
func addresses(_ instances: [Instance]) -> Set<String> {
    Set(instances.map(\.inetAddress))
}

/// Names unique within the test process, so that parallel suites sharing nothing still never collide.
enum UniqueName {
    private static let counter = Atomic<Int>(0)

    static func next(_ prefix: String) -> String {
        "\(prefix)-\(Self.counter.wrappingAdd(1, ordering: .relaxed).newValue)"
    }
}
