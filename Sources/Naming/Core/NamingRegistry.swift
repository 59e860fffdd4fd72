import NacosNamingAPI
public import NacosRemote
public import NacosStore
public import NacosTransport
import Synchronization

/// The naming core of one node, assembled: services, the three client managers, the indexes, the
/// storage, the event bus, push, beat and active health checks, the cleaners, and the naming request
/// handlers.
///
/// Embed it next to a `NacosRpcServer`: create it with the server's connection manager (it listens for
/// naming connections there), `install(into:)` the handler registry the server is built with, then
/// `start()` it; `shutdown()` stops every timer and task.
public final class NamingRegistry: Sendable {
    /// The settings the registry was created with.
    public let configuration: NamingConfiguration
    /// The service singletons and their metadata.
    public let services: ServiceManager
    /// Publisher and subscriber indexes.
    public let indexes: ClientServiceIndexesManager
    /// The three client managers, routed by client id.
    public let clients: ClientManagerDelegate
    /// Builds ServiceInfo from the indexes.
    public let storage: ServiceStorage
    /// The ordered, asynchronous event bus.
    public let events: RegistryEventBus
    /// Every client operation (register, subscribe, beat, release).
    public let operations: ClientOperationService
    /// Pushes changes to subscribers.
    public let push: PushService
    /// The beat checker of ephemeral ip:port instances.
    public let beatChecker: EphemeralBeatChecker
    /// The active checker of persistent instances.
    public let healthChecker: PersistentHealthChecker
    /// The live switches (`GET|PUT /operator/switches`), initialised from `configuration`.
    public let switches: NamingSwitches
    /// The instance overlays of every service.
    public let instanceMetadata: InstanceMetadataStore
    /// The instance operations of the HTTP API (overlays, detail, beats, manual health, UDP subscribers).
    public let instanceOperator: InstanceOperator
    /// The service operations of the HTTP API (create, update, delete, detail, list, clusters, subscribers).
    public let serviceOperator: ServiceOperator
    /// Read-only views of clients for the client API.
    public let clientInfo: ClientInfoService
    /// The namespaces.
    public let namespaces: NamespaceManager
    /// The namespace operations of the console API.
    public let namespaceOperator: NamespaceOperator
    /// Where durable state lives (persistent instances, service metadata, overlays, namespaces, switches).
    public let store: any NacosStore
    /// Makes memory follow the store's change feed.
    public let storeApplier: NamingStoreApplier
    private let writer: NamingStoreWriter
    private let opened = Mutex(false)

    /// The clock every timer and timestamp of the registry uses.
    public let clock: any NacosClock
    private let logger: NacosLogger
    private let tasks = Mutex<(started: Bool, running: [Task<Void, Never>])>((false, []))

    /// Creates the registry.
    ///
    /// - Parameters:
    ///   - connectionManager: the node's connections; the registry adds a listener that gives each
    ///     `module=naming` connection a client, and pushes over these connections.
    ///   - pushExecutor: how pushes are sent; by default over `connectionManager`'s connections.
    ///   - healthProber: how persistent instances are checked; by default a TCP connect through
    ///     `NacosTCPTransport` on the shared event loops.
    ///   - udpExecutor: how ip:port subscribers (1.x clients listing with a UDP port) are pushed; by
    ///     default they are not.
    ///   - isResponsibleAddress: whether this node answers for an instance address `ip:port` (in a
    ///     cluster, the Distro mapper's choice); the beat checker, the persistent checks and the metrics
    ///     treat only those ip:port clients as this node's. Always true by default (standalone).
    ///   - store: where durable state lives; call `open()` before serving to load it. By default a fresh
    ///     in-memory store, already open.
    public init(
        configuration: NamingConfiguration = NamingConfiguration(),
        connectionManager: NacosConnectionManager,
        store: (any NacosStore)? = nil,
        clock: any NacosClock = NacosSystemClock(),
        logger: NacosLogger = NacosLogger(label: "nacos.naming"),
        pushExecutor: (any PushExecutor)? = nil,
        healthProber: (any HealthProber)? = nil,
        udpExecutor: (any PushExecutor)? = nil,
        isResponsibleAddress: @escaping @Sendable (String) -> Bool = { _ in true }
    ) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        let storeIsFresh = store == nil
        let store = store ?? NacosMemoryStore()
        let writer = NamingStoreWriter(store: store, logger: logger)
        let namespaces = NamespaceManager()
        let gate = NamespaceGate(namespaces: namespaces, autoCreate: configuration.autoCreateNamespaces, writer: writer)
        let switches = NamingSwitches(SwitchDomain(configuration: configuration))
        let instanceMetadata = InstanceMetadataStore(limit: configuration.maxInstanceMetadataCount)
        let services = ServiceManager()
        let indexes = ClientServiceIndexesManager()
        let events = RegistryEventBus(capacity: configuration.eventQueueCapacity, logger: logger)
        let releaser = ClientReleaser()
        let connectionClients = ConnectionBasedClientManager(configuration: configuration, clock: clock) { client in
            releaser.release(client, isNative: client.isNative)
        }
        let clients = ClientManagerDelegate(
            connectionClients: connectionClients,
            ephemeralIpPortClients: IpPortClientManager(
                ephemeral: true,
                configuration: configuration,
                clock: clock,
                isResponsibleAddress: isResponsibleAddress
            ),
            persistentIpPortClients: IpPortClientManager(
                ephemeral: false,
                configuration: configuration,
                clock: clock,
                isResponsibleAddress: isResponsibleAddress
            )
        )
        let storage = ServiceStorage(
            indexes: indexes,
            clients: clients,
            services: services,
            switches: switches,
            instanceMetadata: instanceMetadata
        )
        let operations = ClientOperationService(
            services: services,
            indexes: indexes,
            clients: clients,
            storage: storage,
            events: events,
            clock: clock,
            writer: writer,
            namespaces: gate
        )
        releaser.operations = operations
        self.switches = switches
        self.instanceMetadata = instanceMetadata
        self.services = services
        self.indexes = indexes
        self.clients = clients
        self.storage = storage
        self.events = events
        self.operations = operations
        self.push = PushService(
            configuration: configuration,
            storage: storage,
            indexes: indexes,
            clients: clients,
            executor: pushExecutor ?? RpcPushExecutor(connections: connectionManager),
            udpExecutor: udpExecutor,
            switches: switches,
            clock: clock,
            logger: logger
        )
        self.beatChecker = EphemeralBeatChecker(
            clients: clients.ephemeralIpPortClients,
            operations: operations,
            configuration: configuration,
            switches: switches,
            instanceMetadata: instanceMetadata
        )
        self.healthChecker = PersistentHealthChecker(
            clients: clients.persistentIpPortClients,
            operations: operations,
            prober: healthProber ?? TCPHealthProber(transport: NacosTCPTransport(group: .shared, logger: logger)),
            configuration: configuration,
            switches: switches,
            services: services
        )
        self.instanceOperator = InstanceOperator(
            configuration: configuration,
            services: services,
            storage: storage,
            clients: clients,
            operations: operations,
            instanceMetadata: instanceMetadata,
            switches: switches,
            events: events,
            clock: clock,
            writer: writer
        )
        self.serviceOperator = ServiceOperator(
            services: services,
            indexes: indexes,
            storage: storage,
            clients: clients,
            instanceMetadata: instanceMetadata,
            events: events,
            clock: clock,
            writer: writer,
            namespaces: gate
        )
        self.namespaces = namespaces
        self.namespaceOperator = NamespaceOperator(
            namespaces: namespaces,
            services: services,
            clients: clients,
            instanceMetadata: instanceMetadata,
            writer: writer
        )
        self.store = store
        self.writer = writer
        self.storeApplier = NamingStoreApplier(
            configuration: configuration,
            services: services,
            indexes: indexes,
            storage: storage,
            operations: operations,
            instanceMetadata: instanceMetadata,
            switches: switches,
            namespaces: namespaces,
            events: events,
            clock: clock,
            logger: logger
        )
        self.clientInfo = ClientInfoService(clients: clients, indexes: indexes, connections: connectionManager)
        connectionManager.addListener(connectionClients)
        if storeIsFresh {
            // A fresh memory store is empty: there is nothing to load, only the feed to follow.
            let applier = self.storeApplier
            store.startChangeFeed(after: 0) { applier.apply($0) }
            self.opened.withLock { $0 = true }
        }
    }

    /// Loads the store's state into memory and follows its change feed; later calls do nothing. Call it
    /// before the node serves (the default in-memory store is open already).
    ///
    /// - Throws: `NacosStoreError` when the store cannot be opened (the message says why: locked, written
    ///   by a newer binary, unreachable).
    public func open() async throws(NacosStoreError) {
        guard !self.opened.withLock({ $0 }) else { return }
        let snapshot = try await self.store.open()
        let shouldLoad = self.opened.withLock { opened -> Bool in
            defer { opened = true }
            return !opened
        }
        guard shouldLoad else { return }
        let applier = self.storeApplier
        applier.load(snapshot)
        self.store.startChangeFeed(after: snapshot.revision) { applier.apply($0) }
    }

    /// Applies `entry=value` to the switches (`PUT /operator/switches`) durably: the update is added to the
    /// stored overrides and is live when this returns.
    ///
    /// - Throws: `NacosException` 400 for an unknown entry or a bad value, 503 when the store cannot take
    ///   the write.
    public func updateSwitch(entry: String, value: String) async throws(NacosException) {
        var domain = self.switches.current
        try domain.update(entry: entry, value: value)
        var overrides = self.switches.overrides.filter { $0.entry != entry }
        overrides.append((entry, value))
        try await self.writer.commit([NamingStoreCodec.put(switchOverrides: overrides)])
    }

    /// The payload registry a server needs for naming: the internal types plus the naming ones.
    public static var payloads: NacosPayloadRegistry { .naming }

    /// Adds the naming request handlers and, when `paramCheckEnabled`, the parameter-check filter.
    public func install(into handlers: inout NacosRequestHandlerRegistry) {
        handlers.register(InstanceRequestHandler(operations: self.operations))
        handlers.register(BatchInstanceRequestHandler(operations: self.operations))
        handlers.register(PersistentInstanceRequestHandler(operations: self.operations))
        handlers.register(SubscribeServiceRequestHandler(operations: self.operations, storage: self.storage, clock: self.clock))
        handlers.register(ServiceQueryRequestHandler(storage: self.storage, clock: self.clock))
        handlers.register(ServiceListRequestHandler(services: self.services, maxPageSize: self.configuration.maxServiceListPageSize))
        if self.configuration.paramCheckEnabled {
            handlers.addFilter(NamingParamCheckFilter(metadataLimit: self.configuration.maxMetadataLength))
        }
    }

    /// Starts pushing on events and runs the periodic work: the expired-client and expired-metadata
    /// cleaner, the beat checker, the persistent health checks and the empty-service cleaner (the checks
    /// do nothing while the switch `healthCheckEnabled` is off). Later calls do nothing.
    public func start() {
        let first = self.tasks.withLock { tasks in
            defer { tasks.started = true }
            return !tasks.started
        }
        guard first else { return }
        let push = self.push
        self.events.subscribe(name: "push", accepts: { event in
            switch event {
            case .serviceChanged, .serviceSubscribed: true
            default: false
            }
        }) { event in push.handle(event) }
        let configuration = self.configuration
        let started: [Task<Void, Never>] = [
            self.repeating(every: configuration.expiredClientCleanInterval) { registry in
                registry.cleanExpiredClients()
                registry.cleanExpiredMetadata()
            },
            self.repeating(every: configuration.beatCheckInterval) { registry in
                registry.beatChecker.checkOnce(now: registry.clock.nowMillis())
            },
            self.repeating(every: configuration.emptyServiceCleanInterval) { registry in registry.cleanEmptyServices() },
            self.repeating(every: configuration.healthCheckInterval) { registry in
                let switches = registry.switches.current
                guard switches.healthCheckEnabled || !switches.healthCheckWhiteList.isEmpty else { return }
                await registry.healthChecker.checkOnce()
            },
        ]
        self.tasks.withLock { $0.running += started }
    }

    /// Stops every timer, the push service and the event bus.
    public func shutdown() {
        let tasks = self.tasks.withLock { tasks in
            defer { tasks.running = [] }
            return tasks.running
        }
        for task in tasks { task.cancel() }
        self.push.shutdown()
        self.events.shutdown()
    }

    /// Removes and releases every client that expired (synced connection clients not renewed, idle
    /// ephemeral ip:port clients); returns their ids.
    @discardableResult
    public func cleanExpiredClients() -> [String] {
        let expired = self.clients.removeExpiredClients(now: self.clock.nowMillis())
        for client in expired {
            self.operations.release(client, isNative: (client as? ConnectionBasedClient)?.isNative ?? true)
        }
        return expired.map(\.clientId)
    }

    /// Removes instance overlays whose instance has been gone for `expiredMetadataExpiredTime` (Nacos's
    /// `ExpiredMetadataCleaner`): a pass marks overlays without a published instance, a later pass removes
    /// those still missing after the expiry, and an instance that comes back unmarks its overlay. Returns
    /// the removed overlays.
    @discardableResult
    public func cleanExpiredMetadata() -> [(service: Service, metadataId: String)] {
        let removed = self.instanceMetadata.expire(
            now: self.clock.nowMillis(),
            expiry: self.configuration.expiredMetadataExpiredTime.wholeMilliseconds
        ) { service in
            Set(self.storage.instances(of: service).lazy.map { instance in
                InstanceMetadata.metadataId(ip: instance.ip, port: instance.port, cluster: instance.effectiveClusterName)
            })
        }
        self.writer.commitInBackground(removed.map { NamingStoreCodec.deleteOverlay($0.service, metadataId: $0.metadataId) })
        return removed
    }

    /// The registry's counts (`GET /operator/metrics`): from counters, except that the ip:port clients are
    /// asked whether this node is responsible for them.
    public var metrics: NamingMetrics {
        let connections = self.clients.connectionClients
        let ephemeral = self.clients.ephemeralIpPortClients
        let persistent = self.clients.persistentIpPortClients
        var responsibleClients = connections.nativeClientCount
        var responsibleInstances = connections.nativeCounters.instanceCount
        for client in ephemeral.allClients + persistent.allClients where self.clients.isResponsible(client) {
            responsibleClients += 1
            responsibleInstances += client.storage.instanceCount
        }
        let counters = [connections.nativeCounters, connections.syncedCounters, ephemeral.counters, persistent.counters]
        let connectionCount = connections.clientCount
        let ephemeralCount = ephemeral.clientCount
        let persistentCount = persistent.clientCount
        return NamingMetrics(
            serviceCount: self.services.serviceCount,
            instanceCount: counters.reduce(0) { $0 + $1.instanceCount },
            subscribeCount: counters.reduce(0) { $0 + $1.subscriptionCount },
            clientCount: connectionCount + ephemeralCount + persistentCount,
            connectionBasedClientCount: connectionCount,
            ephemeralIpPortClientCount: ephemeralCount,
            persistentIpPortClientCount: persistentCount,
            responsibleClientCount: responsibleClients,
            responsibleInstanceCount: responsibleInstances
        )
    }

    /// Removes services that have had no publisher for `emptyServiceExpiredTime` (Nacos's
    /// `EmptyServiceAutoCleanerV2`); returns them.
    @discardableResult
    public func cleanEmptyServices() -> [Service] {
        let now = self.clock.nowMillis()
        let expiry = self.configuration.emptyServiceExpiredTime.wholeMilliseconds
        var removed: [Service] = []
        for record in self.services.records
        where record.metadata == nil && now - record.lastUpdatedTime >= expiry
            && self.indexes.publishers(of: record.service).isEmpty
        {
            self.indexes.removeEmptyPublisherIndex(record.service)
            self.services.remove(record.service)
            self.storage.remove(record.service)
            self.instanceMetadata.removeAll(of: record.service)
            removed.append(record.service)
        }
        return removed
    }

    private func repeating(
        every interval: Duration,
        _ work: @escaping @Sendable (NamingRegistry) async -> Void
    ) -> Task<Void, Never> {
        let clock = self.clock
        return Task { [weak self] in
            while !Task.isCancelled {
                do { try await clock.sleep(for: interval) } catch { return }
                guard let self else { return }
                await work(self)
            }
        }
    }
}

/// Forwards a connection client's disconnect to the operation service, which is created after the
/// manager that reports it.
private final class ClientReleaser: Sendable {
    private let target = Mutex<ClientOperationService?>(nil)

    var operations: ClientOperationService? {
        get { self.target.withLock { $0 } }
        set { self.target.withLock { $0 = newValue } }
    }

    func release(_ client: any Client, isNative: Bool) {
        self.operations?.release(client, isNative: isNative)
    }
}
