public import NacosTransport
import Synchronization

/// A client's long-lived connection to one of a list of servers (Nacos's `RpcClient`/`GrpcClient`,
/// reference §8.1–8.2): it connects with the ServerCheck / ConnectionSetup handshake, sends requests with
/// timeouts and retries, health-checks an idle connection, answers the server's pushes, and reconnects —
/// round-robin from a random start, with back-off — when the connection fails, the server says the
/// connection is unregistered, or the server asks it to move (ConnectResetRequest).
///
/// Connection listeners hear `connected` after every (re)connect and `disconnected` when a connection is
/// lost or replaced; the SDK's redo re-registers on `connected`. The status changes before the
/// listeners run, so code polling `status` may see RUNNING just before `connected` is delivered.
public final class NacosRpcClient: Sendable {
    /// A handler of one kind of server push: returns the response to send, or `nil` to send none.
    public typealias ServerRequestHandler = @Sendable (any NacosRequest) async throws -> (any NacosResponse)?

    private struct PushHandler {
        let type: any NacosRequest.Type
        let handle: ServerRequestHandler
    }

    /// Why a reconnect was asked for.
    private struct ReconnectSignal {
        /// The session that failed; the signal is stale once another session replaced it.
        var failed: ClientSession?
        /// The server to try first.
        var recommended: NacosSocketAddress?
        /// Whether to re-check the current connection's health before switching (after request failures).
        var checkHealthFirst = false
    }

    private struct State {
        var status: NacosRpcClientStatus = .initialized
        var session: ClientSession?
        var serverCursor: Int
        var pushHandlers: [String: PushHandler] = [:]
        var listeners: [@Sendable (NacosRpcClientEvent) -> Void] = []
        var tasks: [Task<Void, Never>] = []
        /// The headers set by `setHeader(_:_:)`, laid over `configuration.headers`.
        var headers: [String: String] = [:]
    }

    /// The configuration the client was created with.
    public let configuration: NacosRpcClientConfiguration
    private let transport: any NacosTransport
    private let payloads: NacosPayloadRegistry
    private let clock: any NacosClock
    private let logger: NacosLogger
    private let state: Mutex<State>
    private let signals: AsyncStream<ReconnectSignal>
    private let signalSink: AsyncStream<ReconnectSignal>.Continuation

    /// Creates a client; nothing connects until `start()`.
    ///
    /// - Parameter payloads: the response types the client decodes (add the naming module's types).
    public init(
        configuration: NacosRpcClientConfiguration,
        transport: any NacosTransport,
        payloads: NacosPayloadRegistry = .standard,
        clock: any NacosClock = NacosSystemClock(),
        logger: NacosLogger = NacosLogger(label: "nacos.remote.client")
    ) {
        precondition(!configuration.serverAddresses.isEmpty, "a NacosRpcClient needs at least one server address")
        self.configuration = configuration
        self.transport = transport
        self.payloads = payloads
        self.clock = clock
        self.logger = logger
        self.state = Mutex(State(serverCursor: Int.random(in: 0..<configuration.serverAddresses.count)))
        (self.signals, self.signalSink) = AsyncStream.makeStream(of: ReconnectSignal.self)
    }

    // MARK: - Observation

    /// The client's status.
    public var status: NacosRpcClientStatus { self.state.withLock { $0.status } }

    /// Whether the client is connected and healthy.
    public var isRunning: Bool { self.status == .running }

    /// The id of the current connection, if connected.
    public var connectionId: String? { self.state.withLock { $0.session?.connectionId } }

    /// The server of the current connection, if connected.
    public var currentServer: NacosSocketAddress? { self.state.withLock { $0.session?.server } }

    /// The abilities the current server sent in SetupAckRequest, if any.
    public var serverAbilities: [String: Bool]? { self.state.withLock { $0.session?.serverAbilities } }

    /// Adds a listener of connects and disconnects; it runs synchronously where the change happens.
    public func addConnectionListener(_ listener: @escaping @Sendable (NacosRpcClientEvent) -> Void) {
        self.state.withLock { $0.listeners.append(listener) }
    }

    /// Registers `handler` for server pushes of `type`, replacing an earlier handler of that type.
    ///
    /// The client itself answers ClientDetectionRequest, HealthCheckRequest, ConnectResetRequest and
    /// SetupAckRequest; a push of another type without a handler is answered with error 302.
    public func registerServerRequestHandler<Request: NacosRequest>(
        _ type: Request.Type,
        _ handler: @escaping @Sendable (Request) async throws -> (any NacosResponse)?
    ) {
        let erased: ServerRequestHandler = { request in
            guard let typed = request as? Request else { return nil }
            return try await handler(typed)
        }
        self.state.withLock { $0.pushHandlers[Request.typeName] = PushHandler(type: Request.self, handle: erased) }
    }

    /// Sets header `name` on every request sent from now on — ServerCheck and ConnectionSetup of later
    /// handshakes included — over `configuration.headers`, or removes it with `nil`; it is for values that
    /// change while the client runs, such as an access token renewed by logging in again. A header the
    /// request sets itself wins.
    public func setHeader(_ name: String, _ value: String?) {
        self.state.withLock { $0.headers[name] = value }
    }

    /// `configuration.headers` with the headers of `setHeader(_:_:)` laid over them.
    private var currentHeaders: [String: String] {
        let dynamic = self.state.withLock { $0.headers }
        guard !dynamic.isEmpty else { return self.configuration.headers }
        return self.configuration.headers.merging(dynamic) { _, set in set }
    }

    // MARK: - Life cycle

    /// Connects to the servers, trying up to `startAttempts` times before it leaves connecting to the
    /// background reconnect loop, and starts the health-check loop.
    ///
    /// - Returns: whether a connection was set up before returning.
    @discardableResult
    public func start() async -> Bool {
        let started = self.state.withLock { state -> Bool in
            guard state.status == .initialized else { return false }
            state.status = .starting
            return true
        }
        guard started else { return self.isRunning }
        let reconnectTask = Task { [weak self, signals] in
            for await signal in signals {
                guard let self else { return }
                await self.reconnect(signal)
            }
        }
        let keepAliveTask = Task { [weak self, clock, configuration] in
            while !Task.isCancelled {
                do { try await clock.sleep(for: configuration.healthCheckInterval ?? configuration.keepAliveTime) } catch { return }
                guard let self else { return }
                await self.checkHealth()
            }
        }
        self.state.withLock { $0.tasks += [reconnectTask, keepAliveTask] }
        for attempt in 1...max(1, self.configuration.startAttempts) {
            guard self.status == .starting else { return self.isRunning }
            let server = self.nextServer()
            do {
                let session = try await self.establish(to: server)
                if self.install(session) { return true }
            } catch {
                self.logger.warning("[\(self.configuration.name)] start attempt \(attempt) to \(server) failed: \(error)")
            }
        }
        self.signalSink.yield(ReconnectSignal())
        return false
    }

    /// Closes the connection and stops every background task; the client cannot be restarted.
    public func shutdown() {
        let (session, tasks) = self.state.withLock { state -> (ClientSession?, [Task<Void, Never>]) in
            state.status = .shutdown
            defer {
                state.session = nil
                state.tasks = []
            }
            return (state.session, state.tasks)
        }
        self.signalSink.finish()
        for task in tasks { task.cancel() }
        if let session, !session.abandon() {
            session.channel.close()
            self.notify(.disconnected(connectionId: session.connectionId, server: session.server))
        }
    }

    // MARK: - Requests

    /// Sends `request` and returns the server's response, which may be an `ErrorResponse` or a failed
    /// response of the expected type.
    ///
    /// Connection-level failures (not connected, timeout of one attempt, connection closed or busy, error
    /// 301) are retried up to `retryTimes` times within `timeout`; a 301 also starts a reconnect. Unlike
    /// the Java SDK, a handler's error response is returned, not retried.
    ///
    /// - Throws: `NacosRemoteError` (`notRunning`, `timeout`, `connectionClosed`, …) when every attempt failed.
    public func request(_ request: some NacosRequest, timeout: Duration? = nil) async throws -> any NacosResponse {
        var request = request
        for (name, value) in self.currentHeaders where request.header(name) == nil {
            request.setHeader(name, value)
        }
        let timeout = timeout ?? self.configuration.requestTimeout
        let deadline = self.clock.nowMillis() + timeout.wholeMilliseconds
        var lastError: any Error = NacosRemoteError(.notRunning, "[\(self.configuration.name)] client is not connected")
        for _ in 0...max(0, self.configuration.retryTimes) {
            let remaining = deadline - self.clock.nowMillis()
            guard remaining > 0, self.status != .shutdown else { break }
            let session = self.state.withLock { $0.status == .running ? $0.session : nil }
            guard let session else {
                lastError = NacosRemoteError(.notRunning, "[\(self.configuration.name)] client is \(self.status)")
                try? await self.clock.sleep(for: .milliseconds(min(100, remaining)))
                continue
            }
            do {
                let response = try await session.channel.call(request, clientIp: session.clientIp, timeout: .milliseconds(remaining))
                if response.errorCode == NacosErrorCode.unregister.rawValue, response is ErrorResponse {
                    lastError = NacosException(.unregister, response.message ?? "Connection is unregistered.")
                    self.markUnhealthy(session)
                    self.signalSink.yield(ReconnectSignal(failed: session))
                    continue
                }
                return response
            } catch {
                lastError = error
            }
        }
        if let session = self.state.withLock({ $0.session }) {
            self.signalSink.yield(ReconnectSignal(failed: session, checkHealthFirst: true))
        }
        throw lastError
    }

    /// Sends `request` and returns its response as `Response`.
    ///
    /// - Throws: `NacosException` with the response's error code when it failed (an `ErrorResponse` or a
    ///   response with `resultCode` ≠ 200), `NacosRemoteError` with code `unexpectedResponse` for another
    ///   type, or what `request(_:timeout:)` throws.
    public func request<Response: NacosResponse>(
        _ request: some NacosRequest,
        expecting responseType: Response.Type,
        timeout: Duration? = nil
    ) async throws -> Response {
        let response = try await self.request(request, timeout: timeout)
        guard response.success else {
            throw NacosException(NacosErrorCode(rawValue: response.errorCode), response.message ?? "\(response.typeName) failed")
        }
        guard let typed = response as? Response else {
            throw NacosRemoteError(.unexpectedResponse, "expected \(Response.typeName), got \(response.typeName)")
        }
        return typed
    }

    // MARK: - Connecting

    private func nextServer() -> NacosSocketAddress {
        let servers = self.configuration.serverAddresses
        return self.state.withLock { state in
            defer { state.serverCursor = (state.serverCursor + 1) % servers.count }
            return servers[state.serverCursor % servers.count]
        }
    }

    /// Connects to `server` and runs the handshake: ServerCheck, ConnectionSetup, and the wait for
    /// SetupAck when the server negotiates abilities.
    private func establish(to server: NacosSocketAddress) async throws -> ClientSession {
        let connection = try await self.configuration.protocolLayer.connect(
            over: self.transport,
            to: server,
            timeout: self.configuration.connectTimeout,
            options: NacosProtocolOptions(maxHeaderCount: self.configuration.maxHeaderCount),
            logger: self.logger
        )
        let channel = RpcChannel(connection: connection, registry: self.payloads, clock: self.clock, logger: self.logger)
        let clientIp = self.configuration.clientIp ?? connection.localAddress?.host ?? ""
        let session = ClientSession(server: server, channel: channel, clientIp: clientIp)
        channel.start(
            RpcChannel.Callbacks(
                onRequest: { [weak self, session] _, payload in self?.receivePush(payload, on: session) },
                onClose: { [weak self, session] _, error in self?.sessionClosed(session, error: error) }
            )
        )
        do {
            let headers = self.currentHeaders
            var check = ServerCheckRequest()
            check.headers = headers
            let response = try await channel.call(check, clientIp: clientIp, timeout: self.configuration.serverCheckTimeout)
            guard let checked = response as? ServerCheckResponse, checked.success, let connectionId = checked.connectionId else {
                throw NacosException(NacosErrorCode(rawValue: response.errorCode), "server check failed: \(response.message ?? response.typeName)")
            }
            session.connectionId = connectionId
            var setup = ConnectionSetupRequest(
                clientVersion: self.configuration.clientVersion,
                tenant: self.configuration.tenant,
                labels: self.configuration.labels,
                abilityTable: self.configuration.abilityTable
            )
            setup.headers = headers
            try channel.sendWithoutResponse(setup, clientIp: clientIp)
            if checked.supportAbilityNegotiation, self.configuration.abilityTable != nil {
                guard await session.waitForSetupAck(timeout: self.configuration.setupAckTimeout) != nil else {
                    throw NacosRemoteError(.connectionClosed, "no SetupAckRequest from \(server) within \(self.configuration.setupAckTimeout)")
                }
            }
            return session
        } catch {
            _ = session.abandon()
            channel.close()
            throw error
        }
    }

    /// Makes `session` current, replacing (and closing) the previous one, and tells the listeners.
    ///
    /// - Returns: `false` when the session closed before it could be installed, or the client shut down.
    @discardableResult
    private func install(_ session: ClientSession) -> Bool {
        let (installed, previous) = self.state.withLock { state -> (Bool, ClientSession?) in
            // `sessionClosed` abandons the session before it takes this lock, so a close that happened
            // before this point is seen here, and one after it finds the session current.
            guard state.status != .shutdown, !session.isAbandoned else { return (false, nil) }
            let previous = state.session
            state.session = session
            state.status = .running
            return (true, previous)
        }
        guard installed else {
            _ = session.abandon()
            session.channel.close()
            return false
        }
        if let previous, !previous.abandon() {
            previous.channel.close()
            self.notify(.disconnected(connectionId: previous.connectionId, server: previous.server))
        }
        self.logger.info("[\(self.configuration.name)] connected to \(session.server) as \(session.connectionId)")
        self.notify(.connected(connectionId: session.connectionId, server: session.server))
        return true
    }

    private func sessionClosed(_ session: ClientSession, error: (any Error)?) {
        session.cancelSetupAckWait()
        guard !session.abandon() else { return }
        let wasCurrent = self.state.withLock { state -> Bool in
            guard state.session === session else { return false }
            state.session = nil
            if state.status == .running { state.status = .unhealthy }
            return true
        }
        guard wasCurrent else { return }
        self.logger.warning("[\(self.configuration.name)] connection \(session.connectionId) to \(session.server) closed\(error.map { ": \($0)" } ?? "")")
        self.notify(.disconnected(connectionId: session.connectionId, server: session.server))
        self.signalSink.yield(ReconnectSignal(failed: session))
    }

    private func markUnhealthy(_ session: ClientSession) {
        self.state.withLock { state in
            if state.session === session, state.status == .running { state.status = .unhealthy }
        }
    }

    /// One reconnect: unless the signal is stale, tries the recommended server once and then the list
    /// round-robin, waiting `unit × min(turn + 1, 50)` after each failure, until a connection is set up.
    private func reconnect(_ signal: ReconnectSignal) async {
        let (current, status) = self.state.withLock { ($0.session, $0.status) }
        if status == .shutdown { return }
        if let failed = signal.failed, let current, current !== failed, status == .running, signal.recommended == nil {
            return
        }
        if signal.checkHealthFirst, let current, await self.isHealthy(current) {
            return
        }
        var recommended = signal.recommended
        var failures = 0
        var turns = 0
        let serverCount = self.configuration.serverAddresses.count
        while self.status != .shutdown {
            let server = recommended ?? self.nextServer()
            recommended = nil
            do {
                let session = try await self.establish(to: server)
                guard !self.install(session) else { return }
                throw NacosRemoteError(.connectionClosed, "connection to \(server) closed during set-up")
            } catch {
                // As Java's RpcClient: a turn ends after each full pass over the list, so one server
                // waits 100, 200, 300 ms… and two servers 100, 100, 200, 200 ms…
                if failures > 0, failures % serverCount == 0 { turns += 1 }
                failures += 1
                self.logger.debug("[\(self.configuration.name)] reconnect to \(server) failed: \(error)")
                let pause = self.configuration.reconnectBackoffUnit * min(turns + 1, 50)
                do { try await self.clock.sleep(for: pause) } catch { return }
            }
        }
    }

    /// Sends HealthCheckRequest when the connection has been silent for `keepAliveTime` and reconnects
    /// when it fails; with `readIdleTimeout` set (heartbeat mode) the ping is not awaited and the client
    /// reconnects when nothing was read for that long.
    private func checkHealth() async {
        guard let session = self.state.withLock({ $0.status == .running ? $0.session : nil }) else { return }
        let idle = self.clock.nowMillis() - session.channel.lastReadTime
        if let readIdle = self.configuration.readIdleTimeout, idle >= readIdle.wholeMilliseconds {
            self.logger.warning("[\(self.configuration.name)] nothing read from \(session.server) for \(idle) ms; reconnecting")
            self.markUnhealthy(session)
            self.signalSink.yield(ReconnectSignal(failed: session))
            return
        }
        guard idle >= self.configuration.keepAliveTime.wholeMilliseconds else { return }
        if let readIdle = self.configuration.readIdleTimeout {
            // Heartbeat mode: the ping only has to provoke a read; the read-idle rule decides.
            let clientIp = session.clientIp
            Task { _ = try? await session.channel.call(HealthCheckRequest(), clientIp: clientIp, timeout: readIdle) }
            return
        }
        if await self.isHealthy(session) { return }
        self.logger.warning("[\(self.configuration.name)] health check of \(session.server) failed; reconnecting")
        self.markUnhealthy(session)
        self.signalSink.yield(ReconnectSignal(failed: session))
    }

    private func isHealthy(_ session: ClientSession) async -> Bool {
        for _ in 0..<max(1, self.configuration.healthCheckAttempts) {
            guard !session.channel.isClosed else { return false }
            do {
                let response = try await session.channel.call(
                    HealthCheckRequest(),
                    clientIp: session.clientIp,
                    timeout: self.configuration.healthCheckTimeout
                )
                if response.success { return true }
                if response.errorCode == NacosErrorCode.unregister.rawValue { return false }
            } catch {
                continue
            }
        }
        return false
    }

    private func notify(_ event: NacosRpcClientEvent) {
        let listeners = self.state.withLock { $0.listeners }
        for listener in listeners { listener(event) }
    }

    // MARK: - Server pushes

    private func receivePush(_ payload: NacosPayload, on session: ClientSession) {
        if payload.type == SetupAckRequest.typeName {
            let ack = try? payload.decodeRequest(as: SetupAckRequest.self)
            session.receivedSetupAck(ack?.abilityTable ?? [:])
            return
        }
        // The keep-alive probes are answered on the loop, without a task switch.
        if payload.type == ClientDetectionRequest.typeName || payload.type == HealthCheckRequest.typeName,
            let requestId = Self.requestId(in: payload)
        {
            var response: any NacosResponse = payload.type == HealthCheckRequest.typeName ? HealthCheckResponse() : ClientDetectionResponse()
            response.requestId = requestId
            session.channel.respond(response, callId: 0)
            return
        }
        let handler = self.state.withLock { $0.pushHandlers[payload.type] }
        Task {
            let (response, reset) = await self.answer(payload, handler: handler)
            if let response {
                session.channel.respond(response, callId: 0)
            }
            if let reset {
                self.followReset(reset, from: session)
            }
        }
    }

    /// The response to a server push, and the reset to follow once it is sent.
    private func answer(_ payload: NacosPayload, handler: PushHandler?) async -> ((any NacosResponse)?, ConnectResetRequest?) {
        let request: any NacosRequest
        do {
            switch payload.type {
            case ClientDetectionRequest.typeName: request = try payload.decodeRequest(as: ClientDetectionRequest.self)
            case HealthCheckRequest.typeName: request = try payload.decodeRequest(as: HealthCheckRequest.self)
            case ConnectResetRequest.typeName: request = try payload.decodeRequest(as: ConnectResetRequest.self)
            default:
                guard let handler else {
                    var response = ErrorResponse.build(code: .noHandler, message: "no handler for \(payload.type)")
                    response.requestId = Self.requestId(in: payload)
                    return (response, nil)
                }
                var decoded = try NacosJSON.decode(handler.type, from: payload.body)
                decoded.mergeHeaders(payload.headers)
                request = decoded
            }
        } catch {
            var response = ErrorResponse.build(code: .badGateway, message: "\(error)")
            response.requestId = Self.requestId(in: payload)
            return (response, nil)
        }
        var reset: ConnectResetRequest?
        var response: (any NacosResponse)?
        switch request {
        case is ClientDetectionRequest:
            response = ClientDetectionResponse()
        case is HealthCheckRequest:
            response = HealthCheckResponse()
        case let resetRequest as ConnectResetRequest:
            response = ConnectResetResponse()
            reset = resetRequest
        default:
            do {
                response = try await handler?.handle(request)
            } catch {
                self.logger.warning("[\(self.configuration.name)] handler of \(payload.type) failed: \(error)")
                response = ErrorResponse.build(code: .clientError, message: "Handle server request error")
            }
        }
        response?.requestId = request.requestId
        return (response, reset)
    }

    /// ConnectResetRequest: reconnect to `serverIp:serverPort + offset` when that server is in the list,
    /// else to the next server.
    private func followReset(_ reset: ConnectResetRequest, from session: ClientSession) {
        guard self.status == .running || self.status == .unhealthy else { return }
        var recommended: NacosSocketAddress?
        if let ip = reset.serverIp, !ip.isEmpty {
            let port = reset.serverPort.flatMap { Int($0) }.map { $0 + self.configuration.serverPortOffset }
            recommended = self.configuration.serverAddresses.first { address in
                address.host == ip && (address.family == .inMemory || address.port == port)
            }
        }
        self.logger.info("[\(self.configuration.name)] server asked to reset connection \(session.connectionId); moving to \(recommended.map { "\($0)" } ?? "the next server")")
        self.signalSink.yield(ReconnectSignal(failed: session, recommended: recommended))
    }

    /// The body's `requestId`, read without knowing the request type.
    private static func requestId(in payload: NacosPayload) -> String? {
        guard let object = try? NacosJSONParser.parseObject(payload.body) else { return nil }
        return try? object.string("requestId")
    }

}
