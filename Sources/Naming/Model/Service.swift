import NacosNamingAPI

/// A service's identity in the registry: namespace, group and name, plus whether it holds ephemeral or
/// persistent instances (reference §6.1).
///
/// Equality and hashing use namespace, group and name only, as in Nacos, so a lookup never depends on
/// the `ephemeral` flag; `ServiceManager` keeps the one singleton per key and its revision.
public struct Service: Sendable, Hashable, CustomStringConvertible {
    /// The namespace (`public` when none was given).
    public let namespace: String
    /// The group (`DEFAULT_GROUP` when none was given).
    public let group: String
    /// The service name, without the group.
    public let name: String
    /// Whether the service holds ephemeral instances; fixed when the service is first created.
    public let ephemeral: Bool

    /// Creates a service key; blank namespace and group take their defaults.
    public init(namespace: String?, group: String?, name: String, ephemeral: Bool = true) {
        self.namespace = NamingDefaults.namespace(namespace)
        self.group = NamingDefaults.group(group)
        self.name = name
        self.ephemeral = ephemeral
    }

    /// `group@@name`.
    public var groupedServiceName: String { NamingDefaults.groupedName(service: self.name, group: self.group) }

    /// This service with another `ephemeral` flag.
    public func withEphemeral(_ ephemeral: Bool) -> Service {
        Service(namespace: self.namespace, group: self.group, name: self.name, ephemeral: ephemeral)
    }

    /// Whether two services have the same namespace, group and name.
    public static func == (left: Service, right: Service) -> Bool {
        left.name == right.name && left.group == right.group && left.namespace == right.namespace
    }

    /// Hashes namespace, group and name.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.namespace)
        hasher.combine(self.group)
        hasher.combine(self.name)
    }

    /// `Service{namespace='…', group='…', name='…', ephemeral=…}`.
    public var description: String {
        "Service{namespace='\(self.namespace)', group='\(self.group)', name='\(self.name)', ephemeral=\(self.ephemeral)}"
    }
}
