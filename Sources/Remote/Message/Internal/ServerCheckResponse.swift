/// The answer to `ServerCheckRequest`: the id the server gave the connection.
public struct ServerCheckResponse: NacosResponse, Equatable {
    /// The payload type name, `"ServerCheckResponse"`.
    public static let typeName = "ServerCheckResponse"

    /// The connection id the server assigned (`<epochMillis>_<remoteIp>_<remotePort>` in Nacos).
    public var connectionId: String?
    /// Whether the server pushes `SetupAckRequest` after `ConnectionSetupRequest` (Nacos 2.3+; absent, so `false`, before).
    public var supportAbilityNegotiation: Bool = false
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
    public init(connectionId: String? = nil, supportAbilityNegotiation: Bool = false) {
        self.connectionId = connectionId
        self.supportAbilityNegotiation = supportAbilityNegotiation
    }

    /// Decodes the response from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.connectionId = try container.decodeLenient(String.self, forKey: .connectionId)
        self.supportAbilityNegotiation = try container.decodeLenient(Bool.self, forKey: .supportAbilityNegotiation) ?? false
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the response as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.connectionId, forKey: .connectionId)
        try container.encode(self.supportAbilityNegotiation, forKey: .supportAbilityNegotiation)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case connectionId
        case supportAbilityNegotiation
    }
}
