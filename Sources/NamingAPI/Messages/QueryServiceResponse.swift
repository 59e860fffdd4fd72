public import NacosRemote

/// The answer to `ServiceQueryRequest` (note Nacos's word order).
public struct QueryServiceResponse: NacosResponse, Equatable {
    /// The payload type name, `"QueryServiceResponse"`.
    public static let typeName = "QueryServiceResponse"

    /// The service data.
    public var serviceInfo: ServiceInfo?
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
    public init(serviceInfo: ServiceInfo? = nil) {
        self.serviceInfo = serviceInfo
    }

    /// Decodes the response from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.serviceInfo = try container.decodeIfPresent(ServiceInfo.self, forKey: .serviceInfo)
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the response as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.serviceInfo, forKey: .serviceInfo)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case serviceInfo
    }
}
