/// Routes a client id to the manager that holds it (Nacos's `ClientManagerDelegate`): an id without `#`
/// is a connection, one ending in `false` a persistent ip:port, any other an ephemeral ip:port.
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
        guard clientId.contains("#") else { return self.connectionClients }
        return clientId.hasSuffix("false") ? self.persistentIpPortClients : self.ephemeralIpPortClients
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
