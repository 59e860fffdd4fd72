public import NacosRemote

/// Registers or deregisters one persistent instance, kept until deregistered and health-checked by the server (reference §3.3).
public struct PersistentInstanceRequest: InstanceOperationRequest, Equatable {
    /// The payload type name, `"PersistentInstanceRequest"`.
    public static let typeName = "PersistentInstanceRequest"
    /// The module written to the body, `naming`.
    public static let module = NacosRequestModule.naming

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
