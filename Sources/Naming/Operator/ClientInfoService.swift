public import NacosRemote

/// Read-only views of the registry's clients for the `/v2/ns/client/*` endpoints (Nacos's
/// `ClientInfoControllerV2`): client ids, a client's detail, what it publishes and subscribes, and which
/// clients publish or subscribe to a service.
public struct ClientInfoService: Sendable {
    /// One published instance and the client that publishes it.
    public struct Publication: Sendable, Equatable {
        /// The publishing client.
        public var clientId: String
        /// The service.
        public var service: Service
        /// The published instance.
        public var instance: InstancePublishInfo
    }

    /// One subscription and the client that holds it.
    public struct Subscription: Sendable, Equatable {
        /// The subscribing client.
        public var clientId: String
        /// The service.
        public var service: Service
        /// The subscriber record.
        public var subscriber: Subscriber
    }

    private let clients: ClientManagerDelegate
    private let indexes: ClientServiceIndexesManager
    private let connections: NacosConnectionManager

    /// Creates the views over the registry's clients and indexes and the node's connections.
    public init(clients: ClientManagerDelegate, indexes: ClientServiceIndexesManager, connections: NacosConnectionManager) {
        self.clients = clients
        self.indexes = indexes
        self.connections = connections
    }

    /// Every client id, sorted.
    public var clientIds: [String] { self.clients.allClientIds.sorted() }

    /// The detail of client `clientId`.
    ///
    /// - Throws: `NacosException` 404 `clientId [ … ] not exist` when there is no such client.
    public func detail(of clientId: String) throws(NacosException) -> ClientDetail {
        let client = try self.existing(clientId)
        if let connectionClient = client as? ConnectionBasedClient {
            let meta = self.connections.connection(clientId)?.meta
            let port = clientId.lastIndex(of: "_").map { String(clientId[clientId.index(after: $0)...]) }
            return ClientDetail(
                clientId: clientId,
                ephemeral: true,
                lastUpdatedTime: client.storage.lastUpdatedTime,
                kind: .connection,
                isNative: connectionClient.isNative,
                clientIp: meta?.clientIp,
                clientPort: port,
                connection: meta
            )
        }
        let address = (client as? IpPortBasedClient)?.responsibleId ?? IpPortBasedClient.parse(clientId).address
        let colon = address.lastIndex(of: ":")
        return ClientDetail(
            clientId: clientId,
            ephemeral: client.isEphemeral,
            lastUpdatedTime: client.storage.lastUpdatedTime,
            kind: .ipPort,
            isNative: true,
            clientIp: colon.map { String(address[..<$0]) } ?? address,
            clientPort: colon.map { String(address[address.index(after: $0)...]) },
            connection: nil
        )
    }

    /// Every instance client `clientId` publishes, one entry per instance (batches expanded), sorted by
    /// service.
    ///
    /// - Throws: `NacosException` 404 when there is no such client.
    public func publications(of clientId: String) throws(NacosException) -> [Publication] {
        let client = try self.existing(clientId)
        return client.storage.publications
            .sorted { Self.key($0.key) < Self.key($1.key) }
            .flatMap { service, publication in
                publication.instances.map { Publication(clientId: clientId, service: service, instance: $0) }
            }
    }

    /// Every subscription of client `clientId`, sorted by service.
    ///
    /// - Throws: `NacosException` 404 when there is no such client.
    public func subscriptions(of clientId: String) throws(NacosException) -> [Subscription] {
        let client = try self.existing(clientId)
        return client.storage.subscribedServices
            .sorted { Self.key($0) < Self.key($1) }
            .compactMap { service in
                client.storage.subscriber(of: service).map { Subscription(clientId: clientId, service: service, subscriber: $0) }
            }
    }

    /// The instances of `service` with the clients that publish them, optionally only those at `ip`
    /// and/or `port` (Nacos needs both and matches nothing without them), sorted by client id.
    public func publishers(of service: Service, ip: String? = nil, port: Int? = nil) -> [Publication] {
        self.indexes.publishers(of: service).sorted().flatMap { clientId -> [Publication] in
            guard let client = self.clients.client(clientId) else { return [] }
            return client.instances(of: service)
                .filter { (ip == nil || $0.ip == ip) && (port == nil || $0.port == port) }
                .map { Publication(clientId: clientId, service: service, instance: $0) }
        }
    }

    /// The subscriptions to `service`, optionally only those from `ip` and/or `port`, sorted by client id.
    public func subscribers(of service: Service, ip: String? = nil, port: Int? = nil) -> [Subscription] {
        self.indexes.subscribers(of: service).sorted().compactMap { clientId -> Subscription? in
            guard let subscriber = self.clients.client(clientId)?.storage.subscriber(of: service),
                ip == nil || subscriber.ip == ip, port == nil || subscriber.port == port
            else { return nil }
            return Subscription(clientId: clientId, service: service, subscriber: subscriber)
        }
    }

    private func existing(_ clientId: String) throws(NacosException) -> any Client {
        guard let client = self.clients.client(clientId) else {
            throw NacosException(.notFound, "clientId [ \(clientId) ] not exist")
        }
        return client
    }

    private static func key(_ service: Service) -> String {
        service.namespace + "\u{1}" + service.groupedServiceName
    }
}
