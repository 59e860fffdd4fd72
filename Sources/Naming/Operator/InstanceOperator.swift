public import NacosNamingAPI
public import NacosRemote

/// The instance operations of the HTTP Open API (Nacos's `InstanceOperatorClientImpl` and
/// `HealthOperatorV2Impl`): overlays (update, patch, batch metadata), instance detail, 1.x beats, manual
/// health of persistent instances, and UDP subscriptions of 1.x clients.
///
/// Errors are `NacosException`s whose code is the HTTP status the Open API answers with (400, 404, …).
public final class InstanceOperator: Sendable {
    private let configuration: NamingConfiguration
    private let services: ServiceManager
    private let storage: ServiceStorage
    private let clients: ClientManagerDelegate
    private let operations: ClientOperationService
    private let instanceMetadata: InstanceMetadataStore
    private let switches: NamingSwitches
    private let events: RegistryEventBus
    private let clock: any NacosClock
    private let writer: NamingStoreWriter

    /// Creates the operator over the registry's parts; overlays and manual health are written through `writer`.
    public init(
        configuration: NamingConfiguration,
        services: ServiceManager,
        storage: ServiceStorage,
        clients: ClientManagerDelegate,
        operations: ClientOperationService,
        instanceMetadata: InstanceMetadataStore,
        switches: NamingSwitches,
        events: RegistryEventBus,
        clock: any NacosClock,
        writer: NamingStoreWriter
    ) {
        self.writer = writer
        self.configuration = configuration
        self.services = services
        self.storage = storage
        self.clients = clients
        self.operations = operations
        self.instanceMetadata = instanceMetadata
        self.switches = switches
        self.events = events
        self.clock = clock
    }

    // MARK: - Overlays

    /// Writes the overlay of `instance` (its enabled flag, weight and metadata) for `service`, keyed by
    /// `ip:port:cluster` (HTTP `PUT /instance`); the publication is not changed. Subscribers are pushed.
    ///
    /// - Throws: `NacosException` 400 when the service does not exist (Nacos's text), the instance is
    ///   illegal, its weight is outside 0…10000 or its metadata too long; 503 when the overlay limit is reached.
    public func updateInstance(_ instance: Instance, service: Service) async throws(NacosException) {
        if let reason = instance.illegalReason { throw NacosException(.invalidParam, reason) }
        try self.check(weight: instance.weight)
        try self.check(metadata: instance.metadata)
        guard let singleton = self.services.existingSingleton(for: service) else {
            throw NacosException(
                .invalidParam,
                "service not found, namespace: \(service.namespace), service: \(service.withEphemeral(instance.ephemeral))"
            )
        }
        let overlay = InstanceMetadata(enabled: instance.enabled, weight: instance.weight, extendData: instance.metadata)
        let metadataId = InstanceMetadata.metadataId(ip: instance.ip, port: instance.port, cluster: instance.effectiveClusterName)
        try await self.commit([(metadataId, overlay)], of: singleton)
    }

    /// Merges a patch into the overlay of a published instance (HTTP `PATCH /instance`): `metadata`
    /// replaces the overlay's metadata, `weight` and `enabled` replace its values; absent fields stay.
    /// A new overlay starts from the instance's current weight and enabled flag (Nacos starts from 1.0
    /// and `true`, which silently resets them). Subscribers are pushed.
    ///
    /// - Throws: `NacosException` 404 when no such instance is published; 400 for a bad weight or too
    ///   much metadata.
    public func patchInstance(
        service: Service,
        ip: String,
        port: Int,
        cluster: String?,
        metadata: [String: String]?,
        weight: Double?,
        enabled: Bool?
    ) async throws(NacosException) {
        if let weight { try self.check(weight: weight) }
        if let metadata { try self.check(metadata: metadata) }
        let current = try self.instance(of: service, ip: ip, port: port, cluster: cluster)
        guard let singleton = self.services.existingSingleton(for: service) else {
            throw NacosException(.notFound, "no ips found for cluster \(NamingDefaults.cluster(cluster)) in service \(service.groupedServiceName)")
        }
        let metadataId = InstanceMetadata.metadataId(ip: current.ip, port: current.port, cluster: current.effectiveClusterName)
        var overlay = self.instanceMetadata.metadata(of: singleton, metadataId: metadataId)
            ?? InstanceMetadata(enabled: current.enabled, weight: current.weight)
        if let metadata { overlay.extendData = metadata }
        if let weight { overlay.weight = weight }
        if let enabled { overlay.enabled = enabled }
        try await self.commit([(metadataId, overlay)], of: singleton)
    }

    /// Adds `metadata` to the overlays of `instances` of `service` (all its instances when `instances` is
    /// empty), skipping those not published (HTTP `PUT /instance/metadata/batch`); returns the updated
    /// instances as Nacos lists them, `ip:port:unknown:cluster:ephemeral|persist`.
    @discardableResult
    public func batchUpdateMetadata(service: Service, instances: [Instance], metadata: [String: String]) async throws(NacosException) -> [String] {
        try self.check(metadata: metadata)
        return try await self.batchChangeMetadata(service: service, instances: instances) { overlay in
            overlay.extendData.merge(metadata) { _, new in new }
        }
    }

    /// Removes the keys of `metadata` from the overlays of `instances` of `service` (all when empty)
    /// (HTTP `DELETE /instance/metadata/batch`); returns the updated instances as `batchUpdateMetadata` does.
    @discardableResult
    public func batchDeleteMetadata(service: Service, instances: [Instance], metadata: [String: String]) async throws(NacosException) -> [String] {
        try await self.batchChangeMetadata(service: service, instances: instances) { overlay in
            for key in metadata.keys { overlay.extendData[key] = nil }
        }
    }

    /// The instance `ip:port` in `cluster` (blank: `DEFAULT`) of `service`, overlay applied, disabled or not
    /// (HTTP `GET /instance`).
    ///
    /// - Throws: `NacosException` 404 when the service has no instances, or none at that address.
    public func instance(of service: Service, ip: String, port: Int, cluster: String?) throws(NacosException) -> Instance {
        let clusterName = NamingDefaults.cluster(cluster)
        let instances = self.storage.instances(of: service)
        guard !instances.isEmpty else {
            throw NacosException(.notFound, "no ips found for cluster \(clusterName) in service \(service.groupedServiceName)")
        }
        guard let found = instances.first(where: { $0.ip == ip && $0.port == port && $0.effectiveClusterName == clusterName }) else {
            throw NacosException(.notFound, "no matched ip found!")
        }
        return found
    }

    // MARK: - Beats

    /// Handles a 1.x beat (HTTP `PUT /instance/beat`, reference §4.3) from `ip:port`: when client
    /// `ip:port#true` publishes `service` the beat renews the instance (reviving an unhealthy one) and the
    /// code is 10200; when it does not, a light beat (`beatInfo == nil`) gets 20404 and a full beat
    /// registers the instance from `beatInfo` first (ip and port are the call's). The interval is the
    /// overlay's or the instance's `preserved.heart.beat.interval`, else the switch `clientBeatInterval`.
    ///
    /// - Throws: `NacosException` 400 when the instance built from `beatInfo` is illegal or the service is
    ///   persistent.
    public func beat(service: Service, ip: String, port: Int, cluster: String?, beatInfo: Instance?) throws(NacosException) -> BeatResult {
        let lightBeatEnabled = self.switches.lightBeatEnabled
        let clientId = IpPortBasedClient.clientId(address: "\(ip):\(port)", ephemeral: true)
        let singleton = self.services.existingSingleton(for: service)
        let publishes = singleton.map { self.clients.ephemeralIpPortClients.ipPortClient(clientId)?.storage.publication(of: $0) != nil } ?? false
        if !publishes {
            guard let beatInfo else {
                return BeatResult(
                    code: BeatResult.resourceNotFoundCode,
                    clientBeatInterval: self.heartBeatInterval(service: service, ip: ip, port: port, cluster: cluster),
                    lightBeatEnabled: lightBeatEnabled
                )
            }
            let instance = Instance(
                ip: ip,
                port: port,
                weight: beatInfo.weight,
                ephemeral: true,
                clusterName: NamingDefaults.cluster(beatInfo.clusterName ?? cluster),
                metadata: beatInfo.metadata
            )
            if let reason = instance.illegalReason { throw NacosException(.invalidParam, reason) }
            try self.check(weight: instance.weight)
            try self.check(metadata: instance.metadata)
            try self.operations.registerIpPortInstance(instance, service: service)
        }
        self.operations.beat(service: service, ip: ip, port: port, cluster: cluster)
        self.clients.ephemeralIpPortClients.ipPortClient(clientId)?.storage.touch(now: self.clock.nowMillis())
        return BeatResult(
            code: BeatResult.okCode,
            clientBeatInterval: self.heartBeatInterval(service: service, ip: ip, port: port, cluster: cluster),
            lightBeatEnabled: lightBeatEnabled
        )
    }

    /// The beat interval for instance `ip:port` in `cluster` of `service`: the overlay's metadata
    /// `preserved.heart.beat.interval`, else the published instance's, else the switch `clientBeatInterval`.
    public func heartBeatInterval(service: Service, ip: String, port: Int, cluster: String?) -> Int64 {
        let key = NamingDefaults.heartBeatIntervalKey
        let metadataId = InstanceMetadata.metadataId(ip: ip, port: port, cluster: NamingDefaults.cluster(cluster))
        if let overlay = self.instanceMetadata.metadata(of: service, metadataId: metadataId),
            let interval = Self.millis(overlay.extendData[key])
        {
            return interval
        }
        let clientId = IpPortBasedClient.clientId(address: "\(ip):\(port)", ephemeral: true)
        if let client = self.clients.ephemeralIpPortClients.ipPortClient(clientId),
            let interval = client.instances(of: service).lazy.compactMap({ Self.millis($0.metadata[key]) }).first
        {
            return interval
        }
        return self.switches.clientBeatInterval
    }

    // MARK: - Persistent health

    /// Sets the health of persistent instance `ip:port` in `cluster` of `service` by hand (HTTP
    /// `PUT /health`); allowed only when the cluster's health-check type is `NONE`. Subscribers are pushed
    /// when the health changes.
    ///
    /// - Throws: `NacosException` 400 `health check is still working, service: …, cluster: …` when the
    ///   cluster is checked actively (or has no settings); 404 when no such persistent instance exists
    ///   (Nacos answers `ok` and does nothing).
    public func setPersistentInstanceHealth(service: Service, ip: String, port: Int, cluster: String?, healthy: Bool) async throws(NacosException) {
        let clusterName = NamingDefaults.cluster(cluster)
        guard let metadata = self.services.metadata(of: service), metadata.clusters[clusterName]?.healthCheckType == HealthCheckType.none else {
            throw NacosException(.invalidParam, "health check is still working, service: \(service.groupedServiceName), cluster: \(clusterName)")
        }
        let clientId = IpPortBasedClient.clientId(address: "\(ip):\(port)", ephemeral: false)
        guard let singleton = self.services.existingSingleton(for: service),
            let client = self.clients.persistentIpPortClients.ipPortClient(clientId),
            var info = client.storage.publication(of: singleton)?.instances.first(where: { $0.ip == ip && $0.port == port && $0.cluster == clusterName })
        else {
            throw NacosException(
                .notFound,
                "no persistent instance \(ip):\(port) in cluster \(clusterName) of service \(service.groupedServiceName)"
            )
        }
        guard info.healthy != healthy else { return }
        info.healthy = healthy
        try await self.writer.commit([NamingStoreCodec.put(singleton, instance: info)])
    }

    // MARK: - UDP subscribers

    /// Subscribes (or renews) the 1.x client that listed `service` with UDP port `udpPort` (HTTP
    /// `GET /instance/list?udpPort=`): its ephemeral ip:port client `clientIP:udpPort#true` is created when
    /// absent and subscribed with `clusters`; the first subscription pushes it the service. Returns
    /// `false`, doing nothing, when `udpPort` is 0 or the agent does not qualify for UDP push (switch
    /// `pushEnabled` and the push-version switches, Nacos's `canEnablePush`).
    ///
    /// - Throws: `NacosException` 400 for a blank IP or a port above 65535.
    @discardableResult
    public func subscribeUdp(
        service: Service,
        clientIP: String,
        udpPort: Int,
        clusters: String,
        agent: String,
        app: String
    ) throws(NacosException) -> Bool {
        guard udpPort > 0 else { return false }
        guard udpPort <= 65_535 else { throw NacosException(.invalidParam, "Param 'udpPort' is illegal, the value should be between 0 and 65535.") }
        guard !clientIP.isBlank else { throw NacosException(.invalidParam, "Param 'clientIP' is required.") }
        guard self.switches.canEnablePush(agent: agent) else { return false }
        let address = "\(clientIP):\(udpPort)"
        let client = self.clients.ephemeralIpPortClients.client(forAddress: address)
        let subscriber = Subscriber(
            address: address,
            agent: agent,
            app: app,
            ip: clientIP,
            namespace: service.namespace,
            groupedServiceName: service.groupedServiceName,
            port: udpPort,
            clusters: clusters
        )
        try self.operations.subscribeService(service, subscriber: subscriber, clientId: client.clientId)
        return true
    }

    // MARK: - Steps

    private func batchChangeMetadata(
        service: Service,
        instances: [Instance],
        _ change: (inout InstanceMetadata) -> Void
    ) async throws(NacosException) -> [String] {
        guard let singleton = self.services.existingSingleton(for: service) else { return [] }
        let published = self.storage.instances(of: singleton)
        let targets: [Instance]
        if instances.isEmpty {
            targets = published
        } else {
            targets = instances.filter { wanted in
                published.contains { $0.ip == wanted.ip && $0.port == wanted.port && $0.effectiveClusterName == wanted.effectiveClusterName }
            }
        }
        var updated: [String] = []
        var overlays: [(String, InstanceMetadata)] = []
        for target in targets {
            let cluster = target.effectiveClusterName
            let current = published.first { $0.ip == target.ip && $0.port == target.port && $0.effectiveClusterName == cluster }
            let metadataId = InstanceMetadata.metadataId(ip: target.ip, port: target.port, cluster: cluster)
            var overlay = self.instanceMetadata.metadata(of: singleton, metadataId: metadataId)
                ?? InstanceMetadata(enabled: current?.enabled ?? true, weight: current?.weight ?? 1.0)
            change(&overlay)
            overlays.append((metadataId, overlay))
            updated.append("\(target.ip):\(target.port):unknown:\(cluster):\(singleton.ephemeral ? "ephemeral" : "persist")")
        }
        try await self.commit(overlays, of: singleton)
        return updated
    }

    /// Commits `overlays` of `service` in one write; the store's feed applies them and pushes subscribers.
    ///
    /// - Throws: `NacosException` 503 when new overlays would pass the store's limit or the store cannot
    ///   take the write.
    private func commit(_ overlays: [(metadataId: String, overlay: InstanceMetadata)], of service: Service) async throws(NacosException) {
        let added = overlays.filter { self.instanceMetadata.metadata(of: service, metadataId: $0.metadataId) == nil }.count
        try self.instanceMetadata.checkRoom(for: added)
        try await self.writer.commit(overlays.map { NamingStoreCodec.put(service, metadataId: $0.metadataId, overlay: $0.overlay) })
    }

    private func check(weight: Double) throws(NacosException) {
        guard weight.isFinite, weight >= 0, weight <= 10_000 else {
            throw NacosException(.invalidParam, "instance format invalid: The weights range from 0.0 to 10000.0")
        }
    }

    private func check(metadata: [String: String]) throws(NacosException) {
        if let reason = NamingParamCheck.metadata(metadata, limit: self.configuration.maxMetadataLength) {
            throw NacosException(.invalidParam, reason)
        }
    }

    private static func millis(_ text: String?) -> Int64? {
        guard let text else { return nil }
        return Int64(text.trimmingBlanks)
    }
}
