/// A cluster-only request asking a member to shed SDK connections down to `reloadCount`.
public struct ServerReloadRequest: NacosRequest, Equatable {
    /// The payload type name, `"ServerReloadRequest"`.
    public static let typeName = "ServerReloadRequest"
    /// The module written to the body, `internal`.
    public static let module = NacosRequestModule.internal

    /// The SDK connection count the member should keep.
    public var reloadCount: Int = 0
    /// The `ip:port` to redirect reset clients to, or `nil` for their next server.
    public var reloadServer: String?
    /// The request id: set by the server on its pushes, `nil` on unary calls.
    public var requestId: String?
    /// The request headers.
    public var headers: [String: String] = [:]

    /// Creates a request with every field at its default.
    public init() {}

    /// Creates a request with the given fields.
    public init(reloadCount: Int = 0, reloadServer: String? = nil) {
        self.reloadCount = reloadCount
        self.reloadServer = reloadServer
    }

    /// Decodes the request from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.reloadCount = try container.decodeLenient(Int.self, forKey: .reloadCount) ?? 0
        self.reloadServer = try container.decodeLenient(String.self, forKey: .reloadServer)
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the request as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.reloadCount, forKey: .reloadCount)
        try container.encodeIfPresent(self.reloadServer, forKey: .reloadServer)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case reloadCount
        case reloadServer
    }
}
