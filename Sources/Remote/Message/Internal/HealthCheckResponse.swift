/// The answer to `HealthCheckRequest`; a 301 `ErrorResponse` instead tells the client it is unregistered.
public struct HealthCheckResponse: NacosCommonFieldsResponse, Equatable {
    /// The payload type name, `"HealthCheckResponse"`.
    public static let typeName = "HealthCheckResponse"

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
