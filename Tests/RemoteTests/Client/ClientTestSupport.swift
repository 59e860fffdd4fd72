import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

// Helpers of the NacosRpcClient suites. Every top-level name starts with `Client` so that it cannot collide
// with the server suites' helpers in Tests/RemoteTests/Support.

// MARK: - Test messages

/// A server push of the tests' own type; the payload registry does not know it, only the client's handler.
struct ClientTestPush: NacosCommonFieldsRequest, Equatable {
    static let typeName = "ClientTestPush"
    static let module = NacosRequestModule.naming
    var requestId: String?
    var headers: [String: String] = [:]
    init() {}
}

/// The client's answer to `ClientTestPush`; the server decodes it because the test registers it.
struct ClientTestPushResponse: NacosCommonFieldsResponse, Equatable {
    static let typeName = "ClientTestPushResponse"
    var resultCode = NacosResponseCode.success
    var errorCode = 0
    var message: String?
    var requestId: String?
    init() {}
}

/// A client → server request of the tests' own type.
struct ClientTestQuery: NacosCommonFieldsRequest, Equatable {
    static let typeName = "ClientTestQuery"
    static let module = NacosRequestModule.naming
    var requestId: String?
    var headers: [String: String] = [:]
    init() {}

    init(headers: [String: String]) {
        self.headers = headers
    }
}

/// The server's answer to `ClientTestQuery`.
struct ClientTestQueryResponse: NacosCommonFieldsResponse, Equatable {
    static let typeName = "ClientTestQueryResponse"
    var resultCode = NacosResponseCode.success
    var errorCode = 0
    var message: String?
    var requestId: String?
    init() {}

    init(message: String?) {
        self.message = message
    }
}

/// A failure thrown by test handlers that is not a `NacosException`.
struct ClientTestFailure: Error, CustomStringConvertible {
    var description: String { "client test failure" }
}

extension NacosPayloadRegistry {
    /// The standard registry plus the tests' own message types.
    static var clientTests: NacosPayloadRegistry {
        var registry = NacosPayloadRegistry.standard
        registry.register(ClientTestPush.self)
        registry.register(ClientTestQuery.self)
        registry.register(ClientTestPushResponse.self)
        registry.register(ClientTestQueryResponse.self)
        return registry
    }
}

// MARK: - Transports

/// The transports the client suites run over.
enum ClientTransportKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inMemory
    case tcp

    var testDescription: String { self.rawValue }
}

// MARK: - Scope

/// The event loops, transports, servers and clients of one test, torn down together by `withClientTestScope`.
final class ClientTestScope: Sendable {
    let group: NacosEventLoopGroup
    let inMemory: NacosInMemoryTransport
    let tcp: NacosTCPTransport
    private let clients = Mutex<[NacosRpcClient]>([])
    private let nodes = Mutex<[ClientTestNode]>([])
    private let fakes = Mutex<[ClientFakeServer]>([])
    private let nextName = Atomic<Int>(0)

    init(threads: Int) throws {
        self.group = try NacosEventLoopGroup(numberOfThreads: threads, logger: .disabled())
        self.inMemory = NacosInMemoryTransport(group: self.group, logger: .disabled())
        self.tcp = NacosTCPTransport(group: self.group, logger: .disabled())
    }

    func transport(_ kind: ClientTransportKind) -> any NacosTransport {
        switch kind {
        case .inMemory: self.inMemory
        case .tcp: self.tcp
        }
    }

    /// A fresh listen address: a unique in-memory name, or a free loopback port.
    func listenAddress(_ kind: ClientTransportKind, name: String = "node") -> NacosSocketAddress {
        switch kind {
        case .inMemory: .inMemory("\(name)-\(self.nextName.wrappingAdd(1, ordering: .relaxed).newValue)")
        case .tcp: .loopbackIPv4(port: 0)
        }
    }

    /// Starts (or, with `markStarted: false`, only binds) a server with its own connection manager.
    func startNode(
        on address: NacosSocketAddress,
        transport kind: ClientTransportKind,
        handlers: NacosRequestHandlerRegistry = NacosRequestHandlerRegistry(),
        configure: (inout NacosRpcServerConfiguration) -> Void = { _ in },
        managerConfiguration: NacosConnectionManagerConfiguration = NacosConnectionManagerConfiguration(),
        clock: any NacosClock = NacosSystemClock(),
        markStarted: Bool = true,
        logger: NacosLogger = .disabled()
    ) async throws -> ClientTestNode {
        try await self.startNode(
            on: address,
            transport: self.transport(kind),
            handlers: handlers,
            configure: configure,
            managerConfiguration: managerConfiguration,
            clock: clock,
            markStarted: markStarted,
            logger: logger
        )
    }

    /// Starts (or only binds) a server over `transport`.
    func startNode(
        on address: NacosSocketAddress,
        transport: any NacosTransport,
        handlers: NacosRequestHandlerRegistry = NacosRequestHandlerRegistry(),
        configure: (inout NacosRpcServerConfiguration) -> Void = { _ in },
        managerConfiguration: NacosConnectionManagerConfiguration = NacosConnectionManagerConfiguration(),
        clock: any NacosClock = NacosSystemClock(),
        markStarted: Bool = true,
        logger: NacosLogger = .disabled()
    ) async throws -> ClientTestNode {
        var configuration = NacosRpcServerConfiguration(address: address)
        configure(&configuration)
        let manager = NacosConnectionManager(configuration: managerConfiguration, clock: clock, logger: logger)
        let server = NacosRpcServer(
            configuration: configuration,
            transport: transport,
            handlers: handlers,
            payloads: .clientTests,
            connectionManager: manager,
            clock: clock,
            logger: logger
        )
        let node = ClientTestNode(server: server, manager: manager)
        self.nodes.withLock { $0.append(node) }
        try await server.bind()
        if markStarted { server.markStarted() }
        return node
    }

    /// Starts a raw fake server answering with `respond`.
    func startFake(
        on address: NacosSocketAddress,
        transport kind: ClientTransportKind = .inMemory,
        clock: any NacosClock = NacosSystemClock(),
        respond: @escaping ClientFakeServer.Responder
    ) async throws -> ClientFakeServer {
        let fake = ClientFakeServer(clock: clock, respond: respond)
        try await fake.listen(on: address, transport: self.transport(kind))
        self.fakes.withLock { $0.append(fake) }
        return fake
    }

    /// A client configuration with quick timers for tests: 10 ms reconnect back-off unit, 2 s timeouts.
    func clientConfiguration(_ servers: [NacosSocketAddress], name: String = "client-test") -> NacosRpcClientConfiguration {
        var configuration = NacosRpcClientConfiguration(name: name, serverAddresses: servers)
        configuration.labels = ["source": "sdk", "module": "naming"]
        configuration.reconnectBackoffUnit = .milliseconds(10)
        configuration.connectTimeout = .seconds(2)
        configuration.serverCheckTimeout = .seconds(2)
        configuration.setupAckTimeout = .seconds(2)
        configuration.requestTimeout = .seconds(3)
        return configuration
    }

    /// A client that the scope shuts down at the end of the test.
    func makeClient(
        _ configuration: NacosRpcClientConfiguration,
        transport kind: ClientTransportKind,
        clock: any NacosClock = NacosSystemClock(),
        logger: NacosLogger = .disabled()
    ) -> NacosRpcClient {
        self.makeClient(configuration, transport: self.transport(kind), clock: clock, logger: logger)
    }

    /// A client over `transport` that the scope shuts down at the end of the test.
    func makeClient(
        _ configuration: NacosRpcClientConfiguration,
        transport: any NacosTransport,
        clock: any NacosClock = NacosSystemClock(),
        logger: NacosLogger = .disabled()
    ) -> NacosRpcClient {
        let client = NacosRpcClient(configuration: configuration, transport: transport, payloads: .clientTests, clock: clock, logger: logger)
        self.clients.withLock { $0.append(client) }
        return client
    }

    fileprivate func tearDown() async {
        for client in self.clients.withLock({ $0 }) {
            client.shutdown()
        }
        for node in self.nodes.withLock({ $0 }) {
            await node.server.shutdown()
            node.manager.shutdown()
        }
        for fake in self.fakes.withLock({ $0 }) {
            await fake.shutdown()
        }
        await self.group.shutdownGracefully()
    }
}

/// Runs `body` with a fresh `ClientTestScope`, tearing it down afterwards, also when `body` throws.
func withClientTestScope<R>(threads: Int = 2, _ body: (ClientTestScope) async throws -> R) async throws -> R {
    let scope = try ClientTestScope(threads: threads)
    do {
        let result = try await body(scope)
        await scope.tearDown()
        return result
    } catch {
        await scope.tearDown()
        throw error
    }
}

// MARK: - Server node

/// A `NacosRpcServer` and its own `NacosConnectionManager`.
final class ClientTestNode: Sendable {
    let server: NacosRpcServer
    let manager: NacosConnectionManager

    init(server: NacosRpcServer, manager: NacosConnectionManager) {
        self.server = server
        self.manager = manager
    }

    /// The bound address.
    var address: NacosSocketAddress {
        get throws { try #require(self.server.localAddress) }
    }

    /// Waits until `connectionId` is registered and returns its connection.
    func registered(_ connectionId: String?) async throws -> NacosServerConnection {
        let id = try #require(connectionId)
        try await waitUntil("connection \(id) registered") { self.manager.isRegistered(id) }
        return try #require(self.manager.connection(id))
    }
}

// MARK: - Client observation

/// Records a client's connection events.
final class ClientEventRecorder: Sendable {
    private let storage = Mutex<[NacosRpcClientEvent]>([])

    init(_ client: NacosRpcClient) {
        client.addConnectionListener { event in self.storage.withLock { $0.append(event) } }
    }

    var events: [NacosRpcClientEvent] { self.storage.withLock { $0 } }

    var connectedCount: Int {
        self.events.count { if case .connected = $0 { true } else { false } }
    }

    var disconnectedCount: Int {
        self.events.count { if case .disconnected = $0 { true } else { false } }
    }

    /// `c` for each connect and `d` for each disconnect, in order (`"cdc"`).
    var pattern: String {
        String(self.events.map { if case .connected = $0 { "c" } else { "d" } })
    }

    /// Waits until the events spell `pattern`. The client updates its status before it tells its listeners,
    /// so a test that saw the status change waits for the events with this.
    func waitForPattern(_ pattern: String) async throws {
        try await waitUntil("events '\(pattern)' (now '\(self.pattern)')") { self.pattern == pattern }
    }
}

// MARK: - Raw fake server

/// A server built directly on a transport and `NacosPayloadCodec`: answers what `respond` tells it to, so a
/// test can play a server that never sends SetupAck, answers 301, or drops health checks.
final class ClientFakeServer: Sendable {
    typealias Responder = @Sendable (ClientFakeConnection, NacosPayload) -> Void

    private let clock: any NacosClock
    private let respond: Responder
    private let listener = Mutex<(any NacosListener)?>(nil)
    private let accepted = Mutex<[ClientFakeConnection]>([])

    init(clock: any NacosClock, respond: @escaping Responder) {
        self.clock = clock
        self.respond = respond
    }

    func listen(on address: NacosSocketAddress, transport: any NacosTransport) async throws {
        let listener = try await transport.listen(on: address) { [weak self] connection in
            guard let self else {
                connection.close(flush: false)
                return
            }
            let fake = self.accepted.withLock { accepted -> ClientFakeConnection in
                let fake = ClientFakeConnection(index: accepted.count + 1, connection: connection, clock: self.clock, respond: self.respond)
                accepted.append(fake)
                return fake
            }
            connection.start(fake)
        }
        self.listener.withLock { $0 = listener }
    }

    /// The bound address.
    var address: NacosSocketAddress {
        get throws { try #require(self.listener.withLock { $0?.localAddress }) }
    }

    /// Every accepted connection, first first.
    var connections: [ClientFakeConnection] { self.accepted.withLock { $0 } }

    /// Every request received on any connection, in order of connections.
    func received(_ type: String) -> [ClientFakeConnection.Received] {
        self.connections.flatMap { $0.received.filter { $0.type == type } }
    }

    func shutdown() async {
        let listener = self.listener.withLock { listener -> (any NacosListener)? in
            defer { listener = nil }
            return listener
        }
        await listener?.close()
        for connection in self.connections { connection.connection.close(flush: false) }
    }

    /// Answers ServerCheckRequest with `fake-<index>`; returns whether `payload` was one.
    static func answerServerCheck(_ connection: ClientFakeConnection, _ payload: NacosPayload, supportAbilityNegotiation: Bool = false) -> Bool {
        guard payload.type == ServerCheckRequest.typeName else { return false }
        connection.reply(ServerCheckResponse(connectionId: "fake-\(connection.index)", supportAbilityNegotiation: supportAbilityNegotiation), to: payload)
        return true
    }
}

/// One connection accepted by a `ClientFakeServer`.
final class ClientFakeConnection: NacosConnectionHandler {
    /// A request the fake received, with the fake clock's time of arrival.
    struct Received: Sendable {
        let type: String
        let atMillis: Int64
        let payload: NacosPayload
    }

    /// 1 for the first connection accepted, 2 for the next, …
    let index: Int
    let connection: any NacosConnection
    private let clock: any NacosClock
    private let respond: ClientFakeServer.Responder
    private let codec = NacosPayloadCodec()
    private let log = Mutex<[Received]>([])
    private let answers = Mutex<[NacosPayload]>([])
    private let barriers = Atomic<Int>(0)
    private let closedFlag = Atomic<Bool>(false)

    init(index: Int, connection: any NacosConnection, clock: any NacosClock, respond: @escaping ClientFakeServer.Responder) {
        self.index = index
        self.connection = connection
        self.clock = clock
        self.respond = respond
    }

    var received: [Received] { self.log.withLock { $0 } }

    func count(_ type: String) -> Int { self.received.count { $0.type == type } }

    var isClosed: Bool { self.closedFlag.load(ordering: .acquiring) }

    func reply(_ response: some NacosResponse, to request: NacosPayload) {
        var response = response
        if request.callId == 0 {
            response.requestId = try? NacosJSON.decode(ClientPushIdProbe.self, from: request.body).requestId
        }
        guard let frame = try? self.codec.encode(NacosPayload.response(response, callId: request.callId)) else { return }
        self.connection.send(frame)
    }

    /// Sends a push (callId 0) with a fresh requestId.
    func push(_ request: some NacosRequest, requestId: String) {
        var request = request
        request.requestId = requestId
        guard let frame = try? self.codec.encode(NacosPayload.request(request)) else { return }
        self.connection.send(frame)
    }

    /// Pushes ClientDetectionRequest and waits for its answer: once it arrived, the client has processed
    /// every frame this fake sent before it (frames are handled in order on the client's loop).
    func barrier() async throws {
        let id = "barrier-\(self.index)-\(self.barriers.wrappingAdd(1, ordering: .relaxed).newValue)"
        self.push(ClientDetectionRequest(), requestId: id)
        try await waitUntil("the answer to \(id)") { self.answer(to: id) != nil }
    }

    /// Sends `payload` as it is (a push with a body of the test's choosing).
    func sendRaw(_ payload: NacosPayload) throws {
        self.connection.send(try self.codec.encode(payload))
    }

    /// The response payload carrying `requestId`, once it arrived.
    func answer(to requestId: String) -> NacosPayload? {
        self.answers.withLock { answers in
            answers.first { (try? NacosJSON.decode(ClientPushIdProbe.self, from: $0.body).requestId) == requestId }
        }
    }

    /// Every response payload received, in order.
    var responses: [NacosPayload] { self.answers.withLock { $0 } }

    func connection(_ connection: any NacosConnection, didReceive frame: NacosByteBuffer) {
        guard let payload = try? self.codec.decode(frame) else { return }
        switch payload.kind {
        case .request:
            self.log.withLock { $0.append(Received(type: payload.type, atMillis: self.clock.nowMillis(), payload: payload)) }
            self.respond(self, payload)
        case .response:
            self.answers.withLock { $0.append(payload) }
        }
    }

    func connectionClosed(_ connection: any NacosConnection, error: (any Error)?) {
        self.closedFlag.store(true, ordering: .releasing)
    }
}

private struct ClientPushIdProbe: Decodable {
    var requestId: String?
}

// MARK: - Manual clock

extension NacosManualClock {
    /// Waits until exactly `count` timers are pending (a sleeper armed, a call's timeout set).
    func waitForPendingTimers(_ count: Int, _ what: String = "timers") async throws {
        try await waitUntil("\(count) pending \(what) (now \(self.pendingTimerCount))") { self.pendingTimerCount == count }
    }
}

/// Whether `error` is a `NacosRemoteError` with `code`.
func clientIsRemoteError(_ error: any Error, _ code: NacosRemoteError.Code) -> Bool {
    (error as? NacosRemoteError)?.code == code
}

/// A list that handlers append to from any thread.
final class ClientTestLog<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])

    init() {}

    func append(_ element: Element) { self.storage.withLock { $0.append(element) } }

    var values: [Element] { self.storage.withLock { $0 } }

    var count: Int { self.storage.withLock { $0.count } }
}
