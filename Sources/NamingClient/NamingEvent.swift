public import NacosNamingAPI

/// A subscribed service's instances after a change, as one subscriber sees them (Java's `NamingEvent`).
public struct NamingEvent: Sendable, Equatable {
    /// The service name, without the group.
    public var serviceName: String
    /// The group.
    public var groupName: String
    /// The clusters the subscriber asked for; empty means all.
    public var clusters: [String]
    /// The instances of those clusters.
    public var instances: [Instance]

    /// Creates an event.
    public init(serviceName: String, groupName: String, clusters: [String], instances: [Instance]) {
        self.serviceName = serviceName
        self.groupName = groupName
        self.clusters = clusters
        self.instances = instances
    }
}
