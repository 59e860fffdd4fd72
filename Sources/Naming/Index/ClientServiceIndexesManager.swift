import Synchronization

/// Which clients publish and which subscribe to each service (Nacos's `ClientServiceIndexesManager`).
///
/// The client operation service updates it in the same step as the client, so a query right after a
/// register sees the instance; the events that Nacos derives from it are published by that service.
public final class ClientServiceIndexesManager: Sendable {
    private struct State {
        var publishers: [Service: Set<String>] = [:]
        var subscribers: [Service: Set<String>] = [:]
    }

    private let state = Mutex(State())

    /// Creates empty indexes.
    public init() {}

    /// Adds `clientId` as a publisher of `service`; returns whether it was not one before.
    @discardableResult
    public func addPublisher(_ clientId: String, of service: Service) -> Bool {
        self.state.withLock { $0.publishers[service, default: []].insert(clientId).inserted }
    }

    /// Removes `clientId` as a publisher of `service`; returns whether it was one. The service's entry stays
    /// (empty) until `removeEmptyPublisherIndex` so that an empty service still lists.
    @discardableResult
    public func removePublisher(_ clientId: String, of service: Service) -> Bool {
        self.state.withLock { $0.publishers[service]?.remove(clientId) != nil }
    }

    /// Adds `clientId` as a subscriber of `service`; returns whether it was not one before.
    @discardableResult
    public func addSubscriber(_ clientId: String, of service: Service) -> Bool {
        self.state.withLock { $0.subscribers[service, default: []].insert(clientId).inserted }
    }

    /// Removes `clientId` as a subscriber of `service`; returns whether it was one.
    @discardableResult
    public func removeSubscriber(_ clientId: String, of service: Service) -> Bool {
        self.state.withLock { state in
            guard state.subscribers[service]?.remove(clientId) != nil else { return false }
            if state.subscribers[service]?.isEmpty == true { state.subscribers[service] = nil }
            return true
        }
    }

    /// The clients publishing `service`.
    public func publishers(of service: Service) -> Set<String> {
        self.state.withLock { $0.publishers[service] ?? [] }
    }

    /// The clients subscribing to `service`.
    public func subscribers(of service: Service) -> Set<String> {
        self.state.withLock { $0.subscribers[service] ?? [] }
    }

    /// Every service with at least one subscriber.
    public var subscribedServices: [Service] { self.state.withLock { Array($0.subscribers.keys) } }

    /// Every service that has a publisher index entry (possibly empty).
    public var publishedServices: [Service] { self.state.withLock { Array($0.publishers.keys) } }

    /// Drops the publisher entry of `service` when it is empty; returns whether it was dropped.
    @discardableResult
    public func removeEmptyPublisherIndex(_ service: Service) -> Bool {
        self.state.withLock { state in
            guard let publishers = state.publishers[service], publishers.isEmpty else { return false }
            state.publishers[service] = nil
            return true
        }
    }
}
