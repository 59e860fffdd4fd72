/// A client's keep-alive after 5 s without successful traffic (unary, no fields).
public struct HealthCheckRequest: NacosCommonFieldsRequest, Equatable {
    /// The payload type name, `"HealthCheckRequest"`.
    public static let typeName = "HealthCheckRequest"
    /// The module written to the body, `internal`.
    public static let module = NacosRequestModule.internal

    /// The request id: set by the server on its pushes, `nil` on unary calls.
    public var requestId: String?
    /// The request headers.
    public var headers: [String: String] = [:]

    /// Creates a request with every field at its default.
    public init() {}
}
