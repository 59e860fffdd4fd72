public import NacosRemote
import Synchronization

/// The clients of naming connections (Nacos's `ConnectionBasedClientManager`): a connection labelled
/// `module=naming` gets a client when it registers and loses it when it goes away.
///
/// It is a `NacosClientConnectionEventListener`; `onDisconnect` (set by `NamingRegistry`) releases the
/// client's instances and subscriptions.
public final class ConnectionBasedClientManager: ClientManager, NacosClientConnectionEventListener {
    /// The listener name in logs.
    public let name = "naming-connection-clients"
    /// The instances and subscriptions of native clients (connections held by this node).
    public let nativeCounters = ClientCounters()
    /// The instances and subscriptions of clients synced from peers.
    public let syncedCounters = ClientCounters()
    private let table = ClientTable<ConnectionBasedClient>()
    private let natives = Atomic<Int>(0)
    private let configuration: NamingConfiguration
    private let clock: any NacosClock
    private let onDisconnect: @Sendable (ConnectionBasedClient) -> Void

    /// Creates a manager; `onDisconnect` runs for every client removed by a disconnect.
    public init(
        configuration: NamingConfiguration,
        clock: any NacosClock,
        onDisconnect: @escaping @Sendable (ConnectionBasedClient) -> Void
    ) {
        self.configuration = configuration
        self.clock = clock
        self.onDisconnect = onDisconnect
    }

    /// Creates the native client of a `module=naming` connection.
    public func clientConnected(_ connection: NacosServerConnection) {
        guard connection.meta.label(NacosConnectionMeta.moduleLabel) == "naming" else { return }
        let client = ConnectionBasedClient(
            connectionId: connection.connectionId,
            isNative: true,
            now: self.clock.nowMillis(),
            counters: self.nativeCounters
        )
        if self.table.insert(client) { self.natives.add(1, ordering: .relaxed) }
    }

    /// Releases the client of a connection that went away.
    public func clientDisconnected(_ connection: NacosServerConnection) {
        self.clientDisconnected(connection.connectionId)
    }

    /// Removes the client `clientId` and releases it; returns whether it existed.
    @discardableResult
    public func clientDisconnected(_ clientId: String) -> Bool {
        guard let client = self.removed(self.table.remove(clientId)) else { return false }
        self.onDisconnect(client)
        return true
    }

    /// Creates the non-native copy of a client a peer holds (Distro); returns whether it was created.
    @discardableResult
    public func syncClientConnected(_ clientId: String) -> Bool {
        let client = ConnectionBasedClient(connectionId: clientId, isNative: false, now: self.clock.nowMillis(), counters: self.syncedCounters)
        return self.table.insert(client)
    }

    /// The client with `clientId`: the existing one (native or synced), or a new non-native copy of a
    /// client a peer holds (Distro).
    public func syncClient(_ clientId: String) -> ConnectionBasedClient {
        self.table.clientOrInsert(clientId) {
            ConnectionBasedClient(connectionId: clientId, isNative: false, now: self.clock.nowMillis(), counters: self.syncedCounters)
        }.client
    }

    /// The connection client with `clientId`, or `nil`.
    public func connectionClient(_ clientId: String) -> ConnectionBasedClient? {
        self.table.client(clientId)
    }

    /// The client with `clientId`, or `nil`.
    public func client(_ clientId: String) -> (any Client)? {
        self.table.client(clientId)
    }

    /// Every client id.
    public var allClientIds: [String] { self.table.ids }

    /// Every connection client, native and synced.
    public var allClients: [ConnectionBasedClient] { self.table.all }

    /// How many clients there are.
    public var clientCount: Int { self.table.count }

    /// How many native clients (connections held by this node) there are.
    public var nativeClientCount: Int { self.natives.load(ordering: .relaxed) }

    /// A connection client is this node's responsibility when it holds the connection.
    public func isResponsible(_ client: any Client) -> Bool {
        (client as? ConnectionBasedClient)?.isNative ?? false
    }

    /// A peer's claim holds when the client exists and the revision is 0 (older peers) or equal to the
    /// client's; the client is then renewed.
    public func verifyClient(_ clientId: String, revision: Int64, now: Int64) -> Bool {
        guard let client = self.table.client(clientId) else { return false }
        guard revision == 0 || revision == client.revision else { return false }
        client.storage.renew(now: now)
        return true
    }

    /// Removes synced clients whose peer stopped renewing them.
    public func removeExpiredClients(now: Int64) -> [any Client] {
        self.table.removeExpired { $0.isExpired(now: now, configuration: self.configuration) }
    }

    /// Removes `clientId` without releasing it; returns the client.
    public func removeClient(_ clientId: String) -> (any Client)? {
        self.removed(self.table.remove(clientId))
    }

    /// Counts a removed client out of the native count.
    private func removed(_ client: ConnectionBasedClient?) -> ConnectionBasedClient? {
        if let client, client.isNative { self.natives.subtract(1, ordering: .relaxed) }
        return client
    }
}
