/// A server push probing a connection that has been idle for the keep-alive time (no fields).
public struct ClientDetectionRequest: NacosRequest, Equatable {
    /// The payload type name, `"ClientDetectionRequest"`.
    public static let typeName = "ClientDetectionRequest"
    /// The module written to the body, `internal`.
    public static let module = NacosRequestModule.internal

    /// The request id: set by the server on its pushes, `nil` on unary calls.
    public var requestId: String?
    /// The request headers.
    public var headers: [String: String] = [:]

    /// Creates a request with every field at its default.
    public init() {}

    /// Decodes the request from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the request as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        try self.encodeCommonFields(to: encoder)
    }
}
