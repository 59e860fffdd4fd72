/// Routes a client id to the manager that holds it (Nacos's `ClientManagerDelegate`): an id ending in
/// `#false` is a persistent ip:port, one ending in `#true` an ephemeral ip:port, any other a connection.
///
/// Nacos tests only for a `#`; the suffix test also routes connection ids that contain `#` (the in-memory
/// transport's addresses do) to the connection manager.
public struct ClientManagerDelegate: ClientManager {
    /// The manager of connection clients.
    public let connectionClients: ConnectionBasedClientManager
    /// The manager of ephemeral ip:port clients.
    public let ephemeralIpPortClients: IpPortClientManager
    /// The manager of persistent ip:port clients.
    public let persistentIpPortClients: IpPortClientManager

    /// Creates a delegate over the three managers.
    public init(
        connectionClients: ConnectionBasedClientManager,
        ephemeralIpPortClients: IpPortClientManager,
        persistentIpPortClients: IpPortClientManager
    ) {
        self.connectionClients = connectionClients
        self.ephemeralIpPortClients = ephemeralIpPortClients
        self.persistentIpPortClients = persistentIpPortClients
    }

    /// The manager responsible for ids of `clientId`'s form.
    public func manager(for clientId: String) -> any ClientManager {
        if clientId.hasSuffix("#false") { return self.persistentIpPortClients }
        if clientId.hasSuffix("#true") { return self.ephemeralIpPortClients }
        return self.connectionClients
    }

    /// Whether `clientId` names an ip:port client (`…#true` or `…#false`) rather than a connection.
    public static func isIpPortClientId(_ clientId: String) -> Bool {
        clientId.hasSuffix("#true") || clientId.hasSuffix("#false")
    }

    /// The client with `clientId` from the manager its form names, or `nil`.
    public func client(_ clientId: String) -> (any Client)? {
        self.manager(for: clientId).client(clientId)
    }

    /// Every client id of the three managers.
    public var allClientIds: [String] {
        self.connectionClients.allClientIds + self.ephemeralIpPortClients.allClientIds + self.persistentIpPortClients.allClientIds
    }

    /// Whether this node is responsible for `client`.
    public func isResponsible(_ client: any Client) -> Bool {
        self.manager(for: client.clientId).isResponsible(client)
    }

    /// Verifies `clientId` with the manager its form names.
    public func verifyClient(_ clientId: String, revision: Int64, now: Int64) -> Bool {
        self.manager(for: clientId).verifyClient(clientId, revision: revision, now: now)
    }

    /// Removes expired clients from all three managers.
    public func removeExpiredClients(now: Int64) -> [any Client] {
        self.connectionClients.removeExpiredClients(now: now) + self.ephemeralIpPortClients.removeExpiredClients(now: now)
            + self.persistentIpPortClients.removeExpiredClients(now: now)
    }

    /// Removes `clientId` from the manager its form names.
    public func removeClient(_ clientId: String) -> (any Client)? {
        self.manager(for: clientId).removeClient(clientId)
    }
}
