/// The first request on a new connection: asks the server for the connection's id (unary, no fields).
public struct ServerCheckRequest: NacosCommonFieldsRequest, Equatable {
    /// The payload type name, `"ServerCheckRequest"`.
    public static let typeName = "ServerCheckRequest"
    /// The module written to the body, `internal`.
    public static let module = NacosRequestModule.internal

    /// The request id: set by the server on its pushes, `nil` on unary calls.
    public var requestId: String?
    /// The request headers.
    public var headers: [String: String] = [:]

    /// Creates a request with every field at its default.
    public init() {}
}
