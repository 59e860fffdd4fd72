import Synchronization

/// Running totals of the instances and subscriptions of a group of clients (one client manager, or one
/// kind of client in it), kept by each client's `ClientStorage` as it changes, so metrics never scan.
public final class ClientCounters: Sendable {
    private let instances = Atomic<Int>(0)
    private let subscriptions = Atomic<Int>(0)

    /// Creates zeroed counters.
    public init() {}

    /// Instances published by the group's clients.
    public var instanceCount: Int { self.instances.load(ordering: .relaxed) }

    /// Subscriptions of the group's clients.
    public var subscriptionCount: Int { self.subscriptions.load(ordering: .relaxed) }

    /// Adds `delta` instances.
    func addInstances(_ delta: Int) {
        if delta != 0 { self.instances.add(delta, ordering: .relaxed) }
    }

    /// Adds `delta` subscriptions.
    func addSubscriptions(_ delta: Int) {
        if delta != 0 { self.subscriptions.add(delta, ordering: .relaxed) }
    }
}
