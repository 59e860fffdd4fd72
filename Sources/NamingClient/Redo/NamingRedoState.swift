package import NacosNamingAPI

/// The client's registrations and subscriptions with the flags that say what must be re-sent (Java's
/// `NamingGrpcRedoService`, reference §8.4), as a plain state machine: the `NamingService` shell records
/// what it sends and what the server acknowledged, tells it about connects and disconnects, and asks it
/// for the redo work to do.
///
/// Every connection has an epoch. An acknowledgement is recorded only for the epoch the request was sent
/// in, so an answer that arrives after its connection was lost cannot hide a needed re-registration.
package struct NamingRedoState: Sendable {
    /// Registrations keyed by grouped service name: one per service, as the server keeps one per connection.
    package private(set) var instances: [String: InstanceRedoData] = [:]
    /// Subscriptions keyed by `group@@service@@clusters`.
    package private(set) var subscribers: [String: SubscriberRedoData] = [:]
    /// Whether the client is connected.
    package private(set) var isConnected = false
    /// The number of the current connection; it changes on every disconnect.
    package private(set) var epoch: UInt64 = 0

    /// Creates an empty, disconnected state.
    package init() {}

    // MARK: - Connection

    /// A connection was set up: redo may run.
    package mutating func onConnected() {
        self.isConnected = true
    }

    /// The connection was lost: nothing is registered on the server any more, so every record is marked
    /// unregistered (and will be re-sent or removed).
    package mutating func onDisconnected() {
        self.isConnected = false
        self.epoch &+= 1
        for key in self.instances.keys { self.instances[key]?.flags.registered = false }
        for key in self.subscribers.keys { self.subscribers[key]?.flags.registered = false }
    }

    // MARK: - Instances

    /// Records that one instance is about to be registered for the service (replacing any earlier record).
    package mutating func cacheInstanceForRedo(serviceName: String, groupName: String, instance: Instance) {
        let data = InstanceRedoData(serviceName: serviceName, groupName: groupName, registration: .single(instance))
        self.instances[data.key] = data
    }

    /// Records that a list of instances is about to be batch-registered for the service.
    package mutating func cacheBatchInstancesForRedo(serviceName: String, groupName: String, instances: [Instance]) {
        let data = InstanceRedoData(serviceName: serviceName, groupName: groupName, registration: .batch(instances))
        self.instances[data.key] = data
    }

    /// Records the server's acknowledgement of the registration, if it was sent in the current `epoch`.
    package mutating func instanceRegistered(key: String, epoch: UInt64) {
        guard epoch == self.epoch else { return }
        self.instances[key]?.flags.registered = true
    }

    /// Records that the registration is being withdrawn.
    package mutating func instanceDeregister(key: String) {
        self.instances[key]?.flags.unregistering = true
        self.instances[key]?.flags.expectedRegistered = false
    }

    /// Records the server's acknowledgement of the deregistration.
    package mutating func instanceDeregistered(key: String) {
        self.instances[key]?.flags.registered = false
    }

    /// Forgets the record unless it is expected again (a new registration arrived meanwhile).
    package mutating func removeInstanceForRedo(key: String) {
        guard let data = self.instances[key], !data.flags.expectedRegistered else { return }
        self.instances[key] = nil
    }

    /// Puts back the record a refused registration replaced (or forgets the key when there was none).
    package mutating func restoreInstanceForRedo(key: String, _ previous: InstanceRedoData?) {
        self.instances[key] = previous
    }

    /// The registration record of a service.
    package func instanceRedoData(serviceName: String, groupName: String) -> InstanceRedoData? {
        self.instances[NamingDefaults.groupedName(service: serviceName, group: groupName)]
    }

    // MARK: - Subscribers

    /// Records a subscription about to be sent; an existing record becomes expected again and keeps its
    /// `registered` flag, so a subscription the server has is not re-sent.
    package mutating func cacheSubscriberForRedo(serviceName: String, groupName: String, clusters: String) {
        let key = SubscriberRedoData.key(serviceName: serviceName, groupName: groupName, clusters: clusters)
        if var existing = self.subscribers[key] {
            existing.flags.expectedRegistered = true
            existing.flags.unregistering = false
            self.subscribers[key] = existing
        } else {
            self.subscribers[key] = SubscriberRedoData(serviceName: serviceName, groupName: groupName, clusters: clusters)
        }
    }

    /// Records the server's acknowledgement of the subscription, if it was sent in the current `epoch`.
    package mutating func subscriberRegistered(key: String, epoch: UInt64) {
        guard epoch == self.epoch else { return }
        self.subscribers[key]?.flags.registered = true
    }

    /// Records that the subscription is being withdrawn.
    package mutating func subscriberDeregister(key: String) {
        self.subscribers[key]?.flags.unregistering = true
        self.subscribers[key]?.flags.expectedRegistered = false
    }

    /// Records the server's acknowledgement of the unsubscription.
    package mutating func subscriberDeregistered(key: String) {
        self.subscribers[key]?.flags.registered = false
    }

    /// Forgets the subscription unless it is expected again.
    package mutating func removeSubscriberForRedo(key: String) {
        guard let data = self.subscribers[key], !data.flags.expectedRegistered else { return }
        self.subscribers[key] = nil
    }

    /// Whether the server acknowledged the subscription on the current connection (Java's `isSubscriberRegistered`).
    package func isSubscriberRegistered(key: String) -> Bool {
        self.subscribers[key]?.flags.registered ?? false
    }

    // MARK: - Redo

    /// The work the redo task has to do: every record whose redo type is not NONE, registrations first.
    /// Nothing while disconnected, as requests could not be sent anyway.
    package func pendingTasks() -> [NamingRedoTask] {
        guard self.isConnected else { return [] }
        var tasks: [NamingRedoTask] = []
        for (key, data) in self.instances.sorted(by: { $0.key < $1.key }) where data.flags.redoType != .none {
            tasks.append(.instance(key: key, type: data.flags.redoType))
        }
        for (key, data) in self.subscribers.sorted(by: { $0.key < $1.key }) where data.flags.redoType != .none {
            tasks.append(.subscriber(key: key, type: data.flags.redoType))
        }
        return tasks
    }
}
