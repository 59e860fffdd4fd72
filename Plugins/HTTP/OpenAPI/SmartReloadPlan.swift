/// The pairs `smartReloadCluster` acts on (reference §5.1): members above `avg × (1 + factor)` SDK
/// connections, busiest first, each paired with a member below `avg × (1 − factor)`, idlest first; the
/// busy one is asked to keep `Int(avg × (1 + factor))` and send the rest to its partner.
public struct SmartReloadPlan: Sendable, Equatable {
    /// One reload order.
    public struct Move: Sendable, Equatable {
        /// The member asked to shed connections.
        public var from: String
        /// Where its clients are sent.
        public var to: String
        /// How many SDK connections it keeps.
        public var reloadCount: Int
    }

    /// The orders, in pairing order.
    public var moves: [Move]
    /// The average SDK connection count over the members that answered.
    public var average: Double

    /// Plans the moves for `loads` with `factor` (`loaderFactor`, 0.1 by default).
    public init(loads: [MemberLoad], factor: Double) {
        guard !loads.isEmpty else {
            self.moves = []
            self.average = 0
            return
        }
        let total = loads.reduce(0) { $0 + $1.sdkConnectionCount }
        let average = Double(total) / Double(loads.count)
        let over = loads.filter { Double($0.sdkConnectionCount) > average * (1 + factor) }
            .sorted { $0.sdkConnectionCount > $1.sdkConnectionCount }
        let low = loads.filter { Double($0.sdkConnectionCount) < average * (1 - factor) }
            .sorted { $0.sdkConnectionCount < $1.sdkConnectionCount }
        let keep = Int(average * (1 + factor))
        self.moves = zip(over, low).map { Move(from: $0.address, to: $1.address, reloadCount: keep) }
        self.average = average
    }
}
