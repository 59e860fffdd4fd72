import Synchronization

/// The mutable state every client kind shares (Nacos's `AbstractClient`): one publication per service,
/// one subscriber record per service, the last-updated time and the revision, behind one lock.
///
/// Every change to the number of instances or subscriptions is added to `counters` until `release()`,
/// as Nacos's `AbstractClient` keeps its metrics.
public final class ClientStorage: Sendable {
    private struct State {
        var publishers: [Service: PublishedInstances] = [:]
        var subscribers: [Service: Subscriber] = [:]
        var lastUpdatedTime: Int64
        var lastRenewTime: Int64
        var revision: Int64 = 0
        var instanceCount = 0
        var released = false
    }

    private let state: Mutex<State>
    private let counters: ClientCounters?

    /// Creates empty storage stamped `now` whose changes are counted in `counters`.
    public init(now: Int64, counters: ClientCounters? = nil) {
        self.state = Mutex(State(lastUpdatedTime: now, lastRenewTime: now))
        self.counters = counters
    }

    /// Stores `publication` for `service`, replacing the previous one; returns the replaced publication.
    @discardableResult
    public func publish(_ publication: PublishedInstances, for service: Service, now: Int64, bumpRevision: Bool) -> PublishedInstances? {
        let (old, delta) = self.state.withLock { state -> (PublishedInstances?, Int) in
            let old = state.publishers.updateValue(publication, forKey: service)
            state.lastUpdatedTime = now
            if bumpRevision { state.revision &+= 1 }
            let delta = publication.count - (old?.count ?? 0)
            state.instanceCount += delta
            return (old, state.released ? 0 : delta)
        }
        self.counters?.addInstances(delta)
        return old
    }

    /// Removes the publication for `service`; returns it, or `nil` when there was none.
    @discardableResult
    public func unpublish(_ service: Service, now: Int64, bumpRevision: Bool) -> PublishedInstances? {
        let (old, delta) = self.state.withLock { state -> (PublishedInstances?, Int) in
            guard let old = state.publishers.removeValue(forKey: service) else { return (nil, 0) }
            state.lastUpdatedTime = now
            if bumpRevision { state.revision &+= 1 }
            state.instanceCount -= old.count
            return (old, state.released ? 0 : -old.count)
        }
        self.counters?.addInstances(delta)
        return old
    }

    /// Applies `transform` to the publication of `service` under the lock; returns whether it existed.
    @discardableResult
    public func updatePublication(
        of service: Service,
        _ transform: (inout PublishedInstances) -> Void
    ) -> Bool {
        let (found, delta) = self.state.withLock { state -> (Bool, Int) in
            guard var publication = state.publishers[service] else { return (false, 0) }
            let before = publication.count
            transform(&publication)
            state.publishers[service] = publication
            let delta = publication.count - before
            state.instanceCount += delta
            return (true, state.released ? 0 : delta)
        }
        self.counters?.addInstances(delta)
        return found
    }

    /// The publication for `service`, or `nil`.
    public func publication(of service: Service) -> PublishedInstances? {
        self.state.withLock { $0.publishers[service] }
    }

    /// Every published service and its publication.
    public var publications: [Service: PublishedInstances] { self.state.withLock { $0.publishers } }

    /// The services this client publishes.
    public var publishedServices: [Service] { self.state.withLock { Array($0.publishers.keys) } }

    /// Records `subscriber` for `service`; returns whether the client was not subscribed before.
    @discardableResult
    public func subscribe(_ subscriber: Subscriber, to service: Service, now: Int64) -> Bool {
        let added = self.state.withLock { state -> (first: Bool, counted: Bool) in
            state.lastUpdatedTime = now
            let first = state.subscribers.updateValue(subscriber, forKey: service) == nil
            return (first, first && !state.released)
        }
        if added.counted { self.counters?.addSubscriptions(1) }
        return added.first
    }

    /// Removes the subscription to `service`; returns whether there was one.
    @discardableResult
    public func unsubscribe(_ service: Service, now: Int64) -> Bool {
        let removed = self.state.withLock { state -> (found: Bool, counted: Bool) in
            state.lastUpdatedTime = now
            let found = state.subscribers.removeValue(forKey: service) != nil
            return (found, found && !state.released)
        }
        if removed.counted { self.counters?.addSubscriptions(-1) }
        return removed.found
    }

    /// The subscriber record for `service`, or `nil`.
    public func subscriber(of service: Service) -> Subscriber? {
        self.state.withLock { $0.subscribers[service] }
    }

    /// The services this client subscribes to.
    public var subscribedServices: [Service] { self.state.withLock { Array($0.subscribers.keys) } }

    /// How many instances the client publishes over all services.
    public var instanceCount: Int { self.state.withLock { $0.instanceCount } }

    /// How many services the client subscribes to.
    public var subscriptionCount: Int { self.state.withLock { $0.subscribers.count } }

    /// Takes the client's instances and subscriptions out of its counters (the client was removed); later
    /// changes are no longer counted. Calling it again does nothing.
    public func release() {
        let counts = self.state.withLock { state -> (instances: Int, subscriptions: Int)? in
            guard !state.released else { return nil }
            state.released = true
            return (state.instanceCount, state.subscribers.count)
        }
        guard let counts else { return }
        self.counters?.addInstances(-counts.instances)
        self.counters?.addSubscriptions(-counts.subscriptions)
    }

    /// Whether the client publishes nothing.
    public var hasNoPublications: Bool { self.state.withLock { $0.publishers.isEmpty } }

    /// Whether the client subscribes to nothing.
    public var hasNoSubscriptions: Bool { self.state.withLock { $0.subscribers.isEmpty } }

    /// When the client last changed or was renewed, in epoch milliseconds.
    public var lastUpdatedTime: Int64 { self.state.withLock { $0.lastUpdatedTime } }

    /// Sets `lastUpdatedTime` (beats, re-subscriptions, verification by peers).
    public func touch(now: Int64) {
        self.state.withLock { $0.lastUpdatedTime = now }
    }

    /// Sets the beat time of every published instance and the last-updated time to `now` (a peer that is
    /// responsible for this ip:port client verified it, as Nacos's `EphemeralIpPortClientManager.verifyClient`).
    public func renewInstances(now: Int64) {
        self.state.withLock { state in
            state.lastUpdatedTime = now
            state.publishers = state.publishers.mapValues { $0.mapInstances { $0.lastHeartBeatTime = now } }
        }
    }

    /// When a peer last renewed this (synced) client, in epoch milliseconds.
    public var lastRenewTime: Int64 { self.state.withLock { $0.lastRenewTime } }

    /// Sets `lastRenewTime`.
    public func renew(now: Int64) {
        self.state.withLock { $0.lastRenewTime = now }
    }

    /// The client's revision: +1 per change for connection clients, a content hash for ip:port clients.
    public var revision: Int64 {
        get { self.state.withLock { $0.revision } }
    }

    /// Sets the revision (peers' revisions arrive with Distro data).
    public func setRevision(_ revision: Int64) {
        self.state.withLock { $0.revision = revision }
    }
}
