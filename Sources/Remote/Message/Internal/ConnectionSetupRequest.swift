/// The first message on the bidirectional stream: who the client is; the server registers the connection and sends no response.
///
/// Nacos 2.0–2.2 SDKs and nacos-sdk-rust send an `abilities` object instead of `abilityTable`; it is
/// tolerated and ignored, like every unknown field.
public struct ConnectionSetupRequest: NacosRequest, Equatable {
    /// The payload type name, `"ConnectionSetupRequest"`.
    public static let typeName = "ConnectionSetupRequest"
    /// The module written to the body, `internal`.
    public static let module = NacosRequestModule.internal

    /// The client's version string, for example `Nacos-Java-Client:v2.5.1` or `Nacos-Server:v2.5.1` for peers.
    public var clientVersion: String?
    /// The client's namespace, or `nil`.
    public var tenant: String?
    /// Connection labels: `source` (`sdk` | `cluster`), `module` (`naming`, `config`), `AppName`.
    public var labels: [String: String] = [:]
    /// The client's abilities (2.3+, may be empty); when present the server answers with `SetupAckRequest`.
    public var abilityTable: [String: Bool]?
    /// The request id: set by the server on its pushes, `nil` on unary calls.
    public var requestId: String?
    /// The request headers.
    public var headers: [String: String] = [:]

    /// Creates a request with every field at its default.
    public init() {}

    /// Creates a request with the given fields.
    public init(clientVersion: String? = nil, tenant: String? = nil, labels: [String: String] = [:], abilityTable: [String: Bool]? = nil) {
        self.clientVersion = clientVersion
        self.tenant = tenant
        self.labels = labels
        self.abilityTable = abilityTable
    }

    /// Decodes the request from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.clientVersion = try container.decodeLenient(String.self, forKey: .clientVersion)
        self.tenant = try container.decodeLenient(String.self, forKey: .tenant)
        self.labels = try container.decodeLenient([String: String].self, forKey: .labels) ?? [:]
        self.abilityTable = try container.decodeLenient([String: Bool].self, forKey: .abilityTable)
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the request as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.clientVersion, forKey: .clientVersion)
        try container.encodeIfPresent(self.tenant, forKey: .tenant)
        try container.encode(self.labels, forKey: .labels)
        try container.encodeIfPresent(self.abilityTable, forKey: .abilityTable)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case clientVersion
        case tenant
        case labels
        case abilityTable
    }
}
