public import NacosRemote

/// Subscribes the sending connection to a service, or unsubscribes it, and answers its current data (reference §3.4).
public struct SubscribeServiceRequest: NamingRequest, Equatable {
    /// The payload type name, `"SubscribeServiceRequest"`.
    public static let typeName = "SubscribeServiceRequest"
    /// The module written to the body, `naming`.
    public static let module = NacosRequestModule.naming

    /// The namespace (blank is read as `public`).
    public var namespace: String?
    /// The service name, without the group.
    public var serviceName: String?
    /// The group (blank is read as `DEFAULT_GROUP`).
    public var groupName: String?
    /// Whether to subscribe (`true`) or unsubscribe (`false`).
    public var subscribe: Bool = true
    /// The comma-separated clusters to receive, `""` for all.
    public var clusters: String = ""
    /// The request id: set by the server on its pushes, `nil` on unary calls.
    public var requestId: String?
    /// The request headers.
    public var headers: [String: String] = [:]

    /// Creates a request with every field at its default.
    public init() {}

    /// Creates a request with the given fields.
    public init(namespace: String? = nil, serviceName: String? = nil, groupName: String? = nil, subscribe: Bool = true, clusters: String = "") {
        self.namespace = namespace
        self.serviceName = serviceName
        self.groupName = groupName
        self.subscribe = subscribe
        self.clusters = clusters
    }

    /// Decodes the request from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.namespace = try container.decodeLenient(String.self, forKey: .namespace)
        self.serviceName = try container.decodeLenient(String.self, forKey: .serviceName)
        self.groupName = try container.decodeLenient(String.self, forKey: .groupName)
        // A missing `subscribe` reads as `false`, as Java's primitive field does (an unsubscribe).
        self.subscribe = try container.decodeLenient(Bool.self, forKey: .subscribe) ?? false
        self.clusters = try container.decodeLenient(String.self, forKey: .clusters) ?? ""
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the request as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.namespace, forKey: .namespace)
        try container.encodeIfPresent(self.serviceName, forKey: .serviceName)
        try container.encodeIfPresent(self.groupName, forKey: .groupName)
        try container.encode(self.subscribe, forKey: .subscribe)
        try container.encode(self.clusters, forKey: .clusters)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case namespace, serviceName, groupName, subscribe, clusters
    }
}
