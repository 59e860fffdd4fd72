/// The events of one subscription as an async sequence; it ends when the subscription is cancelled with
/// `NamingService.unsubscribe` or the service shuts down, and cancelling its iteration unsubscribes.
public struct NamingEventStream: AsyncSequence, Sendable {
    /// The sequence's element.
    public typealias Element = NamingEvent

    /// The subscription the stream belongs to.
    public let subscription: NamingSubscription
    private let events: AsyncStream<NamingEvent>

    /// Wraps the events of `subscription` (the service does this).
    package init(subscription: NamingSubscription, events: AsyncStream<NamingEvent>) {
        self.subscription = subscription
        self.events = events
    }

    /// Iterates the events in the order they happened.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<NamingEvent>.AsyncIterator

        /// The next event, or `nil` once the subscription ended.
        public mutating func next() async -> NamingEvent? {
            await self.base.next()
        }
    }

    /// Creates the iterator; a stream is meant to be iterated once.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.events.makeAsyncIterator())
    }
}
