/// A server push probing a connection that has been idle for the keep-alive time (no fields).
public struct ClientDetectionRequest: NacosCommonFieldsRequest, Equatable {
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
}
