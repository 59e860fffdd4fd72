/// Who subscribed to a service, as Nacos records it (reference §3.4).
public struct Subscriber: Sendable, Hashable {
    /// The subscriber's address (the connection's client IP).
    public var address: String
    /// The client's version string (`agent`).
    public var agent: String
    /// The application name.
    public var app: String
    /// The subscriber's IP.
    public var ip: String
    /// The namespace.
    public var namespace: String
    /// The grouped service name.
    public var groupedServiceName: String
    /// The subscriber's port (0 for RPC subscribers, the UDP port for 1.x clients).
    public var port: Int
    /// The comma-separated clusters the subscriber wants, `""` for all.
    public var clusters: String

    /// Creates a subscriber record.
    public init(
        address: String,
        agent: String,
        app: String,
        ip: String,
        namespace: String,
        groupedServiceName: String,
        port: Int = 0,
        clusters: String = ""
    ) {
        self.address = address
        self.agent = agent
        self.app = app
        self.ip = ip
        self.namespace = namespace
        self.groupedServiceName = groupedServiceName
        self.port = port
        self.clusters = clusters
    }
}
