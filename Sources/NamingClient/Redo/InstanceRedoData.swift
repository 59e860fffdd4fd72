package import NacosNamingAPI

/// What the client registered for one service on its connection, kept to be re-sent after a reconnect
/// (Java's `InstanceRedoData` and, for batches, `BatchInstanceRedoData`).
package struct InstanceRedoData: Sendable, Equatable {
    /// What was registered: one instance (InstanceRequest) or a list (BatchInstanceRequest).
    package enum Registration: Sendable, Equatable {
        /// One instance, sent with `InstanceRequest`.
        case single(Instance)
        /// A list of instances, sent with `BatchInstanceRequest`.
        case batch([Instance])
    }

    /// The service name, without the group.
    package let serviceName: String
    /// The group.
    package let groupName: String
    /// The registered instance or instances.
    package var registration: Registration
    /// The record's flags.
    package var flags: NamingRedoFlags

    /// Creates a record that is expected but not yet registered.
    package init(serviceName: String, groupName: String, registration: Registration, flags: NamingRedoFlags = NamingRedoFlags()) {
        self.serviceName = serviceName
        self.groupName = groupName
        self.registration = registration
        self.flags = flags
    }

    /// The key: the grouped service name `group@@service`.
    package var key: String { NamingDefaults.groupedName(service: self.serviceName, group: self.groupName) }

    /// Whether the record is a batch registration.
    package var isBatch: Bool {
        if case .batch = self.registration { return true }
        return false
    }

    /// The registered instances (one for a single registration).
    package var instances: [Instance] {
        switch self.registration {
        case .single(let instance): [instance]
        case .batch(let instances): instances
        }
    }
}
