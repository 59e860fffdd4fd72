public import NacosNamingAPI
public import NacosRemote
import NacosStore
import Synchronization

/// Every change a client makes to the registry (Nacos's `EphemeralClientOperationServiceImpl` and
/// `PersistentClientOperationServiceImpl`): it updates the client, the indexes and the storage in one
/// step and publishes the events of reference §6.4.
public final class ClientOperationService: Sendable {
    private let services: ServiceManager
    private let indexes: ClientServiceIndexesManager
    private let clients: ClientManagerDelegate
    private let storage: ServiceStorage
    private let events: RegistryEventBus
    private let clock: any NacosClock
    private let writer: NamingStoreWriter
    private let namespaces: NamespaceGate
    private let registrations = Atomic<UInt64>(0)

    /// Creates the service over the registry's parts; persistent instances are written through `writer`
    /// and writes into a namespace pass `namespaces` first.
    public init(
        services: ServiceManager,
        indexes: ClientServiceIndexesManager,
        clients: ClientManagerDelegate,
        storage: ServiceStorage,
        events: RegistryEventBus,
        clock: any NacosClock,
        writer: NamingStoreWriter,
        namespaces: NamespaceGate
    ) {
        self.services = services
        self.indexes = indexes
        self.clients = clients
        self.storage = storage
        self.events = events
        self.clock = clock
        self.writer = writer
        self.namespaces = namespaces
    }

    /// How many instance registrations succeeded on this node since it started: RPC `InstanceRequest`
    /// registrations, `BatchInstanceRequest` batches (one each), persistent registrations (RPC and HTTP) and
    /// HTTP ip:port registrations (including beats that register an unknown instance); Distro replication
    /// and deregistrations are not counted.
    public var registrationCount: UInt64 { self.registrations.load(ordering: .relaxed) }

    // MARK: - Publishing

    /// Publishes `instance` as connection `clientId`'s only instance of `service`, replacing what it
    /// published there before (reference §3.1).
    ///
    /// - Throws: `NacosException` 400 when the service is persistent, -401 when the client is gone.
    public func registerInstance(_ instance: Instance, service: Service, clientId: String) throws(NacosException) {
        try self.namespaces.admit(service.namespace)
        let now = self.clock.nowMillis()
        let singleton = try self.ephemeralSingleton(for: service, now: now)
        let client = try self.existingClient(clientId)
        let info = InstancePublishInfo(instance: Self.withInstanceId(instance, service: singleton), now: now)
        try self.publish(.single(info), client: client, service: singleton, now: now)
        self.countRegistration()
    }

    /// Publishes `instances` as connection `clientId`'s batch for `service`, replacing what it published
    /// there before (reference §3.2).
    public func batchRegisterInstances(_ instances: [Instance], service: Service, clientId: String) throws(NacosException) {
        try self.namespaces.admit(service.namespace)
        let now = self.clock.nowMillis()
        let singleton = try self.ephemeralSingleton(for: service, now: now)
        let client = try self.existingClient(clientId)
        let infos = instances.map { InstancePublishInfo(instance: Self.withInstanceId($0, service: singleton), now: now) }
        try self.publish(.batch(BatchInstancePublishInfo(instances: infos)), client: client, service: singleton, now: now)
        self.countRegistration()
    }

    /// Removes `instances` (matched by ip, port and cluster) from connection `clientId`'s batch for
    /// `service`; the whole entry goes when nothing is left.
    public func batchDeregisterInstances(_ instances: [Instance], service: Service, clientId: String) throws(NacosException) {
        guard let singleton = self.services.existingSingleton(for: service) else { return }
        let client = try self.existingClient(clientId)
        guard let publication = client.storage.publication(of: singleton) else { return }
        let removed = Set(instances.map { "\($0.ip):\($0.port):\($0.effectiveClusterName)" })
        let kept = publication.instances.filter { !removed.contains("\($0.ip):\($0.port):\($0.cluster)") }
        let now = self.clock.nowMillis()
        if kept.isEmpty {
            self.unpublish(client: client, service: singleton, now: now)
        } else {
            try self.publish(.batch(BatchInstancePublishInfo(instances: kept)), client: client, service: singleton, now: now)
        }
    }

    /// Removes connection `clientId`'s publication for `service`, whatever address was sent; a no-op
    /// when the service does not exist (reference §3.1).
    public func deregisterInstance(service: Service, clientId: String) throws(NacosException) {
        guard let singleton = self.services.existingSingleton(for: service) else { return }
        let client = try self.existingClient(clientId)
        self.unpublish(client: client, service: singleton, now: self.clock.nowMillis())
    }

    /// Registers a persistent instance under client `ip:port#false` (reference §3.3): it is committed to
    /// the store first and is in memory when this returns. A re-registration keeps the health the checks
    /// gave it.
    ///
    /// - Throws: `NacosException` 400 when the service is ephemeral or the namespace does not exist; 503
    ///   when the store cannot take the write.
    public func registerPersistentInstance(_ instance: Instance, service: Service) async throws(NacosException) {
        try self.namespaces.admit(service.namespace)
        let service = service.withEphemeral(false)
        if let existing = self.services.existingSingleton(for: service), existing.ephemeral {
            throw NacosException(.invalidParam, "Current service \(existing.groupedServiceName) is ephemeral service, can't register persistent instance.")
        }
        let clientId = IpPortBasedClient.clientId(address: instance.inetAddress, ephemeral: false)
        var info = InstancePublishInfo(instance: Self.withInstanceId(instance, service: service), now: self.clock.nowMillis())
        if let current = self.clients.persistentIpPortClients.ipPortClient(clientId)?.storage.publication(of: service)?.instances.first {
            info.healthy = current.healthy
        }
        try await self.writer.commit([NamingStoreCodec.put(service, instance: info)])
        self.countRegistration()
    }

    /// Deregisters the persistent instance at `instance`'s address: the removal is committed to the store
    /// and is in memory when this returns; an unknown instance is a no-op.
    ///
    /// - Throws: `NacosException` 503 when the store cannot take the write.
    public func deregisterPersistentInstance(_ instance: Instance, service: Service) async throws(NacosException) {
        guard let singleton = self.services.existingSingleton(for: service) else { return }
        let clientId = IpPortBasedClient.clientId(address: instance.inetAddress, ephemeral: false)
        guard let client = self.clients.persistentIpPortClients.ipPortClient(clientId), client.storage.publication(of: singleton) != nil else { return }
        try await self.writer.commit([NamingStoreCodec.deleteInstance(singleton, address: instance.inetAddress)])
    }

    /// Makes a stored persistent instance current in memory (the store's feed): it replaces what its
    /// ip:port client published for `service`. `announce` publishes the events that push subscribers.
    func applyStoredPersistentInstance(_ info: InstancePublishInfo, service: Service, announce: Bool) {
        let now = self.clock.nowMillis()
        let singleton = self.services.singleton(for: service.withEphemeral(false), now: now)
        guard !singleton.ephemeral else { return }
        let client = self.clients.persistentIpPortClients.client(forAddress: info.address)
        var info = info
        info.lastHeartBeatTime = now
        if let current = client.storage.publication(of: singleton), Self.sameContent(current, .single(info)) { return }
        client.storage.publish(.single(info), for: singleton, now: now, bumpRevision: false)
        self.indexes.addPublisher(client.clientId, of: singleton)
        client.refreshRevision()
        if announce {
            self.events.publish(.clientRegisterService(singleton, clientId: client.clientId))
            self.changed(singleton, clientId: client.clientId, now: now)
        } else {
            self.storage.invalidate(singleton)
        }
    }

    /// Removes a persistent instance whose record was deleted (the store's feed); its client goes when it
    /// publishes nothing more.
    func applyStoredPersistentInstanceRemoval(address: String, service: Service) {
        guard let singleton = self.services.existingSingleton(for: service) else { return }
        let clientId = IpPortBasedClient.clientId(address: address, ephemeral: false)
        guard let client = self.clients.persistentIpPortClients.ipPortClient(clientId) else { return }
        self.unpublish(client: client, service: singleton, now: self.clock.nowMillis())
        client.refreshRevision()
        if client.storage.hasNoPublications, let removed = self.clients.persistentIpPortClients.removeClient(clientId) {
            self.release(removed, isNative: true)
        }
    }

    /// Registers an ephemeral instance under client `ip:port#true`, kept alive by beats (HTTP/1.x).
    public func registerIpPortInstance(_ instance: Instance, service: Service) throws(NacosException) {
        try self.namespaces.admit(service.namespace)
        let now = self.clock.nowMillis()
        let singleton = try self.ephemeralSingleton(for: service, now: now)
        let client = self.clients.ephemeralIpPortClients.client(forAddress: instance.inetAddress)
        let info = InstancePublishInfo(instance: Self.withInstanceId(instance, service: singleton), now: now)
        try self.publish(.single(info), client: client, service: singleton, now: now)
        client.refreshRevision()
        self.countRegistration()
    }

    /// Deregisters the ephemeral ip:port instance at `instance`'s address.
    public func deregisterIpPortInstance(_ instance: Instance, service: Service) {
        guard let singleton = self.services.existingSingleton(for: service) else { return }
        let clientId = IpPortBasedClient.clientId(address: instance.inetAddress, ephemeral: true)
        guard let client = self.clients.ephemeralIpPortClients.ipPortClient(clientId) else { return }
        self.unpublish(client: client, service: singleton, now: self.clock.nowMillis())
        client.refreshRevision()
    }

    /// Records a beat from the ephemeral ip:port instance `ip:port` of `service`: renews its beat time and
    /// marks it healthy again. Returns `false` when no such instance is registered.
    ///
    /// The instance is matched by address only, as Nacos's `ClientBeatProcessorV2` does (an ip:port client
    /// publishes one instance per service); `cluster` is accepted for the caller's convenience.
    @discardableResult
    public func beat(service: Service, ip: String, port: Int, cluster: String?) -> Bool {
        let clientId = IpPortBasedClient.clientId(address: "\(ip):\(port)", ephemeral: true)
        guard let singleton = self.services.existingSingleton(for: service),
            let client = self.clients.ephemeralIpPortClients.ipPortClient(clientId)
        else { return false }
        let now = self.clock.nowMillis()
        var found = false
        var revived = false
        client.storage.updatePublication(of: singleton) { publication in
            publication = publication.mapInstances { info in
                guard info.ip == ip, info.port == port else { return }
                found = true
                info.lastHeartBeatTime = now
                if !info.healthy {
                    info.healthy = true
                    revived = true
                }
            }
        }
        guard found else { return false }
        client.storage.touch(now: now)
        if revived {
            client.refreshRevision()
            self.changed(singleton, clientId: client.clientId, now: now)
        }
        return true
    }

    /// Sets the health of `client`'s instance `ip:port` of `service` (beat timeouts, active checks);
    /// returns whether it changed.
    @discardableResult
    public func setHealth(_ healthy: Bool, of client: any Client, service: Service, ip: String, port: Int) -> Bool {
        var flipped = false
        client.storage.updatePublication(of: service) { publication in
            publication = publication.mapInstances { info in
                guard info.ip == ip, info.port == port, info.healthy != healthy else { return }
                info.healthy = healthy
                info.consecutiveOppositeChecks = 0
                flipped = true
            }
        }
        if flipped {
            (client as? IpPortBasedClient)?.refreshRevision()
            self.changed(service, clientId: client.clientId, now: self.clock.nowMillis())
            if let ipPort = client as? IpPortBasedClient, !ipPort.isEphemeral,
                let info = client.storage.publication(of: service)?.instances.first(where: { $0.ip == ip && $0.port == port })
            {
                self.writer.commitInBackground([NamingStoreCodec.put(service, instance: info)])
            }
        }
        return flipped
    }

    /// Removes `client`'s publication for `service` (instance past its delete timeout).
    public func expireInstance(of client: any Client, service: Service) {
        self.unpublish(client: client, service: service, now: self.clock.nowMillis())
        (client as? IpPortBasedClient)?.refreshRevision()
    }

    // MARK: - Subscribing

    /// Subscribes client `clientId` to `service` with `subscriber`'s clusters; the first subscription of
    /// that client to that service publishes `serviceSubscribed` (a push to it alone).
    public func subscribeService(_ service: Service, subscriber: Subscriber, clientId: String) throws(NacosException) {
        let client = try self.existingClient(clientId)
        let singleton = self.services.existingSingleton(for: service) ?? service
        client.storage.subscribe(subscriber, to: singleton, now: self.clock.nowMillis())
        let first = self.indexes.addSubscriber(clientId, of: singleton)
        if self.clients.client(clientId) == nil {
            self.indexes.removeSubscriber(clientId, of: singleton)
            throw Self.clientGone(clientId)
        }
        self.events.publish(.clientSubscribeService(singleton, clientId: clientId))
        if first {
            self.events.publish(.serviceSubscribed(singleton, clientId: clientId))
        }
    }

    /// Unsubscribes client `clientId` from `service`.
    public func unsubscribeService(_ service: Service, clientId: String) throws(NacosException) {
        let client = try self.existingClient(clientId)
        let singleton = self.services.existingSingleton(for: service) ?? service
        client.storage.unsubscribe(singleton, now: self.clock.nowMillis())
        if self.indexes.removeSubscriber(clientId, of: singleton) {
            self.events.publish(.clientUnsubscribeService(singleton, clientId: clientId))
        }
    }

    // MARK: - Distro

    /// Makes `client`, a copy of a client a peer is responsible for, publish exactly `publications`
    /// (Distro ADD/CHANGE, reference §7.3), as Nacos's `DistroClientDataProcessor.upgradeClient` does:
    ///
    /// - a new or changed publication (compared without beat times and check counts) is stored with beat
    ///   time now and publishes `clientRegisterService` then `serviceChanged`;
    /// - a service the client publishes that is not in `publications` is withdrawn with
    ///   `clientDeregisterService` then `serviceChanged`;
    /// - an unchanged publication causes nothing;
    /// - the client's revision becomes `revision` (it is never bumped here).
    ///
    /// Services are ephemeral; one that already exists as a persistent service is skipped. No
    /// `clientChanged` is published, so the data is never replicated back. Returns `false`, leaving the
    /// rest of `publications` unapplied, when `client` was removed meanwhile.
    @discardableResult
    public func applySyncedPublications(_ publications: [Service: PublishedInstances], to client: any Client, revision: Int64) -> Bool {
        var changed = Set<Service>()
        let applied = self.applySyncedPublications(publications, to: client, revision: revision, changedServices: &changed)
        self.publishServicesChanged(changed)
        return applied
    }

    /// `applySyncedPublications(_:to:revision:)` without the `serviceChanged` events: the services whose
    /// instances changed are added to `changedServices`, for one `publishServicesChanged(_:)` after many
    /// clients (a Distro snapshot), instead of one event per client and service.
    @discardableResult
    public func applySyncedPublications(
        _ publications: [Service: PublishedInstances],
        to client: any Client,
        revision: Int64,
        changedServices: inout Set<Service>
    ) -> Bool {
        let now = self.clock.nowMillis()
        var synced = Set<Service>(minimumCapacity: publications.count)
        for (service, publication) in publications {
            let singleton = self.services.singleton(for: service.withEphemeral(true), now: now)
            guard singleton.ephemeral else { continue }
            synced.insert(singleton)
            let incoming = publication.mapInstances { info in
                info.lastHeartBeatTime = now
                info.consecutiveOppositeChecks = 0
            }
            if let existing = client.storage.publication(of: singleton), Self.sameContent(existing, incoming) { continue }
            client.storage.publish(incoming, for: singleton, now: now, bumpRevision: false)
            self.indexes.addPublisher(client.clientId, of: singleton)
            // A removal that raced this sync has already released the client; undo the index entry.
            guard self.clients.client(client.clientId) === client else {
                self.indexes.removePublisher(client.clientId, of: singleton)
                self.storage.invalidate(singleton)
                return false
            }
            self.events.publish(.clientRegisterService(singleton, clientId: client.clientId))
            self.storage.invalidate(singleton)
            changedServices.insert(singleton)
        }
        for service in client.storage.publishedServices where !synced.contains(service) {
            guard client.storage.unpublish(service, now: now, bumpRevision: false) != nil else { continue }
            self.indexes.removePublisher(client.clientId, of: service)
            self.events.publish(.clientDeregisterService(service, clientId: client.clientId))
            self.storage.invalidate(service)
            changedServices.insert(service)
        }
        client.storage.setRevision(revision)
        return true
    }

    // MARK: - Release

    /// Drops every index entry of a client that went away and tells subscribers of what it published
    /// (ClientDisconnect, ClientRelease, then ServiceChanged per published service).
    public func release(_ client: any Client, isNative: Bool) {
        let now = self.clock.nowMillis()
        self.events.publish(.clientDisconnect(clientId: client.clientId, isNative: isNative))
        for service in client.storage.subscribedServices {
            self.indexes.removeSubscriber(client.clientId, of: service)
        }
        var changed: [Service] = []
        for service in client.storage.publishedServices where self.indexes.removePublisher(client.clientId, of: service) {
            changed.append(service)
        }
        self.events.publish(.clientRelease(clientId: client.clientId, isNative: isNative))
        client.storage.release()
        for service in changed {
            self.storage.invalidate(service)
            self.services.markChanged(service, incrementRevision: true, now: now)
            self.events.publish(.serviceChanged(service, incrementRevision: true))
        }
    }

    // MARK: - Steps

    private func countRegistration() {
        self.registrations.add(1, ordering: .relaxed)
    }

    private func publish(_ publication: PublishedInstances, client: any Client, service: Service, now: Int64) throws(NacosException) {
        client.storage.publish(publication, for: service, now: now, bumpRevision: client is ConnectionBasedClient)
        self.indexes.addPublisher(client.clientId, of: service)
        // A disconnect that raced this register has already released the client; undo the index entry.
        if self.clients.client(client.clientId) == nil {
            self.indexes.removePublisher(client.clientId, of: service)
            self.storage.invalidate(service)
            throw Self.clientGone(client.clientId)
        }
        self.events.publish(.clientRegisterService(service, clientId: client.clientId))
        self.changed(service, clientId: client.clientId, now: now)
    }

    private func unpublish(client: any Client, service: Service, now: Int64) {
        guard client.storage.unpublish(service, now: now, bumpRevision: client is ConnectionBasedClient) != nil else { return }
        self.indexes.removePublisher(client.clientId, of: service)
        self.events.publish(.clientDeregisterService(service, clientId: client.clientId))
        self.changed(service, clientId: client.clientId, now: now)
    }

    private func changed(_ service: Service, clientId: String, now: Int64) {
        self.storage.invalidate(service)
        self.services.markChanged(service, incrementRevision: true, now: now)
        self.events.publish(.clientChanged(clientId: clientId))
        self.events.publish(.serviceChanged(service, incrementRevision: true))
    }

    /// Marks each of `services` changed and publishes one `serviceChanged` for it (subscribers are pushed).
    public func publishServicesChanged(_ services: Set<Service>) {
        let now = self.clock.nowMillis()
        for service in services {
            self.storage.invalidate(service)
            self.services.markChanged(service, incrementRevision: true, now: now)
            self.events.publish(.serviceChanged(service, incrementRevision: true))
        }
    }

    /// Whether two publications hold the same instances, ignoring beat times and check counts.
    private static func sameContent(_ left: PublishedInstances, _ right: PublishedInstances) -> Bool {
        let clear: (inout InstancePublishInfo) -> Void = { info in
            info.lastHeartBeatTime = 0
            info.consecutiveOppositeChecks = 0
        }
        return left.mapInstances(clear) == right.mapInstances(clear)
    }

    private func ephemeralSingleton(for service: Service, now: Int64) throws(NacosException) -> Service {
        let singleton = self.services.singleton(for: service.withEphemeral(true), now: now)
        guard singleton.ephemeral else {
            throw NacosException(
                .invalidParam,
                "Current service \(singleton.groupedServiceName) is persistent service, can't register ephemeral instance."
            )
        }
        return singleton
    }

    private func existingClient(_ clientId: String) throws(NacosException) -> any Client {
        guard let client = self.clients.client(clientId) else { throw Self.clientGone(clientId) }
        return client
    }

    private static func clientGone(_ clientId: String) -> NacosException {
        NacosException(.clientDisconnect, "Client [\(clientId)] connection already disconnect, can't register ephemeral instance.")
    }

    /// `instance` with a blank cluster read as `DEFAULT`, and its service name and instance id filled as
    /// Nacos's simple generator fills them.
    private static func withInstanceId(_ instance: Instance, service: Service) -> Instance {
        var instance = instance
        instance.clusterName = instance.effectiveClusterName
        let grouped = service.groupedServiceName
        if instance.serviceName?.isBlank ?? true { instance.serviceName = grouped }
        if instance.instanceId?.isBlank ?? true {
            instance.instanceId = Instance.generatedInstanceId(
                ip: instance.ip,
                port: instance.port,
                clusterName: instance.clusterName,
                groupedServiceName: grouped
            )
        }
        return instance
    }
}
