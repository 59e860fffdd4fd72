public import NacosTransport
import Synchronization

/// Delivers `RegistryEvent`s to subscribers in publication order, each subscriber on its own task
/// (Nacos's `NotifyCenter`): publishing only appends to each subscriber's queue, so a publisher is never
/// blocked by a subscriber, and a slow subscriber delays only itself.
///
/// Each queue holds up to `capacity` events; beyond that the newest are dropped, counted and logged.
public final class RegistryEventBus: Sendable {
    private struct Subscription {
        let name: String
        let accepts: @Sendable (RegistryEvent) -> Bool
        let continuation: AsyncStream<RegistryEvent>.Continuation
        let task: Task<Void, Never>
    }

    private struct State {
        var subscriptions: [Subscription] = []
        var closed = false
    }

    private let state = Mutex(State())
    private let dropped = Atomic<Int>(0)
    private let capacity: Int
    private let logger: NacosLogger

    /// Creates a bus whose subscriber queues hold up to `capacity` events each.
    public init(capacity: Int = 1_000_000, logger: NacosLogger = NacosLogger(label: "nacos.naming.events")) {
        self.capacity = max(1, capacity)
        self.logger = logger
    }

    /// Adds a subscriber that receives, in order, every event `accepts` lets through.
    public func subscribe(
        name: String,
        accepts: @escaping @Sendable (RegistryEvent) -> Bool = { _ in true },
        _ handler: @escaping @Sendable (RegistryEvent) async -> Void
    ) {
        let (stream, continuation) = AsyncStream<RegistryEvent>.makeStream(bufferingPolicy: .bufferingOldest(self.capacity))
        let task = Task {
            for await event in stream {
                await handler(event)
            }
        }
        let added = self.state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.subscriptions.append(Subscription(name: name, accepts: accepts, continuation: continuation, task: task))
            return true
        }
        if !added {
            continuation.finish()
            task.cancel()
        }
    }

    /// Queues `event` for every subscriber that accepts it; never waits.
    public func publish(_ event: RegistryEvent) {
        let subscriptions = self.state.withLock { $0.subscriptions }
        for subscription in subscriptions where subscription.accepts(event) {
            if case .dropped = subscription.continuation.yield(event) {
                self.dropped.add(1, ordering: .relaxed)
                self.logger.error("event queue of \(subscription.name) is full; dropped \(event)")
            }
        }
    }

    /// How many events were dropped because a subscriber's queue was full.
    public var droppedEventCount: Int { self.dropped.load(ordering: .relaxed) }

    /// Stops every subscriber; events already queued are still delivered, later ones are not.
    public func shutdown() {
        let subscriptions = self.state.withLock { state -> [Subscription] in
            state.closed = true
            defer { state.subscriptions = [] }
            return state.subscriptions
        }
        for subscription in subscriptions { subscription.continuation.finish() }
    }
}
