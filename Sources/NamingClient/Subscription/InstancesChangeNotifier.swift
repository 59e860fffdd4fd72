package import NacosNamingAPI
import Synchronization

/// The listeners of subscribed services and what each was last told (Java's `InstancesChangeNotifier`
/// with 2.4's per-listener selectors): a listener hears the first data of its service and then only
/// changes of its clusters' instance set, in order.
///
/// The notifier keeps the newest data of every service it was given (also while events are held back),
/// so a new listener starts from it and held-back changes can be delivered later.
package final class InstancesChangeNotifier: Sendable {
    private struct Listener {
        let subscription: NamingSubscription
        let sink: AsyncStream<NamingEvent>.Continuation
        /// The instance set last delivered; `nil` until the first event.
        var delivered: Set<Instance>?
    }

    private struct State {
        var listeners: [String: [UInt64: Listener]] = [:]
        var latest: [String: ServiceInfo] = [:]
        var nextId: UInt64 = 0
        var finished = false
    }

    private let state = Mutex(State())

    /// Creates a notifier without listeners.
    package init() {}

    /// A fresh subscription id.
    package func nextSubscriptionId() -> UInt64 {
        self.state.withLock { state in
            state.nextId += 1
            return state.nextId
        }
    }

    /// Adds a listener and, when data of its service is known, tells it at once: from `initial` if given
    /// (failover data), else from the newest data received.
    ///
    /// - Returns: `false` (and finishes `sink`) when the notifier was finished.
    @discardableResult
    package func add(_ subscription: NamingSubscription, sink: AsyncStream<NamingEvent>.Continuation, initial: ServiceInfo?) -> Bool {
        let key = NamingDefaults.groupedName(service: subscription.serviceName, group: subscription.groupName)
        let added = self.state.withLock { state -> Bool in
            guard !state.finished else { return false }
            var listener = Listener(subscription: subscription, sink: sink, delivered: nil)
            if let info = initial ?? state.latest[key] {
                Self.tell(&listener, info)
            }
            state.listeners[key, default: [:]][subscription.id] = listener
            return true
        }
        if !added { sink.finish() }
        return added
    }

    /// Removes a listener and ends its events.
    ///
    /// - Returns: how many listeners of its service remain, or `nil` when it was not subscribed.
    package func remove(_ subscription: NamingSubscription) -> Int? {
        let key = NamingDefaults.groupedName(service: subscription.serviceName, group: subscription.groupName)
        let removed = self.state.withLock { state -> (Listener, Int)? in
            guard let listener = state.listeners[key]?.removeValue(forKey: subscription.id) else { return nil }
            let remaining = state.listeners[key]?.count ?? 0
            if remaining == 0 { state.listeners[key] = nil }
            return (listener, remaining)
        }
        guard let (listener, remaining) = removed else { return nil }
        listener.sink.finish()
        return remaining
    }

    /// Removes every listener of the service whose clusters are `clusters` (in any order).
    ///
    /// - Returns: the removed subscriptions and how many listeners of the service remain.
    package func removeAll(serviceName: String, groupName: String, clusters: [String]) -> (removed: [NamingSubscription], remaining: Int) {
        let key = NamingDefaults.groupedName(service: serviceName, group: groupName)
        let wanted = Set(clusters)
        let (removed, remaining) = self.state.withLock { state -> ([Listener], Int) in
            guard let listeners = state.listeners[key] else { return ([], 0) }
            let matching = listeners.values.filter { Set($0.subscription.clusters) == wanted }
            for listener in matching { state.listeners[key]?[listener.subscription.id] = nil }
            let remaining = state.listeners[key]?.count ?? 0
            if remaining == 0 { state.listeners[key] = nil }
            return (matching, remaining)
        }
        for listener in removed { listener.sink.finish() }
        return (removed.map(\.subscription).sorted { $0.id < $1.id }, remaining)
    }

    /// How many listeners a service (by grouped name) has.
    package func listenerCount(forKey key: String) -> Int {
        self.state.withLock { $0.listeners[key]?.count ?? 0 }
    }

    /// The newest data received for a service (by grouped name).
    package func latest(forKey key: String) -> ServiceInfo? {
        self.state.withLock { $0.latest[key] }
    }

    /// Takes new data of a service: keeps it as the newest unless older data than what it has, and, when
    /// `notify` is true, tells every listener whose instance set changed.
    package func receive(_ info: ServiceInfo, notify: Bool) {
        let key = info.groupedName
        self.state.withLock { state in
            guard !state.finished else { return }
            if let latest = state.latest[key], latest.lastRefTime > info.lastRefTime { return }
            state.latest[key] = info
            guard notify, let listeners = state.listeners[key] else { return }
            state.listeners[key] = Self.tell(listeners, info)
        }
    }

    /// Tells every listener the newest data of its service where it differs from what it last heard
    /// (after failover ends).
    package func notifyAll() {
        self.state.withLock { state in
            guard !state.finished else { return }
            for (key, listeners) in state.listeners {
                guard let info = state.latest[key] else { continue }
                state.listeners[key] = Self.tell(listeners, info)
            }
        }
    }

    /// Ends every listener's events; later listeners are refused.
    package func finishAll() {
        let listeners = self.state.withLock { state -> [Listener] in
            state.finished = true
            defer { state.listeners = [:] }
            return state.listeners.values.flatMap(\.values)
        }
        for listener in listeners { listener.sink.finish() }
    }

    /// `listeners` after telling each of them `info`.
    private static func tell(_ listeners: [UInt64: Listener], _ info: ServiceInfo) -> [UInt64: Listener] {
        var result = listeners
        for (id, var listener) in listeners {
            Self.tell(&listener, info)
            result[id] = listener
        }
        return result
    }

    /// Yields an event to `listener` when its clusters' instance set differs from what it last heard.
    private static func tell(_ listener: inout Listener, _ info: ServiceInfo) {
        let subscription = listener.subscription
        let instances = InstanceFilter.instances(info.instances, inClusters: subscription.clusters)
        let set = Set(instances)
        guard listener.delivered != set else { return }
        listener.delivered = set
        listener.sink.yield(
            NamingEvent(serviceName: subscription.serviceName, groupName: subscription.groupName, clusters: subscription.clusters, instances: instances)
        )
    }
}
