public import NacosNamingAPI
import NacosRemote
import NacosTransport
import Synchronization

extension NamingService {
    /// Subscribes to the service and calls `listener` with its instances in `clusters` (all when empty):
    /// once with the first data, then after every change of that instance set, one call at a time in order.
    ///
    /// If the server cannot be reached, the subscription is still made once the connection is back.
    ///
    /// - Returns: the handle to pass to `unsubscribe(_:)`.
    /// - Throws: `NacosException`: 400 for an illegal name or cluster, or the server's refusal.
    @discardableResult
    public func subscribe(
        serviceName: String,
        groupName: String = NamingDefaults.group,
        clusters: [String] = [],
        listener: @escaping @Sendable (NamingEvent) -> Void
    ) async throws -> NamingSubscription {
        let (subscription, events) = try await self.openSubscription(
            serviceName: serviceName,
            groupName: groupName,
            clusters: clusters,
            unsubscribeWhenDropped: false
        )
        Task {
            for await event in events { listener(event) }
        }
        return subscription
    }

    /// Subscribes to the service and returns its events as an async sequence, which ends on
    /// `unsubscribe` or `shutdown()`; cancelling the task that iterates it unsubscribes.
    ///
    /// - Throws: `NacosException` as `subscribe(serviceName:groupName:clusters:listener:)`.
    public func subscribe(
        serviceName: String,
        groupName: String = NamingDefaults.group,
        clusters: [String] = []
    ) async throws -> NamingEventStream {
        let (subscription, events) = try await self.openSubscription(
            serviceName: serviceName,
            groupName: groupName,
            clusters: clusters,
            unsubscribeWhenDropped: true
        )
        return NamingEventStream(subscription: subscription, events: events)
    }

    /// Removes one listener; when it was the service's last, the service is unsubscribed on the server.
    public func unsubscribe(_ subscription: NamingSubscription) async {
        guard let remaining = self.notifier.remove(subscription), remaining == 0 else { return }
        await self.unsubscribeService(serviceName: subscription.serviceName, groupName: subscription.groupName)
    }

    /// Removes every listener of the service subscribed with `clusters` (in any order); when none remains,
    /// the service is unsubscribed on the server.
    public func unsubscribe(serviceName: String, groupName: String = NamingDefaults.group, clusters: [String] = []) async {
        let group = NamingClientChecks.groupName(groupName)
        guard let service = try? NamingClientChecks.serviceName(serviceName, groupName: group) else { return }
        let (removed, remaining) = self.notifier.removeAll(
            serviceName: service,
            groupName: group,
            clusters: InstanceFilter.normalizedClusters(clusters)
        )
        guard !removed.isEmpty, remaining == 0 else { return }
        await self.unsubscribeService(serviceName: service, groupName: group)
    }

    // MARK: - Steps

    private func openSubscription(
        serviceName: String,
        groupName: String,
        clusters: [String],
        unsubscribeWhenDropped: Bool
    ) async throws -> (NamingSubscription, AsyncStream<NamingEvent>) {
        let subscription: NamingSubscription
        let events: AsyncStream<NamingEvent>
        do {
            try self.ensureStarted()
            let group = NamingClientChecks.groupName(groupName)
            let service = try NamingClientChecks.serviceName(serviceName, groupName: group)
            let clusters = try NamingClientChecks.clusters(clusters)
            subscription = NamingSubscription(id: self.notifier.nextSubscriptionId(), serviceName: service, groupName: group, clusters: clusters)
            let (stream, sink) = AsyncStream.makeStream(of: NamingEvent.self)
            events = stream
            if unsubscribeWhenDropped {
                sink.onTermination = { [weak self] termination in
                    guard case .cancelled = termination, let self else { return }
                    Task { await self.unsubscribe(subscription) }
                }
            }
            let key = NamingDefaults.groupedName(service: service, group: group)
            let failoverData = self.failover?.serviceInfo(forKey: key)
            guard self.notifier.add(subscription, sink: sink, initial: failoverData) else {
                throw NacosException(.clientDisconnect, "NamingService is shut down")
            }
        } catch {
            throw NamingRequestFailure.publicError(error)
        }
        do {
            _ = try await self.subscribeService(serviceName: subscription.serviceName, groupName: subscription.groupName)
        } catch let failure as NamingRequestFailure where !failure.isRejection {
            self.logger.warning(
                "[naming] subscribing to \(subscription.groupName)@@\(subscription.serviceName) failed; it is made once connected: \(failure)"
            )
        } catch {
            _ = self.notifier.remove(subscription)
            throw NamingRequestFailure.publicError(error)
        }
        return (subscription, events)
    }

    /// Unsubscribes the service on the server unless a listener was added meanwhile; failures are left to redo.
    private func unsubscribeService(serviceName: String, groupName: String) async {
        let key = NamingDefaults.groupedName(service: serviceName, group: groupName)
        let redoKey = SubscriberRedoData.key(serviceName: serviceName, groupName: groupName, clusters: "")
        await self.locks.withLock(Self.subscriberLockKey(redoKey)) {
            guard self.notifier.listenerCount(forKey: key) == 0, self.redo.withLock({ $0.subscribers[redoKey] != nil }) else { return }
            self.redo.withLock { $0.subscriberDeregister(key: redoKey) }
            do {
                _ = try await self.sendSubscribe(serviceName: serviceName, groupName: groupName, subscribe: false)
                self.redo.withLock { state in
                    state.subscriberDeregistered(key: redoKey)
                    state.removeSubscriberForRedo(key: redoKey)
                }
            } catch {
                self.logger.warning("[naming] unsubscribing from \(key) failed; redo retries while connected: \(error)")
            }
        }
    }
}
