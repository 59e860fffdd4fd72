package import NacosNamingAPI
public import NacosRemote
public import NacosTransport
import Synchronization

/// The naming client an application embeds (Java's `NacosNamingService` over gRPC): it registers the
/// application's instances, queries and subscribes to services, and keeps both alive across reconnects.
///
/// Registrations and subscriptions are recorded before they are sent and re-sent by a redo task after a
/// reconnect (reference §8.4). Service data is cached by grouped name, updated by the server's pushes,
/// optionally snapshotted to disk and overridden by failover files (§8.5). Listeners hear the first data
/// of a service and every change of their clusters' instances, in order.
///
/// With `username` and `password` configured, the service logs in at the servers' HTTP addresses before
/// it connects, sends the access token with every request, renews it before it expires, and logs in again
/// (retrying the request once) when the server says the token expired or is invalid.
///
/// Call `start()` (or `startOrThrow()`) before anything else and `shutdown()` when done; shutting down
/// closes the connection, so the server drops this client's instances and tells their subscribers.
public final class NamingService: Sendable {
    private enum Phase {
        case created, starting, started, shutdown
    }

    private struct Lifecycle {
        var phase = Phase.created
        var tasks: [Task<Void, Never>] = []
    }

    /// The configuration the service was created with.
    public let configuration: NamingClientConfiguration
    let rpc: NacosRpcClient
    let clock: any NacosClock
    let logger: NacosLogger
    let redo = Mutex(NamingRedoState())
    let locks = KeyedSerialLock()
    let holder: ServiceInfoHolder
    let notifier = InstancesChangeNotifier()
    let diskCache: NamingDiskCache?
    let failover: NamingFailoverReactor?
    /// Logs in and keeps the access token; `nil` when auth is off.
    let security: NamingSecurityProxy?
    private let lifecycle = Mutex(Lifecycle())
    private let redoKicks: AsyncStream<Void>
    private let redoKickSink: AsyncStream<Void>.Continuation

    /// Creates a service; nothing connects until `start()`.
    ///
    /// - Parameters:
    ///   - transport: how to reach the servers (TCP on the shared event loops by default); with auth on it
    ///     dials the login addresses too when it offers raw streams (TCP, TLS, in-memory), else plain TCP does.
    ///   - clock: the source of time for the redo and failover timers and the RPC client.
    /// - Throws: `NacosException` 400 when `configuration.serverAddresses` is empty.
    public init(
        configuration: NamingClientConfiguration,
        transport: any NacosTransport = NacosTCPTransport(),
        clock: any NacosClock = NacosSystemClock(),
        logger: NacosLogger = NacosLogger(label: "nacos.naming.client")
    ) throws {
        guard !configuration.serverAddresses.isEmpty else {
            throw NacosException(.invalidParam, "NamingClientConfiguration.serverAddresses is empty")
        }
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.rpc = NacosRpcClient(
            configuration: configuration.effectiveRpcConfiguration,
            transport: transport,
            payloads: .naming,
            clock: clock,
            logger: logger
        )
        self.holder = ServiceInfoHolder(pushEmptyProtection: configuration.pushEmptyProtection)
        if let directory = configuration.cacheDirectory, !directory.isEmpty {
            self.diskCache = NamingDiskCache(cacheDirectory: directory, namespace: configuration.namespace, logger: logger)
            self.failover = NamingFailoverReactor(cacheDirectory: directory, logger: logger)
        } else {
            self.diskCache = nil
            self.failover = nil
        }
        if configuration.isAuthEnabled, let username = configuration.username, let password = configuration.password {
            let rpc = self.rpc
            self.security = NamingSecurityProxy(
                username: username,
                password: password,
                addresses: configuration.effectiveLoginAddresses,
                transport: transport as? any NacosStreamTransport ?? NacosTCPTransport(),
                timeout: configuration.rpc.requestTimeout,
                clock: clock,
                logger: logger,
                onToken: { token in rpc.setHeader(NamingSecurityProxy.tokenHeader, token) }
            )
        } else {
            self.security = nil
        }
        (self.redoKicks, self.redoKickSink) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.rpc.registerServerRequestHandler(NotifySubscriberRequest.self) { [weak self] push in
            if let self, let info = push.serviceInfo {
                self.accept(info, from: "push")
            }
            return NotifySubscriberResponse()
        }
        self.rpc.addConnectionListener { [weak self] event in
            self?.connectionChanged(event)
        }
    }

    deinit {
        self.shutdown()
    }

    // MARK: - Life cycle

    /// Whether the service is connected to a server.
    public var isConnected: Bool { self.rpc.isRunning }

    /// The id the server gave the current connection, if connected.
    public var connectionId: String? { self.rpc.connectionId }

    /// Logs in when auth is on, loads the disk snapshot if configured, reads the failover switch, starts the
    /// redo, failover and token renewal timers and connects; when no server answers, connecting continues
    /// in the background.
    ///
    /// A failed login is logged and returns `false`, leaving the service unstarted (call it again, or use
    /// `startOrThrow()` to learn why).
    ///
    /// - Returns: whether a connection was set up before returning.
    @discardableResult
    public func start() async -> Bool {
        do {
            return try await self.startOrThrow()
        } catch {
            self.logger.error("[naming] not started: \(error)")
            return false
        }
    }

    /// `start()`, throwing when the login fails.
    ///
    /// - Returns: whether a connection was set up before returning.
    /// - Throws: `NacosException`: 403 when a server refused the username or password (naming the server),
    ///   429 when it throttles failed logins, 500 when no login address answered (naming each address and
    ///   its error). The service is then left unstarted.
    @discardableResult
    public func startOrThrow() async throws -> Bool {
        let first = self.lifecycle.withLock { lifecycle -> Bool in
            guard lifecycle.phase == .created else { return false }
            lifecycle.phase = .starting
            return true
        }
        guard first else { return self.rpc.isRunning }
        if let security = self.security {
            do {
                try await security.login()
            } catch {
                self.lifecycle.withLock { lifecycle in
                    if lifecycle.phase == .starting { lifecycle.phase = .created }
                }
                throw error
            }
        }
        if self.configuration.loadCacheAtStart, let diskCache = self.diskCache {
            let infos = diskCache.readAll()
            for info in infos {
                _ = self.holder.process(info)
                self.notifier.receive(info, notify: false)
            }
            self.logger.info("[naming] loaded \(infos.count) services from \(diskCache.directory)")
        }
        self.failover?.refresh()
        var tasks = [self.makeRedoTask(), self.makeTimer(every: self.configuration.redoInterval) { $0.redoKickSink.yield() }]
        if self.failover != nil {
            tasks.append(self.makeTimer(every: self.configuration.failoverCheckInterval) { $0.checkFailover() })
        }
        if let security = self.security {
            tasks.append(self.makeRenewalTask(security))
        }
        let accepted = self.lifecycle.withLock { lifecycle -> Bool in
            guard lifecycle.phase == .starting else { return false }
            lifecycle.phase = .started
            lifecycle.tasks = tasks
            return true
        }
        guard accepted else {
            for task in tasks { task.cancel() }
            return false
        }
        return await self.rpc.start()
    }

    /// Closes the connection (the server then drops this client's instances and subscriptions), stops
    /// the timers and ends every subscription's events. The service cannot be restarted.
    public func shutdown() {
        let tasks = self.lifecycle.withLock { lifecycle -> [Task<Void, Never>]? in
            guard lifecycle.phase != .shutdown else { return nil }
            lifecycle.phase = .shutdown
            defer { lifecycle.tasks = [] }
            return lifecycle.tasks
        }
        guard let tasks else { return }
        self.redoKickSink.finish()
        for task in tasks { task.cancel() }
        self.rpc.shutdown()
        self.notifier.finishAll()
    }

    /// Throws unless `start()` was called and `shutdown()` was not.
    func ensureStarted() throws(NacosException) {
        let phase = self.lifecycle.withLock { $0.phase }
        switch phase {
        case .started: return
        case .created, .starting: throw NacosException(.clientDisconnect, "NamingService is not started; call start() first")
        case .shutdown: throw NacosException(.clientDisconnect, "NamingService is shut down")
        }
    }

    /// A copy of the redo records (for tests and diagnostics).
    package var redoSnapshot: NamingRedoState { self.redo.withLock { $0 } }

    /// The cached data of a service, as pushes and answers left it (failover data not applied).
    package func cachedServiceInfo(serviceName: String, groupName: String = NamingDefaults.group) -> ServiceInfo? {
        self.holder.serviceInfo(forKey: NamingDefaults.groupedName(service: serviceName, group: groupName))
    }

    /// Whether failover data is being served.
    package var isFailoverOn: Bool { self.failover?.isSwitchOn ?? false }

    private var isShutDown: Bool { self.lifecycle.withLock { $0.phase == .shutdown } }

    /// A task that runs `tick` every `interval` (at least 10 ms, so a zero or negative setting cannot
    /// spin) of the service's clock until cancelled or the service is gone.
    private func makeTimer(every interval: Duration, _ tick: @escaping @Sendable (NamingService) -> Void) -> Task<Void, Never> {
        let interval = max(interval, .milliseconds(10))
        return Task { [weak self, clock] in
            while !Task.isCancelled {
                do { try await clock.sleep(for: interval) } catch { return }
                guard let self else { return }
                tick(self)
            }
        }
    }

    /// How long a failed token renewal waits before it is tried again (Java's security task period).
    static let loginRetryInterval: Duration = .seconds(5)

    /// The task that logs in again when the token's renewal is due, and every `loginRetryInterval` after a
    /// failed renewal, until cancelled.
    private func makeRenewalTask(_ security: NamingSecurityProxy) -> Task<Void, Never> {
        Task { [clock, logger] in
            var retryDelay: Duration?
            while !Task.isCancelled {
                let delay = retryDelay ?? security.timeUntilRenewal
                do { try await clock.sleep(for: max(delay, .milliseconds(10))) } catch { return }
                guard !Task.isCancelled else { return }
                do {
                    try await security.renewIfDue()
                    retryDelay = nil
                } catch {
                    logger.warning("[naming] renewing the access token failed: \(error); retrying in \(Self.loginRetryInterval)")
                    retryDelay = Self.loginRetryInterval
                }
            }
        }
    }

    // MARK: - Data from the server

    /// Takes service data from a push or an answer into the cache, the disk snapshot and the listeners.
    @discardableResult
    func accept(_ info: ServiceInfo, from source: String) -> ServiceInfoHolder.Outcome {
        let outcome = self.holder.process(info)
        let failoverOn = self.failover?.isSwitchOn ?? false
        switch outcome {
        case .ignored(let reason):
            self.logger.debug("[naming] ignoring \(source) of \(info.groupedName) (lastRefTime \(info.lastRefTime)): \(reason)")
        case .unchanged(let stored):
            self.notifier.receive(stored, notify: !failoverOn)
        case .changed(let stored):
            self.logger.info("[naming] \(source): \(stored.groupedName) now has \(stored.instances.count) instances")
            if !failoverOn { self.diskCache?.write(stored) }
            self.notifier.receive(stored, notify: !failoverOn)
        }
        return outcome
    }

    /// Reads the failover switch; when failover ends, listeners hear what changed meanwhile.
    private func checkFailover() {
        guard let failover = self.failover, failover.refresh() else { return }
        if !failover.isSwitchOn {
            self.notifier.notifyAll()
        }
    }

    // MARK: - Redo

    private func connectionChanged(_ event: NacosRpcClientEvent) {
        switch event {
        case .connected(let connectionId, let server):
            self.logger.info("[naming] connected to \(server) as \(connectionId); redoing registrations and subscriptions")
            self.redo.withLock { $0.onConnected() }
            self.redoKickSink.yield()
        case .disconnected(let connectionId, let server):
            self.logger.info("[naming] connection \(connectionId) to \(server) lost")
            self.redo.withLock { $0.onDisconnected() }
        }
    }

    /// The task that runs one redo pass per kick (a timer tick or a new connection); passes never overlap.
    private func makeRedoTask() -> Task<Void, Never> {
        Task { [weak self, redoKicks] in
            for await _ in redoKicks {
                guard let self else { return }
                await self.redoOnce()
            }
        }
    }

    /// Re-sends what the redo state asks for.
    func redoOnce() async {
        guard self.rpc.isRunning else { return }
        let tasks = self.redo.withLock { $0.pendingTasks() }
        for task in tasks {
            guard self.rpc.isRunning, !self.isShutDown else { return }
            switch task {
            case .instance(let key, _): await self.redoInstance(key: key)
            case .subscriber(let key, _): await self.redoSubscriber(key: key)
            }
        }
    }

    private func redoInstance(key: String) async {
        await self.locks.withLock(Self.instanceLockKey(key)) {
            let (data, epoch) = self.redo.withLock { ($0.instances[key], $0.epoch) }
            guard let data else { return }
            do {
                switch data.flags.redoType {
                case .none:
                    return
                case .register:
                    self.logger.info("[naming] redo: registering \(key)")
                    try await self.sendRegistration(data)
                    self.redo.withLock { $0.instanceRegistered(key: key, epoch: epoch) }
                case .unregister:
                    self.logger.info("[naming] redo: deregistering \(key)")
                    try await self.sendDeregistration(serviceName: data.serviceName, groupName: data.groupName, instance: data.instances.first ?? Instance())
                    self.redo.withLock { state in
                        state.instanceDeregistered(key: key)
                        state.removeInstanceForRedo(key: key)
                    }
                case .remove:
                    self.redo.withLock { $0.removeInstanceForRedo(key: key) }
                }
            } catch {
                self.logger.warning("[naming] redo of \(key) failed: \(error)")
            }
        }
    }

    private func redoSubscriber(key: String) async {
        await self.locks.withLock(Self.subscriberLockKey(key)) {
            let (data, epoch) = self.redo.withLock { ($0.subscribers[key], $0.epoch) }
            guard let data else { return }
            do {
                switch data.flags.redoType {
                case .none:
                    return
                case .register:
                    self.logger.info("[naming] redo: subscribing \(key)")
                    let info = try await self.sendSubscribe(serviceName: data.serviceName, groupName: data.groupName, subscribe: true)
                    self.redo.withLock { $0.subscriberRegistered(key: key, epoch: epoch) }
                    if let info { self.accept(info, from: "redo subscribe") }
                case .unregister:
                    self.logger.info("[naming] redo: unsubscribing \(key)")
                    _ = try await self.sendSubscribe(serviceName: data.serviceName, groupName: data.groupName, subscribe: false)
                    self.redo.withLock { state in
                        state.subscriberDeregistered(key: key)
                        state.removeSubscriberForRedo(key: key)
                    }
                case .remove:
                    self.redo.withLock { $0.removeSubscriberForRedo(key: key) }
                }
            } catch {
                self.logger.warning("[naming] redo of subscription \(key) failed: \(error)")
            }
        }
    }

    /// The lock key of a service's registration.
    static func instanceLockKey(_ groupedName: String) -> String { "instance:" + groupedName }

    /// The lock key of a subscription.
    static func subscriberLockKey(_ redoKey: String) -> String { "subscriber:" + redoKey }

    // MARK: - Requests

    /// Sends a naming request in the configured namespace and returns the typed answer; when the server
    /// refuses the access token (403 "token expired!", "token invalid!", "user not found!"), logs in again
    /// and sends it once more.
    ///
    /// - Throws: `NamingRequestFailure`.
    func send<Request: NamingRequest, Response: NacosResponse>(_ request: Request, expecting: Response.Type) async throws -> Response {
        var request = request
        request.namespace = self.configuration.namespace
        let generation = self.security?.generation ?? 0
        do {
            return try await self.rpc.request(request, expecting: Response.self)
        } catch {
            guard let security = self.security, NamingSecurityProxy.isTokenRefusal(error) else {
                throw NamingRequestFailure.classify(error)
            }
            self.logger.info("[naming] \(Request.typeName) refused: \(error); logging in again")
            do {
                try await security.login(replacing: generation)
            } catch {
                throw NamingSecurityProxy.requestFailure(error)
            }
        }
        do {
            return try await self.rpc.request(request, expecting: Response.self)
        } catch {
            throw NamingRequestFailure.classify(error)
        }
    }

    /// Sends the registration a redo record holds.
    func sendRegistration(_ data: InstanceRedoData) async throws {
        switch data.registration {
        case .single(let instance):
            let request = InstanceRequest(serviceName: data.serviceName, groupName: data.groupName, type: InstanceRequest.registerType, instance: instance)
            _ = try await self.send(request, expecting: InstanceResponse.self)
        case .batch(let instances):
            let request = BatchInstanceRequest(
                serviceName: data.serviceName,
                groupName: data.groupName,
                type: BatchInstanceRequest.batchRegisterType,
                instances: instances
            )
            _ = try await self.send(request, expecting: BatchInstanceResponse.self)
        }
    }

    /// Sends the deregistration of the service's ephemeral registration.
    func sendDeregistration(serviceName: String, groupName: String, instance: Instance) async throws {
        let request = InstanceRequest(serviceName: serviceName, groupName: groupName, type: InstanceRequest.deregisterType, instance: instance)
        _ = try await self.send(request, expecting: InstanceResponse.self)
    }

    /// Sends SubscribeServiceRequest for every cluster and returns the data in the answer.
    func sendSubscribe(serviceName: String, groupName: String, subscribe: Bool) async throws -> ServiceInfo? {
        let request = SubscribeServiceRequest(serviceName: serviceName, groupName: groupName, subscribe: subscribe, clusters: "")
        let response = try await self.send(request, expecting: SubscribeServiceResponse.self)
        return response.serviceInfo
    }
}
