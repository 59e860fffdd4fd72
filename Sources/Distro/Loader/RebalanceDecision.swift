/// What the automatic rebalance decided: keep `keep` SDK connections and move the rest to `redirectTo`.
public struct RebalanceDecision: Sendable, Equatable {
    /// The SDK connections this node keeps: `Int(average × (1 + factor))`.
    public var keep: Int
    /// The least loaded member's `ip:port`, where the moved clients are pointed.
    public var redirectTo: String
    /// This node's SDK connections when it decided.
    public var current: Int

    /// Creates a decision.
    public init(keep: Int, redirectTo: String, current: Int) {
        self.keep = keep
        self.redirectTo = redirectTo
        self.current = current
    }

    /// How many connections the decision moves.
    public var excess: Int { max(0, self.current - self.keep) }
}
