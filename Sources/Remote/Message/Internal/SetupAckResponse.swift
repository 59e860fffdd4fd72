/// The (unused) response type registered for `SetupAckRequest`.
public struct SetupAckResponse: NacosCommonFieldsResponse, Equatable {
    /// The payload type name, `"SetupAckResponse"`.
    public static let typeName = "SetupAckResponse"

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
