/// A server push after `ConnectionSetupRequest` carrying the server's abilities; the client does not answer it.
public struct SetupAckRequest: NacosRequest, Equatable {
    /// The payload type name, `"SetupAckRequest"`.
    public static let typeName = "SetupAckRequest"
    /// The module written to the body, `internal`.
    public static let module = NacosRequestModule.internal

    /// The server's abilities, for example `["supportPersistentInstanceByGrpc": true]`.
    public var abilityTable: [String: Bool]?
    /// The request id: set by the server on its pushes, `nil` on unary calls.
    public var requestId: String?
    /// The request headers.
    public var headers: [String: String] = [:]

    /// Creates a request with every field at its default.
    public init() {}

    /// Creates a request with the given fields.
    public init(abilityTable: [String: Bool]? = nil) {
        self.abilityTable = abilityTable
    }

    /// Decodes the request from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.abilityTable = try container.decodeLenient([String: Bool].self, forKey: .abilityTable)
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the request as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.abilityTable, forKey: .abilityTable)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case abilityTable
    }
}
