import NacosNamingAPI
public import NacosRemote

/// The service operations of the HTTP Open API (Nacos's `ServiceOperatorV2Impl`, `ClusterOperatorV2Impl`
/// and `SubscribeManager`): create, update, delete, detail and list services, cluster settings, and a
/// service's subscribers.
///
/// Errors are `NacosException`s whose code is the HTTP status the Open API answers with.
public final class ServiceOperator: Sendable {
    private let services: ServiceManager
    private let indexes: ClientServiceIndexesManager
    private let storage: ServiceStorage
    private let clients: ClientManagerDelegate
    private let instanceMetadata: InstanceMetadataStore
    private let events: RegistryEventBus
    private let clock: any NacosClock
    private let writer: NamingStoreWriter
    private let namespaces: NamespaceGate

    /// Creates the operator over the registry's parts; service metadata is written through `writer`.
    public init(
        services: ServiceManager,
        indexes: ClientServiceIndexesManager,
        storage: ServiceStorage,
        clients: ClientManagerDelegate,
        instanceMetadata: InstanceMetadataStore,
        events: RegistryEventBus,
        clock: any NacosClock,
        writer: NamingStoreWriter,
        namespaces: NamespaceGate
    ) {
        self.writer = writer
        self.namespaces = namespaces
        self.services = services
        self.indexes = indexes
        self.storage = storage
        self.clients = clients
        self.instanceMetadata = instanceMetadata
        self.events = events
        self.clock = clock
    }

    /// Creates `service` with `metadata`; the service is ephemeral or persistent as `metadata.ephemeral`
    /// says. A service created this way stays, even without instances, until it is deleted. The metadata
    /// is committed to the store and in memory when this returns.
    ///
    /// - Throws: `NacosException` 400 `specified service … already exists!` when it exists, or when the
    ///   namespace does not exist; 503 when the store cannot take the write.
    public func createService(_ service: Service, metadata: ServiceMetadata) async throws(NacosException) {
        try self.namespaces.admit(service.namespace)
        guard !self.services.contains(service) else {
            throw NacosException(.invalidParam, "specified service \(service.groupedServiceName) already exists!")
        }
        try await self.writer.commit([NamingStoreCodec.put(service.withEphemeral(metadata.ephemeral), metadata: metadata)])
    }

    /// Replaces the protect threshold, selector and metadata of `service`; its `ephemeral` flag and
    /// cluster settings stay (Nacos's merge). Subscribers are pushed, as the threshold may change what they see.
    ///
    /// - Throws: `NacosException` 400 `service … not found!` when it does not exist; 503 when the store
    ///   cannot take the write.
    public func updateService(_ service: Service, metadata: ServiceMetadata) async throws(NacosException) {
        guard let record = self.services.record(of: service) else {
            throw NacosException(.invalidParam, "service \(service.groupedServiceName) not found!")
        }
        var current = record.metadata ?? ServiceMetadata(ephemeral: record.service.ephemeral)
        current.protectThreshold = metadata.protectThreshold
        current.selector = metadata.selector
        current.extendData = metadata.extendData
        try await self.writer.commit([NamingStoreCodec.put(record.service, metadata: current)])
    }

    /// Sets the settings of `cluster` of `service` (HTTP `PUT /cluster`).
    ///
    /// - Throws: `NacosException` 400 `service not found:…` when the service does not exist; 503 when the
    ///   store cannot take the write.
    public func updateCluster(_ cluster: String, of service: Service, metadata: ClusterMetadata) async throws(NacosException) {
        guard let record = self.services.record(of: service) else {
            throw NacosException(.invalidParam, "service not found:\(service.groupedServiceName)")
        }
        var current = record.metadata ?? ServiceMetadata(ephemeral: record.service.ephemeral)
        current.clusters[NamingDefaults.cluster(cluster)] = metadata
        try await self.writer.commit([NamingStoreCodec.put(record.service, metadata: current)])
    }

    /// Deletes `service` with its metadata and instance overlays, in one commit.
    ///
    /// - Throws: `NacosException` 400 `service … not found!` when it does not exist, and Nacos's
    ///   `Service … is not empty, can't be delete. Please unregister instance first` while it has
    ///   instances; 503 when the store cannot take the write.
    public func deleteService(_ service: Service) async throws(NacosException) {
        guard let singleton = self.services.existingSingleton(for: service) else {
            throw NacosException(.invalidParam, "service \(service.groupedServiceName) not found!")
        }
        guard self.storage.instances(of: singleton).isEmpty else {
            throw NacosException(
                .invalidParam,
                "Service \(service.groupedServiceName) is not empty, can't be delete. Please unregister instance first"
            )
        }
        let overlays = self.instanceMetadata.overlays(of: singleton).keys.map { NamingStoreCodec.deleteOverlay(singleton, metadataId: $0) }
        try await self.writer.commit([NamingStoreCodec.deleteService(singleton)] + overlays)
        // A service without stored metadata (created by its instances) has no record for the feed to remove.
        if self.services.existingSingleton(for: singleton) != nil, self.storage.instances(of: singleton).isEmpty {
            self.indexes.removeEmptyPublisherIndex(singleton)
            self.services.remove(singleton)
            self.storage.remove(singleton)
            self.instanceMetadata.removeAll(of: singleton)
        }
    }

    /// The detail of `service`: its key, metadata (defaults when none was set) and clusters, those with
    /// instances and those with settings, sorted by name.
    ///
    /// - Throws: `NacosException` 400 `service not found, namespace: …, serviceName: …` when it does not exist.
    public func serviceDetail(_ service: Service) throws(NacosException) -> ServiceDetail {
        guard let record = self.services.record(of: service) else {
            throw NacosException(
                .invalidParam,
                "service not found, namespace: \(service.namespace), serviceName: \(service.groupedServiceName)"
            )
        }
        let metadata = record.metadata ?? ServiceMetadata(ephemeral: record.service.ephemeral)
        let names = self.storage.clusters(of: record.service).union(metadata.clusters.keys)
        let clusters = names.sorted().map { ServiceDetail.Cluster(name: $0, metadata: metadata.cluster($0)) }
        return ServiceDetail(
            namespace: record.service.namespace,
            group: record.service.group,
            name: record.service.name,
            ephemeral: record.service.ephemeral,
            protectThreshold: metadata.protectThreshold,
            metadata: metadata.extendData,
            selector: metadata.selector,
            clusters: clusters
        )
    }

    /// One page of the names (without group) of the services of `namespace` and `group` (blank:
    /// `DEFAULT_GROUP`), sorted so that pages are stable, and how many there are. A `pageNo` below 1 reads
    /// as 1; a `pageSize` below 1 gives an empty page.
    public func listServices(namespace: String?, group: String?, pageNo: Int, pageSize: Int) -> (count: Int, names: [String]) {
        let groupName = NamingDefaults.group(group)
        let names = self.services.services(inNamespace: NamingDefaults.namespace(namespace))
            .filter { $0.group == groupName }
            .map(\.name)
            .sorted()
        return (names.count, Self.page(names, pageNo: pageNo, pageSize: pageSize))
    }

    /// One page of the distinct subscribers of `service`, sorted by address, agent and app, and how many
    /// there are (HTTP `GET /service/subscribers`). Nacos matches service names as substrings; this
    /// matches the service exactly.
    public func subscribers(of service: Service, pageNo: Int, pageSize: Int) -> (count: Int, subscribers: [Subscriber]) {
        var distinct = Set<Subscriber>()
        for clientId in self.indexes.subscribers(of: service) {
            if let subscriber = self.clients.client(clientId)?.storage.subscriber(of: service) {
                distinct.insert(subscriber)
            }
        }
        let sorted = distinct.sorted { left, right in
            (left.address, left.agent, left.app, left.clusters) < (right.address, right.agent, right.app, right.clusters)
        }
        return (sorted.count, Self.page(sorted, pageNo: pageNo, pageSize: pageSize))
    }

    private static func page<Element>(_ items: [Element], pageNo: Int, pageSize: Int) -> [Element] {
        guard pageSize > 0 else { return [] }
        let (start, overflow) = (max(1, pageNo) - 1).multipliedReportingOverflow(by: pageSize)
        guard !overflow, start < items.count else { return [] }
        let end = pageSize >= items.count - start ? items.count : start + pageSize
        return Array(items[start..<end])
    }
}
