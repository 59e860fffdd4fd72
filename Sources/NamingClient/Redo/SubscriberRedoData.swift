import NacosNamingAPI

/// A subscription the client made on its connection, kept to be re-sent after a reconnect (Java's
/// `SubscriberRedoData`).
package struct SubscriberRedoData: Sendable, Equatable {
    /// The service name, without the group.
    package let serviceName: String
    /// The group.
    package let groupName: String
    /// The clusters sent in SubscribeServiceRequest (`""`: the SDK filters clusters itself).
    package let clusters: String
    /// The record's flags.
    package var flags: NamingRedoFlags

    /// Creates a record that is expected but not yet registered.
    package init(serviceName: String, groupName: String, clusters: String, flags: NamingRedoFlags = NamingRedoFlags()) {
        self.serviceName = serviceName
        self.groupName = groupName
        self.clusters = clusters
        self.flags = flags
    }

    /// The key `group@@service@@clusters`.
    package var key: String { Self.key(serviceName: self.serviceName, groupName: self.groupName, clusters: self.clusters) }

    /// The key of a subscription: `group@@service@@clusters`.
    package static func key(serviceName: String, groupName: String, clusters: String) -> String {
        NamingDefaults.groupedName(service: serviceName, group: groupName) + NamingDefaults.groupedNameSeparator + clusters
    }
}
