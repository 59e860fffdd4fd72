public import NacosTransport
import Synchronization

/// Serves the native protocol on one transport listener: accepts connections, assigns their ids, runs the
/// ServerCheck / ConnectionSetup handshake, registers connections with the `NacosConnectionManager`, and
/// dispatches requests to the handlers of a `NacosRequestHandlerRegistry` in Nacos's order (reference §1.4).
///
/// Run one for the SDK port and one for the cluster port, sharing a connection manager. The server is
/// "starting" after `bind()` (requests are answered with error 300 and SDK set-ups are reset) and
/// "running" after `markStarted()`; `start()` does both. `shutdown(gracePeriod:)` stops accepting, lets
/// the requests being handled answer, then closes every connection.
///
/// Every answered request is counted by type and result, with its handling latency (`requestMetrics`).
public final class NacosRpcServer: Sendable {
    /// Where a server is in its life.
    public enum Status: Sendable, Equatable {
        /// Created, not listening.
        case initialized
        /// Listening, but not accepting requests yet (error 300, SDK connections reset).
        case starting
        /// Serving.
        case running
        /// Shutting down: not listening, new requests refused with error 300, requests already being
        /// handled still answered.
        case stopping
        /// Shut down.
        case stopped
    }

    private struct State {
        var status: Status = .initialized
        var listener: (any NacosListener)?
        var contexts: [UInt64: ServerConnectionContext] = [:]
        /// Requests admitted and not yet answered.
        var inFlightCount = 0
        /// Shutdowns waiting for `inFlightCount` to reach 0.
        var drainWaiters: [ClockSleeper] = []
        var metrics: RequestMetricsTable
    }

    /// The message of the error 300 that answers requests before `markStarted()`.
    private static let startingMessage = "Server is starting,please try later."
    /// The message of the error 300 that answers requests once shutdown has begun.
    private static let shuttingDownMessage = "Server is shutting down,please try later."

    /// The configuration the server was created with.
    public let configuration: NacosRpcServerConfiguration
    /// The connections registered through this server (shared with other servers of the node).
    public let connectionManager: NacosConnectionManager
    private let transport: any NacosTransport
    private let handlers: NacosRequestHandlerRegistry
    private let payloads: NacosPayloadRegistry
    private let clock: any NacosClock
    private let logger: NacosLogger
    private let state: Mutex<State>
    /// The metrics slot of ServerCheckRequest, answered without a handler.
    private let serverCheckSlot: Int
    /// The metrics slot of request types without a handler.
    private let unknownSlot: Int

    /// Creates a server; nothing listens until `bind()` or `start()`. HealthCheckRequest is answered by
    /// the server itself unless `handlers` has a handler for it.
    ///
    /// - Parameters:
    ///   - payloads: the message types the server decodes responses of (answers to its pushes).
    public init(
        configuration: NacosRpcServerConfiguration,
        transport: any NacosTransport,
        handlers: NacosRequestHandlerRegistry,
        payloads: NacosPayloadRegistry = .standard,
        connectionManager: NacosConnectionManager,
        clock: any NacosClock = NacosSystemClock(),
        logger: NacosLogger = NacosLogger(label: "nacos.remote.server")
    ) {
        self.configuration = configuration
        self.transport = transport
        var handlers = handlers
        if handlers.entry(for: HealthCheckRequest.typeName) == nil {
            handlers.registerImmediate(HealthCheckRequest.self, responseType: HealthCheckResponse.self) { _, _ in HealthCheckResponse() }
        }
        let metrics = RequestMetricsTable(typeNames: handlers.handledTypeNames.union([ServerCheckRequest.typeName]))
        handlers.assignMetricsSlots { metrics.slot(for: $0) }
        self.handlers = handlers
        self.serverCheckSlot = metrics.slot(for: ServerCheckRequest.typeName)
        self.unknownSlot = metrics.unknownSlot
        self.state = Mutex(State(metrics: metrics))
        self.payloads = payloads
        self.connectionManager = connectionManager
        self.clock = clock
        self.logger = logger
    }

    /// The server's status.
    public var status: Status { self.state.withLock { $0.status } }

    /// The bound address (with the real port when 0 was asked for), once bound.
    public var localAddress: NacosSocketAddress? { self.state.withLock { $0.listener?.localAddress } }

    /// The number of transport connections open on this server, set up or not.
    public var openConnectionCount: Int { self.state.withLock { $0.contexts.count } }

    /// The number of requests being handled: dispatched and not yet answered.
    public var inFlightRequestCount: Int { self.state.withLock { $0.inFlightCount } }

    /// The requests answered so far by type and result, with their handling latencies.
    public var requestMetrics: NacosRequestMetrics {
        self.state.withLock { $0.metrics.snapshot(inFlightCount: $0.inFlightCount) }
    }

    /// Starts listening; requests get error 300 until `markStarted()`.
    ///
    /// - Throws: `NacosRemoteError(.notRunning)` when already bound, a transport error when the address
    ///   cannot be bound, and `invalidConfiguration` when no protocol is configured or a protocol other
    ///   than the native one is asked of a transport without raw streams.
    public func bind() async throws {
        let listener = try await self.listen()
        let accepted = self.state.withLock { state -> Bool in
            guard state.status == .initialized else { return false }
            state.listener = listener
            state.status = .starting
            return true
        }
        if !accepted {
            await listener.close()
            throw NacosRemoteError(.notRunning, "the server was already bound or shut down")
        }
        self.logger.info("\(self.configuration.kind) RPC server listening on \(listener.localAddress)")
    }

    /// Marks the server fully started: requests are served and SDK connections accepted.
    public func markStarted() {
        self.state.withLock { state in
            if state.status == .starting { state.status = .running }
        }
    }

    /// Binds and marks the server started.
    public func start() async throws {
        try await self.bind()
        self.markStarted()
    }

    /// Stops listening and closes every connection at once (each is unregistered from the manager):
    /// `shutdown(gracePeriod: .zero)`.
    public func shutdown() async {
        await self.shutdown(gracePeriod: .zero)
    }

    /// Shuts the server down gracefully: stops listening, answers new requests (and refuses new set-ups)
    /// with error 300 "Server is shutting down", waits until every request already being handled has been
    /// answered or `gracePeriod` (on the server's clock) has passed, then closes every connection (each is
    /// unregistered from the manager).
    ///
    /// Returns once the connections are closed; a handler that never returns delays it by `gracePeriod` at
    /// most, and its response is dropped. A later call with a shorter grace period cuts the wait short.
    public func shutdown(gracePeriod: Duration) async {
        let listener = self.state.withLock { state -> (any NacosListener)? in
            state.status = state.status == .stopped ? .stopped : .stopping
            defer { state.listener = nil }
            return state.listener
        }
        if let listener {
            await listener.close()
            self.logger.info("\(self.configuration.kind) RPC server stopped listening on \(listener.localAddress)")
        }
        if gracePeriod > .zero {
            await self.waitForInFlightRequests(upTo: gracePeriod)
        }
        let (contexts, waiters, unanswered) = self.state.withLock { state -> ([ServerConnectionContext], [ClockSleeper], Int) in
            state.status = .stopped
            defer {
                state.contexts = [:]
                state.drainWaiters = []
            }
            return (Array(state.contexts.values), state.drainWaiters, state.inFlightCount)
        }
        if unanswered > 0 {
            self.logger.warning("closing \(contexts.count) connection(s) with \(unanswered) request(s) still unanswered")
        }
        // Other shutdowns still waiting stop waiting: everything is closed now.
        for waiter in waiters { waiter.resume(with: .success(())) }
        for context in contexts {
            context.setHeartbeatTimer(nil)
            context.channel.close()
            self.connectionManager.unregister(context.connectionId)
        }
    }

    /// Suspends until no request is in flight, `gracePeriod` has passed, or the task is cancelled.
    private func waitForInFlightRequests(upTo gracePeriod: Duration) async {
        let waiter = ClockSleeper()
        try? await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                guard waiter.install(continuation) else { return }
                let idle = self.state.withLock { state -> Bool in
                    guard state.inFlightCount > 0, state.status == .stopping else { return true }
                    state.drainWaiters.append(waiter)
                    return false
                }
                if idle {
                    waiter.resume(with: .success(()))
                    return
                }
                waiter.attach(self.clock.schedule(after: gracePeriod, on: nil) { waiter.resume(with: .success(())) })
            }
        } onCancel: {
            waiter.resume(with: .failure(CancellationError()))
        }
    }

    // MARK: - Accept

    /// Listens with the configured protocol layers: a lone native layer uses the transport's framed
    /// `listen` (any transport), anything else its raw streams, behind a first-bytes router when the port
    /// serves more than one layer.
    private func listen() async throws -> any NacosListener {
        let protocols = self.configuration.protocols
        let options = NacosProtocolOptions(maxHeaderCount: self.configuration.maxHeaderCount)
        guard let first = protocols.first else {
            throw NacosRemoteError(.invalidConfiguration, "the \(self.configuration.kind) RPC server has no protocol layer")
        }
        guard let streams = self.transport as? any NacosStreamTransport else {
            guard protocols.count == 1, first is NacosNativeProtocol else {
                throw NacosRemoteError(.invalidConfiguration, "protocol \(first.name) needs a transport with raw streams (TCP, TLS, in-memory)")
            }
            return try await self.transport.listen(on: self.configuration.address) { [weak self] connection in
                guard let self else { return connection.close(flush: false) }
                self.accept(NacosNativeProtocol.wrap(connection, options: options))
            }
        }
        let logger = self.logger
        let timeout = self.configuration.protocolDetectionTimeout
        let accept: @Sendable (any NacosPayloadConnection) -> Void = { [weak self] connection in
            guard let self else { return connection.close(flush: false) }
            self.accept(connection)
        }
        return try await streams.listenStreams(on: self.configuration.address) { loop in
            func handler(for layer: any NacosProtocolLayer) -> any NacosStreamHandler {
                layer.makeServerHandler(transport: streams, eventLoop: loop, options: options, logger: logger, onConnection: accept)
            }
            guard protocols.count > 1 else { return handler(for: first) }
            let candidates = protocols.map { layer in
                NacosProtocolSniffingHandler.Candidate(name: layer.name, detect: layer.detect) { handler(for: layer) }
            }
            return NacosProtocolSniffingHandler(candidates: candidates, detectionTimeout: timeout, logger: logger)
        }
    }

    private func accept(_ connection: any NacosPayloadConnection) {
        let remote = connection.remoteAddress
        let port = (remote?.port ?? 0) > 0 ? remote!.port : Int(truncatingIfNeeded: connection.id)
        let connectionId = "\(self.clock.nowMillis())_\(remote?.host ?? "unknown")_\(port)"
        let channel = RpcChannel(connection: connection, registry: self.payloads, clock: self.clock, logger: self.logger)
        let context = ServerConnectionContext(connectionId: connectionId, channel: channel)
        let admitted = self.state.withLock { state -> Bool in
            guard state.status != .stopped, state.status != .stopping, state.contexts.count < self.configuration.maxConnections else {
                return false
            }
            state.contexts[connection.id] = context
            return true
        }
        guard admitted else {
            self.logger.warning("refusing connection from \(remote.map { "\($0)" } ?? "?"): server stopped or at its limit of \(self.configuration.maxConnections) connections")
            connection.close(flush: false)
            return
        }
        channel.start(
            RpcChannel.Callbacks(
                onRequest: { [weak self, context] _, payload in self?.receive(payload, on: context) },
                onClose: { [weak self, context] _, _ in self?.closed(context, transportId: connection.id) }
            )
        )
        if let heartbeat = self.configuration.heartbeat {
            self.scheduleHeartbeat(context, every: heartbeat)
        }
    }

    private func closed(_ context: ServerConnectionContext, transportId: UInt64) {
        context.setHeartbeatTimer(nil)
        self.state.withLock { _ = $0.contexts.removeValue(forKey: transportId) }
        if context.serverConnection != nil {
            self.connectionManager.unregister(context.connectionId)
        }
    }

    /// Pings a connection idle for `heartbeat` and closes one silent for three heartbeats.
    private func scheduleHeartbeat(_ context: ServerConnectionContext, every heartbeat: Duration) {
        let timer = self.clock.schedule(after: heartbeat, on: context.channel.connection.eventLoop) { [weak self, context] in
            guard let self, !context.channel.isClosed else { return }
            let idle = self.clock.nowMillis() - context.channel.lastReadTime
            let beat = heartbeat.wholeMilliseconds
            if idle >= 3 * beat {
                self.logger.info("closing connection \(context.connectionId): nothing received for \(idle) ms (3 heartbeats)")
                context.channel.close()
                return
            }
            if idle >= beat {
                var ping = HealthCheckRequest()
                ping.requestId = PushRequestIds.next()
                try? context.channel.sendWithoutResponse(ping)
            }
            self.scheduleHeartbeat(context, every: heartbeat)
        }
        context.setHeartbeatTimer(timer)
    }

    // MARK: - Dispatch

    private func receive(_ payload: NacosPayload, on context: ServerConnectionContext) {
        if payload.type == ConnectionSetupRequest.typeName {
            self.setUp(payload, on: context)
            return
        }
        // Dispatch order of GrpcRequestAcceptor (reference §1.4); steps 1–4 need no decoding.
        let started = ContinuousClock.now
        let callId = payload.callId
        let entry = self.handlers.entry(for: payload.type)
        let slot = entry?.metricsSlot ?? (payload.type == ServerCheckRequest.typeName ? self.serverCheckSlot : self.unknownSlot)
        let refusedStatus = self.state.withLock { state -> Status? in
            guard state.status == .running else { return state.status }
            state.inFlightCount += 1
            return nil
        }
        if let refusedStatus {
            let starting = refusedStatus == .initialized || refusedStatus == .starting
            let response = ErrorResponse.build(code: .invalidServerStatus, message: starting ? Self.startingMessage : Self.shuttingDownMessage)
            context.channel.respond(response, callId: callId)
            let latency = started.duration(to: .now)
            self.state.withLock { state in
                state.metrics.record(slot: slot, resultCode: response.resultCode, errorCode: response.errorCode, latency: latency)
            }
            return
        }
        // From here on the request is in flight until `answer` sends its response.
        if payload.type == ServerCheckRequest.typeName {
            let response = ServerCheckResponse(connectionId: context.connectionId, supportAbilityNegotiation: true)
            self.answer(response, callId: callId, slot: slot, started: started, on: context)
            return
        }
        guard let entry else {
            let response = ErrorResponse.build(code: .noHandler, message: "RequestHandler Not Found")
            self.answer(response, callId: callId, slot: slot, started: started, on: context)
            return
        }
        guard let connection = context.serverConnection, self.connectionManager.isRegistered(context.connectionId) else {
            let response = ErrorResponse.build(code: .unregister, message: "Connection is unregistered.")
            self.answer(response, callId: callId, slot: slot, started: started, on: context)
            return
        }
        let request: any NacosRequest
        do {
            var decoded = try NacosJSON.decode(entry.requestType, from: payload.body)
            decoded.mergeHeaders(payload.headers)
            request = decoded
        } catch {
            self.answer(ErrorResponse.build(code: .badGateway, message: error.message), callId: callId, slot: slot, started: started, on: context)
            return
        }
        if self.configuration.kind == .sdk, self.payloads.isClusterOnly(payload.type) || NacosPayloadRegistry.clusterOnlyTypeNames.contains(payload.type) {
            let response = ErrorResponse.build(code: .badGateway, message: " invoke \(payload.type) from sdk is forbidden")
            self.answer(response, callId: callId, slot: slot, started: started, on: context)
            return
        }
        connection.refreshActiveTime()
        let meta = connection.meta
        let requestMeta = NacosRequestMeta(
            connectionId: context.connectionId,
            clientIp: payload.clientIp.isEmpty ? meta.clientIp : payload.clientIp,
            clientVersion: meta.version,
            labels: meta.labels,
            abilityTable: meta.abilityTable
        )
        if let immediate = entry.handleImmediately, self.handlers.filters.isEmpty {
            let response: any NacosResponse
            do {
                response = try immediate(request, requestMeta)
            } catch {
                response = self.failure(error, of: request)
            }
            self.answer(response, callId: callId, slot: slot, started: started, on: context)
            return
        }
        Task {
            let response = await self.handle(request, entry: entry, meta: requestMeta)
            self.answer(response, callId: callId, slot: slot, started: started, on: context)
        }
    }

    /// Sends the response to an admitted request, records it in the metrics and ends its time in flight.
    /// A response with error code 503 (over threshold) is sent after `overThresholdResponseDelay`; its
    /// latency is the handling time, but it stays in flight until sent.
    private func answer(
        _ response: any NacosResponse,
        callId: UInt64,
        slot: Int,
        started: ContinuousClock.Instant,
        on context: ServerConnectionContext
    ) {
        let resultCode = response.resultCode
        let errorCode = response.errorCode
        guard errorCode == NacosErrorCode.overThreshold.rawValue else {
            context.channel.respond(response, callId: callId)
            let latency = started.duration(to: .now)
            let waiters = self.state.withLock { state -> [ClockSleeper] in
                state.metrics.record(slot: slot, resultCode: resultCode, errorCode: errorCode, latency: latency)
                return Self.endInFlight(&state)
            }
            for waiter in waiters { waiter.resume(with: .success(())) }
            return
        }
        let latency = started.duration(to: .now)
        self.state.withLock { state in
            state.metrics.record(slot: slot, resultCode: resultCode, errorCode: errorCode, latency: latency)
        }
        self.clock.schedule(after: self.configuration.overThresholdResponseDelay, on: context.channel.connection.eventLoop) { [weak self] in
            context.channel.respond(response, callId: callId)
            guard let self else { return }
            let waiters = self.state.withLock { Self.endInFlight(&$0) }
            for waiter in waiters { waiter.resume(with: .success(())) }
        }
    }

    /// Counts one request out of flight; returns the shutdowns to wake when it was the last one.
    private static func endInFlight(_ state: inout State) -> [ClockSleeper] {
        state.inFlightCount -= 1
        guard state.inFlightCount == 0, !state.drainWaiters.isEmpty else { return [] }
        defer { state.drainWaiters = [] }
        return state.drainWaiters
    }

    private func handle(_ request: any NacosRequest, entry: NacosRequestHandlerRegistry.Entry, meta: NacosRequestMeta) async -> any NacosResponse {
        do {
            for filter in self.handlers.filters {
                if let refusal = try await filter.filter(request, meta: meta, responseType: entry.responseType) {
                    return refusal
                }
            }
            return try await entry.handle(request, meta)
        } catch {
            return self.failure(error, of: request)
        }
    }

    /// The ErrorResponse for a handler's error (reference §1.4 step 7).
    private func failure(_ error: any Error, of request: any NacosRequest) -> ErrorResponse {
        if let exception = error as? NacosException {
            return ErrorResponse.build(failureCode: exception.errorCode, message: exception.message)
        }
        self.logger.error("handler of \(request.typeName) failed: \(error)")
        return ErrorResponse.build(failureCode: .serverError, message: "\(error)")
    }

    /// ConnectionSetupRequest: build the meta, refuse SDK connections while starting or shutting down
    /// (ConnectResetRequest, then close), other connections while shutting down and connections over a
    /// limit (close), register, and push SetupAck when the client sent an ability table. Runs on the
    /// connection's loop, so later requests see the registration.
    private func setUp(_ payload: NacosPayload, on context: ServerConnectionContext) {
        guard context.serverConnection == nil else {
            self.logger.debug("ignoring a repeated ConnectionSetupRequest on \(context.connectionId)")
            return
        }
        let setup: ConnectionSetupRequest
        do {
            setup = try payload.decodeRequest(as: ConnectionSetupRequest.self)
        } catch {
            self.logger.warning("closing \(context.connectionId): invalid ConnectionSetupRequest: \(error)")
            context.channel.close()
            return
        }
        let transport = context.channel.connection
        let meta = NacosConnectionMeta(
            connectType: transport.protocolName,
            connectionId: context.connectionId,
            clientIp: payload.clientIp,
            remoteIp: transport.remoteAddress?.host ?? "",
            remotePort: transport.remoteAddress?.port ?? 0,
            localPort: transport.localAddress?.port ?? 0,
            version: setup.clientVersion ?? "",
            tenant: setup.tenant,
            labels: setup.labels,
            abilityTable: setup.abilityTable,
            createTime: self.clock.nowMillis(),
            tlsProtected: self.configuration.tlsProtected
        )
        let status = self.status
        let shuttingDown = status == .stopping || status == .stopped
        if shuttingDown || (meta.isSdkSource && status != .running) {
            let reason = shuttingDown ? "the server is shutting down" : "the server is starting"
            if meta.isSdkSource {
                self.logger.info("resetting SDK connection \(context.connectionId): \(reason)")
                try? context.channel.sendWithoutResponse(ConnectResetRequest(connectionId: context.connectionId).withPushId())
                self.connectionManager.recordReset()
            } else {
                self.logger.info("closing connection \(context.connectionId) at set-up: \(reason)")
            }
            context.channel.close()
            return
        }
        let connection = NacosServerConnection(channel: context.channel, meta: meta)
        do {
            try self.connectionManager.register(connection)
        } catch {
            context.channel.close()
            return
        }
        context.serverConnection = connection
        if setup.abilityTable != nil {
            try? connection.requestWithoutAck(SetupAckRequest(abilityTable: self.configuration.serverAbilities))
        }
    }
}

extension NacosRequest {
    /// The request with a fresh push `requestId`.
    internal func withPushId() -> Self {
        var copy = self
        copy.requestId = PushRequestIds.next()
        return copy
    }
}
