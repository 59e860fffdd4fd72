public import NacosRemote

/// Lists the service names of a namespace and group, a page at a time (reference §3.6).
public struct ServiceListRequest: NamingRequest, Equatable {
    /// The payload type name, `"ServiceListRequest"`.
    public static let typeName = "ServiceListRequest"
    /// The module written to the body, `naming`.
    public static let module = NacosRequestModule.naming

    /// The namespace (blank is read as `public`).
    public var namespace: String?
    /// The service name, without the group.
    public var serviceName: String?
    /// The group (blank is read as `DEFAULT_GROUP`).
    public var groupName: String?
    /// The 1-based page number.
    public var pageNo: Int = 1
    /// The page size.
    public var pageSize: Int = 10
    /// A selector expression; ignored, as in Nacos 2.x.
    public var selector: String?
    /// The request id: set by the server on its pushes, `nil` on unary calls.
    public var requestId: String?
    /// The request headers.
    public var headers: [String: String] = [:]

    /// Creates a request with every field at its default.
    public init() {}

    /// Creates a request with the given fields.
    public init(namespace: String? = nil, serviceName: String? = nil, groupName: String? = nil, pageNo: Int = 1, pageSize: Int = 10, selector: String? = nil) {
        self.namespace = namespace
        self.serviceName = serviceName
        self.groupName = groupName
        self.pageNo = pageNo
        self.pageSize = pageSize
        self.selector = selector
    }

    /// Decodes the request from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.namespace = try container.decodeLenient(String.self, forKey: .namespace)
        self.serviceName = try container.decodeLenient(String.self, forKey: .serviceName)
        self.groupName = try container.decodeLenient(String.self, forKey: .groupName)
        self.pageNo = try container.decodeLenient(Int.self, forKey: .pageNo) ?? 1
        self.pageSize = try container.decodeLenient(Int.self, forKey: .pageSize) ?? 10
        self.selector = try container.decodeLenient(String.self, forKey: .selector)
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the request as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.namespace, forKey: .namespace)
        try container.encodeIfPresent(self.serviceName, forKey: .serviceName)
        try container.encodeIfPresent(self.groupName, forKey: .groupName)
        try container.encode(self.pageNo, forKey: .pageNo)
        try container.encode(self.pageSize, forKey: .pageSize)
        try container.encodeIfPresent(self.selector, forKey: .selector)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case namespace, serviceName, groupName, pageNo, pageSize, selector
    }
}
