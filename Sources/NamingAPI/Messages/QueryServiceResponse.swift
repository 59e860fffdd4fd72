import NacosRemote

/// The answer to `ServiceQueryRequest` (note Nacos's word order).
public struct QueryServiceResponse: ServiceInfoResponse, Equatable {
    /// The payload type name, `"QueryServiceResponse"`.
    public static let typeName = "QueryServiceResponse"

    /// The service data.
    public var serviceInfo: ServiceInfo?
    /// 200 on success, 500 on failure.
    public var resultCode: Int = NacosResponseCode.success
    /// The Nacos error code of a failure; 0 on success.
    public var errorCode: Int = 0
    /// A failure explanation, or `nil`.
    public var message: String?
    /// The id of the server push this response answers, or `nil`.
    public var requestId: String?

    /// Creates a successful response with every field at its default.
    public init() {}
}
