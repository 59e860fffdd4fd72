/// The (unused) response type registered for `SetupAckRequest`.
public struct SetupAckResponse: NacosResponse, Equatable {
    /// The payload type name, `"SetupAckResponse"`.
    public static let typeName = "SetupAckResponse"

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

    /// Decodes the response from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the response as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        try self.encodeCommonFields(to: encoder)
    }
}
