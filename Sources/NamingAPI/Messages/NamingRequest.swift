public import NacosRemote

/// A request of the `naming` module: every one names a service by namespace, group and ungrouped name
/// (Java's `AbstractNamingRequest`).
public protocol NamingRequest: NacosRequest {
    /// The namespace, or `nil`.
    var namespace: String? { get set }
    /// The service name without the group, or `nil`.
    var serviceName: String? { get set }
    /// The group, or `nil`.
    var groupName: String? { get set }
}

extension NamingRequest {
    /// The namespace with a blank value read as `public`.
    public var effectiveNamespace: String { NamingDefaults.namespace(self.namespace) }

    /// The group with a blank value read as `DEFAULT_GROUP`.
    public var effectiveGroupName: String { NamingDefaults.group(self.groupName) }

    /// `group@@service`, with a blank group read as `DEFAULT_GROUP`.
    public var groupedServiceName: String {
        NamingDefaults.groupedName(service: self.serviceName ?? "", group: self.effectiveGroupName)
    }
}
