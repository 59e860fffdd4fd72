import NacosRemote

/// The answer to `InstanceRequest` and `PersistentInstanceRequest`.
public struct InstanceResponse: TypedOperationResponse, Equatable {
    /// The payload type name, `"InstanceResponse"`.
    public static let typeName = "InstanceResponse"

    /// The operation answered (`registerInstance`, `deregisterInstance`).
    public var type: String?
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
