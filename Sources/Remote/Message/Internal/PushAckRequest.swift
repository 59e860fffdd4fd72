/// A push acknowledgement request of the internal module (registered for completeness; naming does not use it).
public struct PushAckRequest: NacosRequest, Equatable {
    /// The payload type name, `"PushAckRequest"`.
    public static let typeName = "PushAckRequest"
    /// The module written to the body, `internal`.
    public static let module = NacosRequestModule.internal

    /// The id of the push being acknowledged.
    public var ackId: String?
    /// Whether the push was handled.
    public var success: Bool = false
    /// The request id: set by the server on its pushes, `nil` on unary calls.
    public var requestId: String?
    /// The request headers.
    public var headers: [String: String] = [:]

    /// Creates a request with every field at its default.
    public init() {}

    /// Creates a request with the given fields.
    public init(ackId: String? = nil, success: Bool = false) {
        self.ackId = ackId
        self.success = success
    }

    /// Decodes the request from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.ackId = try container.decodeLenient(String.self, forKey: .ackId)
        self.success = try container.decodeLenient(Bool.self, forKey: .success) ?? false
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the request as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.ackId, forKey: .ackId)
        try container.encode(self.success, forKey: .success)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case ackId
        case success
    }
}
