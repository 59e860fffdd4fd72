public import NacosRemote

/// Registers or deregisters one persistent instance, kept until deregistered and health-checked by the server (reference §3.3).
public struct PersistentInstanceRequest: NamingRequest, Equatable {
    /// The payload type name, `"PersistentInstanceRequest"`.
    public static let typeName = "PersistentInstanceRequest"
    /// The module written to the body, `naming`.
    public static let module = NacosRequestModule.naming

    /// The namespace (blank is read as `public`).
    public var namespace: String?
    /// The service name, without the group.
    public var serviceName: String?
    /// The group (blank is read as `DEFAULT_GROUP`).
    public var groupName: String?
    /// The operation (`registerInstance`, `deregisterInstance`, …).
    public var type: String?
    /// The instance.
    public var instance: Instance?
    /// The request id: set by the server on its pushes, `nil` on unary calls.
    public var requestId: String?
    /// The request headers.
    public var headers: [String: String] = [:]

    /// Creates a request with every field at its default.
    public init() {}

    /// Creates a request with the given fields.
    public init(namespace: String? = nil, serviceName: String? = nil, groupName: String? = nil, type: String? = nil, instance: Instance? = nil) {
        self.namespace = namespace
        self.serviceName = serviceName
        self.groupName = groupName
        self.type = type
        self.instance = instance
    }

    /// Decodes the request from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.namespace = try container.decodeLenient(String.self, forKey: .namespace)
        self.serviceName = try container.decodeLenient(String.self, forKey: .serviceName)
        self.groupName = try container.decodeLenient(String.self, forKey: .groupName)
        self.type = try container.decodeLenient(String.self, forKey: .type)
        self.instance = try container.decodeIfPresent(Instance.self, forKey: .instance)
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the request as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.namespace, forKey: .namespace)
        try container.encodeIfPresent(self.serviceName, forKey: .serviceName)
        try container.encodeIfPresent(self.groupName, forKey: .groupName)
        try container.encodeIfPresent(self.type, forKey: .type)
        try container.encodeIfPresent(self.instance, forKey: .instance)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case namespace, serviceName, groupName, type, instance
    }
}
