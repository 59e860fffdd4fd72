import NacosRemote

/// The answer to `SubscribeServiceRequest`: the service's current data.
public struct SubscribeServiceResponse: ServiceInfoResponse, Equatable {
    /// The payload type name, `"SubscribeServiceResponse"`.
    public static let typeName = "SubscribeServiceResponse"

    /// The service data, filtered by the subscribed clusters.
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
