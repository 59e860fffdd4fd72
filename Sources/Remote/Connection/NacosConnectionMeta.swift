/// What the server knows about one client connection: who connected, from where, with which labels, and
/// when it was last heard from (Nacos's `ConnectionMeta`, reference §2.2).
public struct NacosConnectionMeta: Sendable, Equatable, Codable {
    /// The protocol the connection speaks (Nacos writes `GRPC`; the native protocol writes `NATIVE`).
    public var connectType: String
    /// The id the server assigned: `<epochMillis>_<remoteIp>_<remotePort>`.
    public var connectionId: String
    /// The client's own idea of its IP, from the payload's `clientIp`.
    public var clientIp: String
    /// The peer's socket address as the server sees it.
    public var remoteIp: String
    /// The peer's socket port.
    public var remotePort: Int
    /// The server's local port the connection arrived on.
    public var localPort: Int
    /// The client's version string (`clientVersion` of ConnectionSetupRequest).
    public var version: String
    /// The application name: label `AppName`, or `-`.
    public var appName: String
    /// The client's namespace, if it sent one.
    public var tenant: String?
    /// Connection labels (`source`, `module`, `AppName`, …).
    public var labels: [String: String]
    /// The abilities the client declared, if it sent an ability table.
    public var abilityTable: [String: Bool]?
    /// When the connection was registered, in epoch milliseconds.
    public var createTime: Int64
    /// When the server last received a request or a successful response on it, in epoch milliseconds.
    public var lastActiveTime: Int64
    /// Whether the transport under the connection is TLS.
    public var tlsProtected: Bool

    /// Creates a meta with every field given.
    public init(
        connectType: String = "NATIVE",
        connectionId: String,
        clientIp: String,
        remoteIp: String,
        remotePort: Int,
        localPort: Int,
        version: String,
        appName: String? = nil,
        tenant: String? = nil,
        labels: [String: String] = [:],
        abilityTable: [String: Bool]? = nil,
        createTime: Int64,
        lastActiveTime: Int64? = nil,
        tlsProtected: Bool = false
    ) {
        self.connectType = connectType
        self.connectionId = connectionId
        self.clientIp = clientIp
        self.remoteIp = remoteIp
        self.remotePort = remotePort
        self.localPort = localPort
        self.version = version
        self.appName = appName ?? labels[Self.appNameLabel] ?? "-"
        self.tenant = tenant
        self.labels = labels
        self.abilityTable = abilityTable
        self.createTime = createTime
        self.lastActiveTime = lastActiveTime ?? createTime
        self.tlsProtected = tlsProtected
    }

    /// The label naming the connection's source (`sdk` or `cluster`).
    public static let sourceLabel = "source"
    /// The label naming the module a connection serves (`naming`, `config`).
    public static let moduleLabel = "module"
    /// The label carrying the application name.
    public static let appNameLabel = "AppName"

    /// The value of label `name`, ignoring the case of the name.
    public func label(_ name: String) -> String? {
        if let exact = self.labels[name] { return exact }
        let lowered = name.lowercased()
        return self.labels.first { $0.key.lowercased() == lowered }?.value
    }

    /// Whether the connection comes from an SDK (`source=sdk`, any case).
    public var isSdkSource: Bool { self.label(Self.sourceLabel)?.lowercased() == "sdk" }

    /// Whether the connection comes from a cluster peer (`source=cluster`, any case).
    public var isClusterSource: Bool { self.label(Self.sourceLabel)?.lowercased() == "cluster" }
}
