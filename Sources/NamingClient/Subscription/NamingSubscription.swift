/// The handle of one listener added with `NamingService.subscribe`; pass it to `unsubscribe(_:)`.
public struct NamingSubscription: Sendable, Hashable {
    /// A number unique within the service that created the subscription.
    public let id: UInt64
    /// The service name, without the group.
    public let serviceName: String
    /// The group.
    public let groupName: String
    /// The clusters the listener receives; empty means all.
    public let clusters: [String]

    /// Creates a handle (the service does this).
    package init(id: UInt64, serviceName: String, groupName: String, clusters: [String]) {
        self.id = id
        self.serviceName = serviceName
        self.groupName = groupName
        self.clusters = clusters
    }
}
