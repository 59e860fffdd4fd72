public import NacosRemote

/// The answer to `InstanceRequest` and `PersistentInstanceRequest`.
public struct InstanceResponse: NacosResponse, Equatable {
    /// The payload type name, `"InstanceResponse"`.
    public static let typeName = "InstanceResponse"

    /// The operation (`registerInstance`, `deregisterInstance`, …).
    public var type: String?
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
    public init(type: String? = nil) {
        self.type = type
    }

    /// Decodes the response from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.type = try container.decodeLenient(String.self, forKey: .type)
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the response as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.type, forKey: .type)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case type
    }
}
