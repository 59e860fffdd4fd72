public import NacosRemote

/// The answer to `ServiceListRequest`: one page of names and the total count.
public struct ServiceListResponse: NacosResponse, Equatable {
    /// The payload type name, `"ServiceListResponse"`.
    public static let typeName = "ServiceListResponse"

    /// How many services matched, before paging.
    public var count: Int = 0
    /// The names on this page, without the group.
    public var serviceNames: [String] = []
    /// 200 on success, 500 on failure.
    public var resultCode: Int = NacosResponseCode.success
    /// The Nacos error code of a failure; 0 on success.
    public var errorCode: Int = 0
    /// A failure explanation, or `nil`.
    public var message: String?
    /// The id of the server push this response answers, or `nil`.
    public var requestId: String?

    /// Creates a successful response with every field at its default.
    public init() {}

    /// Creates a successful response with the given fields.
    public init(count: Int = 0, serviceNames: [String] = []) {
        self.count = count
        self.serviceNames = serviceNames
    }

    /// Decodes the response from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.count = try container.decodeLenient(Int.self, forKey: .count) ?? 0
        self.serviceNames = try container.decodeIfPresent([String].self, forKey: .serviceNames) ?? []
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the response as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.count, forKey: .count)
        try container.encode(self.serviceNames, forKey: .serviceNames)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case count, serviceNames
    }
}
