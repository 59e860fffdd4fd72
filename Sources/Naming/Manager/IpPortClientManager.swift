public import NacosRemote

/// The ip:port clients of one kind (Nacos's `EphemeralIpPortClientManager` and
/// `PersistentIpPortClientManager`): ephemeral ones (`ip:port#true`, HTTP/1.x with beats) expire when idle;
/// persistent ones (`ip:port#false`) live until deregistered.
public final class IpPortClientManager: ClientManager {
    /// Whether this manager holds ephemeral (`#true`) or persistent (`#false`) clients.
    public let ephemeral: Bool
    /// The instances and subscriptions of this manager's clients.
    public let counters = ClientCounters()
    private let table = ClientTable<IpPortBasedClient>()
    private let configuration: NamingConfiguration
    private let clock: any NacosClock
    private let isResponsibleAddress: @Sendable (String) -> Bool

    /// Creates a manager; `isResponsibleAddress` decides whether this node answers for an `ip:port`
    /// (always, on a standalone node).
    public init(
        ephemeral: Bool,
        configuration: NamingConfiguration,
        clock: any NacosClock,
        isResponsibleAddress: @escaping @Sendable (String) -> Bool = { _ in true }
    ) {
        self.ephemeral = ephemeral
        self.configuration = configuration
        self.clock = clock
        self.isResponsibleAddress = isResponsibleAddress
    }

    /// The client for `address` (`ip:port`), created when absent.
    public func client(forAddress address: String) -> IpPortBasedClient {
        let clientId = IpPortBasedClient.clientId(address: address, ephemeral: self.ephemeral)
        return self.table.clientOrInsert(clientId) {
            IpPortBasedClient(clientId: clientId, now: self.clock.nowMillis(), counters: self.counters)
        }.client
    }

    /// The ip:port client with `clientId`, or `nil`.
    public func ipPortClient(_ clientId: String) -> IpPortBasedClient? {
        self.table.client(clientId)
    }

    /// Every client.
    public var allClients: [IpPortBasedClient] { self.table.all }

    /// The client with `clientId`, or `nil`.
    public func client(_ clientId: String) -> (any Client)? {
        self.table.client(clientId)
    }

    /// Every client id.
    public var allClientIds: [String] { self.table.ids }

    /// How many clients there are.
    public var clientCount: Int { self.table.count }

    /// Creates a client synced from a peer; returns whether it was created.
    @discardableResult
    public func syncClientConnected(_ clientId: String) -> Bool {
        self.table.insert(IpPortBasedClient(clientId: clientId, now: self.clock.nowMillis(), counters: self.counters))
    }

    /// The client with `clientId`, created as a client synced from a peer when absent (Distro).
    public func syncClient(_ clientId: String) -> IpPortBasedClient {
        self.table.clientOrInsert(clientId) {
            IpPortBasedClient(clientId: clientId, now: self.clock.nowMillis(), counters: self.counters)
        }.client
    }

    /// Whether this node answers for `client`'s address.
    public func isResponsible(_ client: any Client) -> Bool {
        guard let client = client as? IpPortBasedClient else { return false }
        return self.isResponsibleAddress(client.responsibleId)
    }

    /// Whether this node answers for `address` (`ip:port`), whether or not a client exists for it.
    public func isResponsible(address: String) -> Bool {
        self.isResponsibleAddress(address)
    }

    /// A peer's claim holds when the client exists and the revision is 0 or equal to the client's; the
    /// client's last-updated time and the beat time of each of its instances are then renewed (Nacos's
    /// `EphemeralIpPortClientManager.verifyClient`), so that a member that becomes responsible for it later
    /// does not expire instances whose beats went to the previous one.
    public func verifyClient(_ clientId: String, revision: Int64, now: Int64) -> Bool {
        guard let client = self.table.client(clientId) else { return false }
        guard revision == 0 || revision == client.revision else { return false }
        client.storage.renewInstances(now: now)
        return true
    }

    /// Removes clients that expired at `now` (never persistent ones).
    public func removeExpiredClients(now: Int64) -> [any Client] {
        self.table.removeExpired { $0.isExpired(now: now, configuration: self.configuration) }
    }

    /// Removes `clientId`; returns the client.
    public func removeClient(_ clientId: String) -> (any Client)? {
        self.table.remove(clientId)
    }
}
