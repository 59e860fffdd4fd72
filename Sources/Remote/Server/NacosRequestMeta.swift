/// Who sent a request: the connection it arrived on and what the client declared at set-up (Nacos's
/// `RequestMeta`).
public struct NacosRequestMeta: Sendable, Equatable {
    /// The id of the connection the request arrived on.
    public var connectionId: String
    /// The client's own idea of its IP (the payload's `clientIp`).
    public var clientIp: String
    /// The client's version string from ConnectionSetupRequest.
    public var clientVersion: String
    /// The connection's labels.
    public var labels: [String: String]
    /// The abilities the client declared, if any.
    public var abilityTable: [String: Bool]?

    /// Creates a meta from its parts.
    public init(
        connectionId: String,
        clientIp: String,
        clientVersion: String = "",
        labels: [String: String] = [:],
        abilityTable: [String: Bool]? = nil
    ) {
        self.connectionId = connectionId
        self.clientIp = clientIp
        self.clientVersion = clientVersion
        self.labels = labels
        self.abilityTable = abilityTable
    }
}
