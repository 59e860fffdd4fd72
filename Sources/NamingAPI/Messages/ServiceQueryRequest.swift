public import NacosRemote

/// Asks for a service's current data without subscribing (reference §3.5).
public struct ServiceQueryRequest: NamingRequest, Equatable {
    /// The payload type name, `"ServiceQueryRequest"`.
    public static let typeName = "ServiceQueryRequest"
    /// The module written to the body, `naming`.
    public static let module = NacosRequestModule.naming

    /// The namespace (blank is read as `public`).
    public var namespace: String?
    /// The service name, without the group.
    public var serviceName: String?
    /// The group (blank is read as `DEFAULT_GROUP`).
    public var groupName: String?
    /// The comma-separated clusters to include, `""` for all.
    public var cluster: String = ""
    /// Whether to leave out unhealthy instances (also read from `healthOnly`).
    public var healthyOnly: Bool = false
    /// The 1.x UDP push port; ignored.
    public var udpPort: Int = 0
    /// The request id: set by the server on its pushes, `nil` on unary calls.
    public var requestId: String?
    /// The request headers.
    public var headers: [String: String] = [:]

    /// Creates a request with every field at its default.
    public init() {}

    /// Creates a request with the given fields.
    public init(namespace: String? = nil, serviceName: String? = nil, groupName: String? = nil, cluster: String = "", healthyOnly: Bool = false, udpPort: Int = 0) {
        self.namespace = namespace
        self.serviceName = serviceName
        self.groupName = groupName
        self.cluster = cluster
        self.healthyOnly = healthyOnly
        self.udpPort = udpPort
    }

    /// Decodes the request from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.namespace = try container.decodeLenient(String.self, forKey: .namespace)
        self.serviceName = try container.decodeLenient(String.self, forKey: .serviceName)
        self.groupName = try container.decodeLenient(String.self, forKey: .groupName)
        self.cluster = try container.decodeLenient(String.self, forKey: .cluster) ?? ""
        // Nacos writes `healthyOnly`; some clients send `healthOnly`. Either is accepted.
        self.healthyOnly = try container.decodeLenient(Bool.self, forKey: .healthyOnly)
            ?? container.decodeLenient(Bool.self, forKey: .healthOnly) ?? false
        self.udpPort = try container.decodeLenient(Int.self, forKey: .udpPort) ?? 0
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the request as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.namespace, forKey: .namespace)
        try container.encodeIfPresent(self.serviceName, forKey: .serviceName)
        try container.encodeIfPresent(self.groupName, forKey: .groupName)
        try container.encode(self.cluster, forKey: .cluster)
        try container.encode(self.healthyOnly, forKey: .healthyOnly)
        try container.encode(self.udpPort, forKey: .udpPort)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case namespace, serviceName, groupName, cluster, healthyOnly, udpPort, healthOnly
    }
}
