import Synchronization

/// The mutable state every client kind shares (Nacos's `AbstractClient`): one publication per service,
/// one subscriber record per service, the last-updated time and the revision, behind one lock.
public final class ClientStorage: Sendable {
    private struct State {
        var publishers: [Service: PublishedInstances] = [:]
        var subscribers: [Service: Subscriber] = [:]
        var lastUpdatedTime: Int64
        var lastRenewTime: Int64
        var revision: Int64 = 0
    }

    private let state: Mutex<State>

    /// Creates empty storage stamped `now`.
    public init(now: Int64) {
        self.state = Mutex(State(lastUpdatedTime: now, lastRenewTime: now))
    }

    /// Stores `publication` for `service`, replacing the previous one; returns the replaced publication.
    @discardableResult
    public func publish(_ publication: PublishedInstances, for service: Service, now: Int64, bumpRevision: Bool) -> PublishedInstances? {
        self.state.withLock { state in
            let old = state.publishers.updateValue(publication, forKey: service)
            state.lastUpdatedTime = now
            if bumpRevision { state.revision &+= 1 }
            return old
        }
    }

    /// Removes the publication for `service`; returns it, or `nil` when there was none.
    @discardableResult
    public func unpublish(_ service: Service, now: Int64, bumpRevision: Bool) -> PublishedInstances? {
        self.state.withLock { state in
            guard let old = state.publishers.removeValue(forKey: service) else { return nil }
            state.lastUpdatedTime = now
            if bumpRevision { state.revision &+= 1 }
            return old
        }
    }

    /// Applies `transform` to the publication of `service` under the lock; returns whether it existed.
    @discardableResult
    public func updatePublication(
        of service: Service,
        _ transform: (inout PublishedInstances) -> Void
    ) -> Bool {
        self.state.withLock { state in
            guard var publication = state.publishers[service] else { return false }
            transform(&publication)
            state.publishers[service] = publication
            return true
        }
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
        self.state.withLock { state in
            state.lastUpdatedTime = now
            return state.subscribers.updateValue(subscriber, forKey: service) == nil
        }
    }

    /// Removes the subscription to `service`; returns whether there was one.
    @discardableResult
    public func unsubscribe(_ service: Service, now: Int64) -> Bool {
        self.state.withLock { state in
            state.lastUpdatedTime = now
            return state.subscribers.removeValue(forKey: service) != nil
        }
    }

    /// The subscriber record for `service`, or `nil`.
    public func subscriber(of service: Service) -> Subscriber? {
        self.state.withLock { $0.subscribers[service] }
    }

    /// The services this client subscribes to.
    public var subscribedServices: [Service] { self.state.withLock { Array($0.subscribers.keys) } }

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
