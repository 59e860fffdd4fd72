/// A cluster-only request for a member's connection metrics (no fields).
public struct ServerLoaderInfoRequest: NacosCommonFieldsRequest, Equatable {
    /// The payload type name, `"ServerLoaderInfoRequest"`.
    public static let typeName = "ServerLoaderInfoRequest"
    /// The module written to the body, `internal`.
    public static let module = NacosRequestModule.internal

    /// The request id: set by the server on its pushes, `nil` on unary calls.
    public var requestId: String?
    /// The request headers.
    public var headers: [String: String] = [:]

    /// Creates a request with every field at its default.
    public init() {}
}
