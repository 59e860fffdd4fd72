import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// A naming registry served by a `NacosRpcServer`, and the naming clients a test opened against it.
final class NamingHarness: Sendable {
    let group: NacosEventLoopGroup
    let transport: any NacosTransport
    let manager: NacosConnectionManager
    let registry: NamingRegistry
    let server: NacosRpcServer
    let logs: CapturingLogHandler
    private let clients = Mutex<[NacosRpcClient]>([])

    private init(
        group: NacosEventLoopGroup,
        transport: any NacosTransport,
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

    /// Runs `body` against a started registry and tears everything down afterwards.
    static func run(
        _ kind: TransportKind,
        configuration: NamingConfiguration = NamingHarness.fastConfiguration,
        _ body: (NamingHarness) async throws -> Void
    ) async throws {
        try await withEventLoopGroup { group in
            let logs = CapturingLogHandler()
            let logger = NacosLogger(label: "naming-test", handler: logs)
            let clock = NacosSystemClock(group: group)
            let transport = kind.makeTransport(group: group, logger: logger)
            let manager = NacosConnectionManager(clock: clock, logger: logger)
            // A scripted prober: persistent instances of these tests (10.x addresses) are never connected to.
            let registry = NamingRegistry(
                configuration: configuration,
                connectionManager: manager,
                clock: clock,
                logger: logger,
                healthProber: ScriptedProber()
            )
            var handlers = NacosRequestHandlerRegistry()
            registry.install(into: &handlers)
            let server = NacosRpcServer(
                configuration: NacosRpcServerConfiguration(kind: .sdk, address: kind.listenAddress),
                transport: transport,
                handlers: handlers,
                payloads: NamingRegistry.payloads,
                connectionManager: manager,
                clock: clock,
                logger: logger
            )
            try await server.start()
            registry.start()
            let harness = NamingHarness(group: group, transport: transport, manager: manager, registry: registry, server: server, logs: logs)
            do {
                try await body(harness)
            } catch {
                await harness.stop()
                throw error
            }
            await harness.stop()
        }
    }

    /// A configuration with no push merge window, so tests see pushes at once.
    static var fastConfiguration: NamingConfiguration {
        var configuration = NamingConfiguration()
        configuration.pushMergeWindow = .zero
        configuration.healthCheckEnabled = false
        return configuration
    }

    private func stop() async {
        for client in self.clients.withLock({ $0 }) { client.shutdown() }
        self.registry.shutdown()
        await self.server.shutdown()
        self.manager.shutdown()
    }

    /// Connects a naming client (labels `source=sdk`, `module=naming`) and waits until it has a naming
    /// client on the server.
    func connect(clientIp: String = "10.0.0.5", app: String = "test-app") async throws -> NamingTestClient {
        var configuration = NacosRpcClientConfiguration(name: "naming-test-client", serverAddresses: [self.server.localAddress!])
        configuration.labels = ["source": "sdk", "module": "naming", "AppName": app]
        configuration.clientIp = clientIp
        let rpc = NacosRpcClient(
            configuration: configuration,
            transport: self.transport,
            payloads: .naming,
            clock: NacosSystemClock(group: self.group)
        )
        self.clients.withLock { $0.append(rpc) }
        let client = NamingTestClient(rpc: rpc)
        guard await rpc.start(), let connectionId = rpc.connectionId else {
            throw DeadlineExceeded(what: "naming client connection")
        }
        try await waitUntil("naming client of \(connectionId)") {
            self.registry.clients.connectionClients.connectionClient(connectionId) != nil
        }
        return client
    }
}

/// A raw naming client: sends naming requests and records the pushes it receives.
final class NamingTestClient: Sendable {
    let rpc: NacosRpcClient
    private let pushes = Mutex<[ServiceInfo]>([])
    private let acknowledges = Atomic<Bool>(true)

    init(rpc: NacosRpcClient) {
        self.rpc = rpc
        rpc.registerServerRequestHandler(NotifySubscriberRequest.self) { [weak self] request in
            guard let self else { return nil }
            guard self.acknowledges.load(ordering: .relaxed) else {
                var failed = NotifySubscriberResponse()
                failed.setErrorInfo(.clientError, message: "not now")
                return failed
            }
            if let info = request.serviceInfo { self.pushes.withLock { $0.append(info) } }
            return NotifySubscriberResponse()
        }
    }

    /// The connection id.
    var connectionId: String { self.rpc.connectionId ?? "" }

    /// Every ServiceInfo pushed so far.
    var received: [ServiceInfo] { self.pushes.withLock { $0 } }

    /// The newest ServiceInfo pushed for `service` (highest `lastRefTime`, as an SDK keeps), if any;
    /// pushes run concurrently, so they may arrive out of order.
    func lastPush(of service: String) -> ServiceInfo? {
        self.pushes.withLock { pushes in pushes.filter { $0.name == service }.max { $0.lastRefTime < $1.lastRefTime } }
    }

    /// Makes the client refuse (or accept again) pushes.
    func setAcknowledgesPushes(_ value: Bool) {
        self.acknowledges.store(value, ordering: .relaxed)
    }

    /// Sends `request` and returns the typed response (failed responses included).
    func send<Response: NacosResponse>(_ request: some NacosRequest, expecting: Response.Type) async throws -> Response {
        let response = try await self.rpc.request(request)
        guard let typed = response as? Response else {
            throw NacosRemoteError(.unexpectedResponse, "expected \(Response.typeName), got \(response.typeName): \(response.message ?? "")")
        }
        return typed
    }

    /// Registers `instance` of `service` in `group` / `namespace`.
    @discardableResult
    func register(
        _ instance: Instance,
        service: String,
        group: String = "DEFAULT_GROUP",
        namespace: String = "public"
    ) async throws -> InstanceResponse {
        let request = InstanceRequest(
            namespace: namespace,
            serviceName: service,
            groupName: group,
            type: InstanceRequest.registerType,
            instance: instance
        )
        return try await self.send(request, expecting: InstanceResponse.self)
    }

    /// Deregisters this client's instance of `service`.
    @discardableResult
    func deregister(service: String, group: String = "DEFAULT_GROUP", namespace: String = "public") async throws -> InstanceResponse {
        let request = InstanceRequest(
            namespace: namespace,
            serviceName: service,
            groupName: group,
            type: InstanceRequest.deregisterType,
            instance: Instance(ip: "0.0.0.0", port: 1)
        )
        return try await self.send(request, expecting: InstanceResponse.self)
    }

    /// Subscribes to `service` and returns the answer.
    func subscribe(_ service: String, group: String = "DEFAULT_GROUP", namespace: String = "public", clusters: String = "") async throws -> SubscribeServiceResponse {
        let request = SubscribeServiceRequest(namespace: namespace, serviceName: service, groupName: group, subscribe: true, clusters: clusters)
        return try await self.send(request, expecting: SubscribeServiceResponse.self)
    }

    /// Queries `service`.
    func query(
        _ service: String,
        group: String = "DEFAULT_GROUP",
        namespace: String = "public",
        clusters: String = "",
        healthyOnly: Bool = false
    ) async throws -> ServiceInfo {
        let request = ServiceQueryRequest(namespace: namespace, serviceName: service, groupName: group, cluster: clusters, healthyOnly: healthyOnly)
        let response = try await self.send(request, expecting: QueryServiceResponse.self)
        #expect(response.success, "query failed: \(response.message ?? "")")
        return response.serviceInfo ?? ServiceInfo()
    }
}
