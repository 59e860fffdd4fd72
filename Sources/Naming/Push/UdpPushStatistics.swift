/// Counts of a `UdpPushExecutor`'s work, for metrics.
public struct UdpPushStatistics: Sendable, Equatable {
    /// Pushes sent (first transmissions).
    public var sent: Int
    /// Retransmissions after an ack timeout.
    public var retransmitted: Int
    /// Pushes acknowledged by their subscriber.
    public var acknowledged: Int
    /// Pushes that failed: no ack after every retransmission, a send error, a full ack table, shutdown.
    public var failed: Int
    /// Datagrams received that matched no pending push (garbage, late or duplicate acks).
    public var ignoredDatagrams: Int
    /// Pushes waiting for their ack now.
    public var pending: Int

    /// Creates a snapshot from its counts.
    public init(sent: Int, retransmitted: Int, acknowledged: Int, failed: Int, ignoredDatagrams: Int, pending: Int) {
        self.sent = sent
        self.retransmitted = retransmitted
        self.acknowledged = acknowledged
        self.failed = failed
        self.ignoredDatagrams = ignoredDatagrams
        self.pending = pending
    }
}
