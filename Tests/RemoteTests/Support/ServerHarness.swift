import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// A server, its connection manager and transport, and the peers a test opened against it.
final class ServerHarness: Sendable {
    let transportKind: TransportKind
    let group: NacosEventLoopGroup
    let transport: any NacosTransport
    let manager: NacosConnectionManager
    let server: NacosRpcServer
    let probe: TestHandlerProbe
    /// Everything the server, manager and transport logged.
    let logs: CapturingLogHandler
    private let peers = Mutex<[RawRpcPeer]>([])

    fileprivate init(
        transportKind: TransportKind,
        group: NacosEventLoopGroup,
        transport: any NacosTransport,
        manager: NacosConnectionManager,
        server: NacosRpcServer,
        probe: TestHandlerProbe,
        logs: CapturingLogHandler
    ) {
        self.transportKind = transportKind
        self.group = group
        self.transport = transport
        self.manager = manager
        self.server = server
        self.probe = probe
        self.logs = logs
    }

    /// The server's bound address.
    var address: NacosSocketAddress { self.server.localAddress! }

    /// Opens a peer connection (no handshake).
    func connect(clientIp: String = RawRpcPeer.defaultClientIp) async throws -> RawRpcPeer {
        let peer = try await RawRpcPeer.connect(self.transport, to: self.address, clientIp: clientIp)
        self.peers.withLock { $0.append(peer) }
        return peer
    }

    /// Opens a peer, runs the handshake and waits until the manager registered the connection.
    func setUpPeer(
        clientIp: String = RawRpcPeer.defaultClientIp,
        labels: [String: String] = RawRpcPeer.sdkLabels,
        abilityTable: [String: Bool]? = nil,
        tenant: String? = nil
    ) async throws -> (peer: RawRpcPeer, connectionId: String) {
        let peer = try await self.connect(clientIp: clientIp)
        let connectionId = try await peer.handshake(labels: labels, abilityTable: abilityTable, tenant: tenant)
        try await waitUntil(timeout: .seconds(5), "registration of \(connectionId)") { self.manager.isRegistered(connectionId) }
        return (peer, connectionId)
    }

    /// Opens a peer and runs the handshake, expecting the server to refuse it (close after the set-up).
    func rejectedPeer(
        clientIp: String = RawRpcPeer.defaultClientIp,
        labels: [String: String] = RawRpcPeer.sdkLabels
    ) async throws -> (peer: RawRpcPeer, connectionId: String) {
        let peer = try await self.connect(clientIp: clientIp)
        let connectionId = try await peer.handshake(labels: labels)
        try await peer.waitForClose()
        return (peer, connectionId)
    }

    fileprivate func closePeers() {
        for peer in self.peers.withLock({ $0 }) { peer.close() }
    }
}

/// Whether `withServer` marks the server started.
enum ServerStartMode: Sendable {
    /// `start()`: bound and running.
    case started
    /// `bind()` only: "starting" (error 300, SDK set-ups reset).
    case boundOnly
}

/// Builds a server over `transportKind` with the test handlers (`TestHandlerProbe`), runs `body`, then shuts
/// the peers, the server, the manager and the group down, also when `body` throws.
///
/// - Parameters:
///   - clock: the clock of the server and the manager; a system clock on the test's group when `nil`.
///   - configure: adjusts the server configuration (heartbeat, max connections, kind, …).
///   - configureHandlers: adjusts the handler registry (filters) after the test handlers were registered.
func withServer<R>(
    _ transportKind: TransportKind,
    kind: NacosRpcServerConfiguration.Kind = .sdk,
    startMode: ServerStartMode = .started,
    clock: (any NacosClock)? = nil,
    managerConfiguration: NacosConnectionManagerConfiguration = NacosConnectionManagerConfiguration(),
    configure: (inout NacosRpcServerConfiguration) -> Void = { _ in },
    configureHandlers: (inout NacosRequestHandlerRegistry) -> Void = { _ in },
    _ body: (ServerHarness) async throws -> R
) async throws -> R {
    try await withEventLoopGroup(threads: 1) { group in
        let logs = CapturingLogHandler()
        let clock = clock ?? NacosSystemClock(group: group)
        let transport = transportKind.makeTransport(group: group, logger: logs.logger(label: "test.transport", level: .debug))
        let manager = NacosConnectionManager(
            configuration: managerConfiguration,
            clock: clock,
            logger: logs.logger(label: "test.manager", level: .debug)
        )
        let probe = TestHandlerProbe()
        var handlers = probe.registry()
        configureHandlers(&handlers)
        var configuration = NacosRpcServerConfiguration(kind: kind, address: transportKind.listenAddress)
        configure(&configuration)
        let server = NacosRpcServer(
            configuration: configuration,
            transport: transport,
            handlers: handlers,
            connectionManager: manager,
            clock: clock,
            logger: logs.logger(label: "test.server", level: .debug)
        )
        let harness = ServerHarness(
            transportKind: transportKind,
            group: group,
            transport: transport,
            manager: manager,
            server: server,
            probe: probe,
            logs: logs
        )
        func tearDown() async {
            harness.closePeers()
            await server.shutdown()
            manager.shutdown()
        }
        do {
            switch startMode {
            case .started: try await server.start()
            case .boundOnly: try await server.bind()
            }
            let result = try await body(harness)
            await tearDown()
            return result
        } catch {
            await tearDown()
            throw error
        }
    }
}
