/// A server push asking the client to reconnect, to the given server when it is in the client's list.
public struct ConnectResetRequest: NacosRequest, Equatable {
    /// The payload type name, `"ConnectResetRequest"`.
    public static let typeName = "ConnectResetRequest"
    /// The module written to the body, `internal`.
    public static let module = NacosRequestModule.internal

    /// The server to move to, or `nil`/blank for the next server in the client's list.
    public var serverIp: String?
    /// The target server's HTTP main port, as a string (the client adds the gRPC offset).
    public var serverPort: String?
    /// The id of the connection being reset.
    public var connectionId: String?
    /// The request id: set by the server on its pushes, `nil` on unary calls.
    public var requestId: String?
    /// The request headers.
    public var headers: [String: String] = [:]

    /// Creates a request with every field at its default.
    public init() {}

    /// Creates a request with the given fields.
    public init(serverIp: String? = nil, serverPort: String? = nil, connectionId: String? = nil) {
        self.serverIp = serverIp
        self.serverPort = serverPort
        self.connectionId = connectionId
    }

    /// Decodes the request from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.serverIp = try container.decodeLenient(String.self, forKey: .serverIp)
        self.serverPort = try container.decodeLenient(String.self, forKey: .serverPort)
        self.connectionId = try container.decodeLenient(String.self, forKey: .connectionId)
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the request as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.serverIp, forKey: .serverIp)
        try container.encodeIfPresent(self.serverPort, forKey: .serverPort)
        try container.encodeIfPresent(self.connectionId, forKey: .connectionId)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case serverIp
        case serverPort
        case connectionId
    }
}
