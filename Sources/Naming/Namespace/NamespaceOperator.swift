import NacosNamingAPI
public import NacosRemote
import NacosStore

/// The namespace operations of Nacos's console API (`/nacos/v1/console/namespaces`,
/// `/nacos/v2/console/namespace`): list, get, create, update and delete, each write committed to the
/// store before it is answered.
///
/// Errors are `NacosException`s whose code is the HTTP status the Open API answers with.
public final class NamespaceOperator: Sendable {
    private let namespaces: NamespaceManager
    private let services: ServiceManager
    private let clients: ClientManagerDelegate
    private let instanceMetadata: InstanceMetadataStore
    private let writer: NamingStoreWriter

    /// Creates the operator over the registry's parts.
    public init(
        namespaces: NamespaceManager,
        services: ServiceManager,
        clients: ClientManagerDelegate,
        instanceMetadata: InstanceMetadataStore,
        writer: NamingStoreWriter
    ) {
        self.namespaces = namespaces
        self.services = services
        self.clients = clients
        self.instanceMetadata = instanceMetadata
        self.writer = writer
    }

    /// Every namespace, `public` first.
    public var all: [Namespace] { self.namespaces.all }

    /// How many services namespace `id` has now.
    public func serviceCount(of id: String) -> Int {
        self.services.services(inNamespace: NamingDefaults.namespace(id)).count
    }

    /// The namespace `id`.
    ///
    /// - Throws: `NacosException` 404 when it does not exist.
    public func namespace(_ id: String) throws(NacosException) -> Namespace {
        guard let namespace = self.namespaces.namespace(id) else { throw Self.notFound(id) }
        return namespace
    }

    /// Creates namespace `id` named `name`.
    ///
    /// - Throws: `NacosException` 400 for an illegal id or name, 409 when it exists, 503 when the store
    ///   cannot take the write.
    public func create(id: String, name: String, description: String) async throws(NacosException) {
        if let reason = Namespace.illegalReason(id: id) ?? Namespace.illegalReason(name: name) {
            throw NacosException(.invalidParam, reason)
        }
        guard !self.namespaces.contains(id) else {
            throw NacosException(NacosErrorCode(rawValue: 409), "namespace \(id) already exists")
        }
        try await self.writer.commit([NamingStoreCodec.put(Namespace(id: id, name: name, description: description))])
    }

    /// Renames namespace `id` and replaces its description.
    ///
    /// - Throws: `NacosException` 400 for an illegal name, 404 when it does not exist, 503 when the store
    ///   cannot take the write.
    public func update(id: String, name: String, description: String) async throws(NacosException) {
        if let reason = Namespace.illegalReason(name: name) { throw NacosException(.invalidParam, reason) }
        var namespace = try self.namespace(id)
        namespace.name = name
        namespace.description = description
        try await self.writer.commit([NamingStoreCodec.put(namespace)])
    }

    /// Deletes namespace `id`. One that still has services is deleted only with `force`, which also
    /// removes every durable record in it (service metadata, persistent instances, overlays) in the same
    /// commit; ephemeral instances stay until their clients go.
    ///
    /// - Throws: `NacosException` 400 for `public` or a namespace with services without `force`, 404
    ///   when it does not exist, 503 when the store cannot take the write.
    public func delete(id: String, force: Bool) async throws(NacosException) {
        let namespace = try self.namespace(id)
        guard namespace.kind != .global else {
            throw NacosException(.invalidParam, "namespace \(namespace.id) is the built-in namespace and cannot be deleted")
        }
        let services = self.services.services(inNamespace: namespace.id)
        guard services.isEmpty || force else {
            throw NacosException(
                .invalidParam,
                "namespace \(namespace.id) has \(services.count) service(s); delete them first or pass force=true"
            )
        }
        var mutations = [NamingStoreCodec.deleteNamespace(namespace.id)]
        for service in services {
            if self.services.metadata(of: service) != nil { mutations.append(NamingStoreCodec.deleteService(service)) }
            for metadataId in self.instanceMetadata.overlays(of: service).keys {
                mutations.append(NamingStoreCodec.deleteOverlay(service, metadataId: metadataId))
            }
        }
        for client in self.clients.persistentIpPortClients.allClients {
            for service in client.storage.publishedServices where service.namespace == namespace.id {
                mutations.append(NamingStoreCodec.deleteInstance(service, address: client.responsibleId))
            }
        }
        try await self.writer.commit(mutations)
    }

    private static func notFound(_ id: String) -> NacosException {
        NacosException(.notFound, "namespace \(NamingDefaults.namespace(id)) does not exist")
    }
}
