public import NacosRemote

/// What the client API shows of one client (Nacos's `ClientInfoControllerV2` detail): its id, kind,
/// timestamps and, for a connection, the connection's metadata.
public struct ClientDetail: Sendable, Equatable {
    /// The two kinds of client.
    public enum Kind: String, Sendable, Equatable {
        /// A naming connection (2.x SDKs); `clientType` `connection` in Nacos's JSON.
        case connection
        /// An ip:port client (1.x HTTP, UDP subscribers, persistent instances); `clientType` `ipPort`.
        case ipPort
    }

    /// The client id.
    public var clientId: String
    /// Whether the client's instances are ephemeral.
    public var ephemeral: Bool
    /// When the client last changed or was renewed, in epoch milliseconds.
    public var lastUpdatedTime: Int64
    /// The client kind.
    public var kind: Kind
    /// Whether this node holds the client's connection (always `true` for ip:port clients).
    public var isNative: Bool
    /// The client's IP: the connection's client IP, or the part of an ip:port id before the last `:`.
    public var clientIp: String?
    /// The client's port as Nacos shows it: the part of the id after the last `_` for a connection, or
    /// after the last `:` of the address for an ip:port client.
    public var clientPort: String?
    /// The connection's metadata (connect type, app name, version, …), when this node holds it.
    public var connection: NacosConnectionMeta?

    /// Creates a detail record.
    public init(
        clientId: String,
        ephemeral: Bool,
        lastUpdatedTime: Int64,
        kind: Kind,
        isNative: Bool,
        clientIp: String?,
        clientPort: String?,
        connection: NacosConnectionMeta?
    ) {
        self.clientId = clientId
        self.ephemeral = ephemeral
        self.lastUpdatedTime = lastUpdatedTime
        self.kind = kind
        self.isNative = isNative
        self.clientIp = clientIp
        self.clientPort = clientPort
        self.connection = connection
    }
}
