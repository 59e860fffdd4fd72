public import NacosRemote

/// Registers or deregisters one ephemeral instance of the sending connection (reference §3.1).
public struct InstanceRequest: InstanceOperationRequest, Equatable {
    /// The payload type name, `"InstanceRequest"`.
    public static let typeName = "InstanceRequest"
    /// The module written to the body, `naming`.
    public static let module = NacosRequestModule.naming

    /// The `type` that registers the instance.
    public static let registerType = "registerInstance"
    /// The `type` that deregisters the instance.
    public static let deregisterType = "deregisterInstance"

    /// The namespace (blank is read as `public`).
    public var namespace: String?
    /// The service name, without the group.
    public var serviceName: String?
    /// The group (blank is read as `DEFAULT_GROUP`).
    public var groupName: String?
    /// The operation (`registerInstance` or `deregisterInstance`).
    public var type: String?
    /// The instance.
    public var instance: Instance?
    /// The request id: set by the server on its pushes, `nil` on unary calls.
    public var requestId: String?
    /// The request headers.
    public var headers: [String: String] = [:]

    /// Creates a request with every field at its default.
    public init() {}
}
