import NacosRemote

/// The client of one naming connection (reference §6.2): its id is the connection id, its instances are
/// ephemeral, and it lives as long as the connection on the node that holds it (`isNative`).
///
/// A copy synced from a peer (`isNative == false`) lives until the peer stops renewing it for
/// `clientExpiredTime`.
public final class ConnectionBasedClient: Client {
    /// The connection id.
    public let clientId: String
    /// Whether the connection is held by this node (`false` for copies synced from peers).
    public let isNative: Bool
    /// The client's data.
    public let storage: ClientStorage

    /// Connection clients are always ephemeral.
    public var isEphemeral: Bool { true }

    /// Creates the client of connection `connectionId`; its instances and subscriptions are counted in
    /// `counters`.
    public init(connectionId: String, isNative: Bool, now: Int64, counters: ClientCounters? = nil) {
        self.clientId = connectionId
        self.isNative = isNative
        self.storage = ClientStorage(now: now, counters: counters)
    }

    /// When a peer last renewed this client.
    public var lastRenewTime: Int64 { self.storage.lastRenewTime }

    /// A synced client expires when its peer has not renewed it for `clientExpiredTime`; a native one never
    /// expires by time (it goes with its connection).
    public func isExpired(now: Int64, configuration: NamingConfiguration) -> Bool {
        !self.isNative && now - self.storage.lastRenewTime > configuration.clientExpiredTime.wholeMilliseconds
    }
}
