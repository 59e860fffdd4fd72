import NacosRemote

/// Decides when this node sheds SDK connections (the automatic mode of `ClusterRebalanceConfiguration`),
/// as a pure value fed each check's member loads.
///
/// A check counts as overloaded when at least two members answered and this node's SDK connections exceed
/// average × (1 + factor), the average taken over the members that answered. After `sustainedChecks`
/// overloaded checks in a row it decides to keep `Int(average × (1 + factor))` and to point the rest at
/// the least loaded member, and starts counting again. Any other check, or a gap of more than two check
/// intervals since the previous one, resets the count.
public struct AutoRebalanceStateMachine: Sendable {
    /// The factor, interval and sustain count.
    public let configuration: ClusterRebalanceConfiguration
    /// Overloaded checks in a row so far.
    public private(set) var consecutiveOverloadedChecks = 0
    private var lastCheck: Int64?
    private let factor: Double
    private let sustainedChecks: Int
    private let maxGap: Int64

    /// Creates a machine with no checks counted. A negative or NaN factor counts as 0, a sustain count
    /// below 1 as 1.
    public init(configuration: ClusterRebalanceConfiguration) {
        self.configuration = configuration
        self.factor = configuration.factor.isNaN ? 0 : max(0, configuration.factor)
        self.sustainedChecks = max(1, configuration.sustainedChecks)
        self.maxGap = 2 * max(1, configuration.checkInterval.wholeMilliseconds)
    }

    /// Records one check of `loads` (one per member that answered, `selfAddress`'s among them) made at
    /// `now`, and returns a decision when this node has been overloaded for `sustainedChecks` checks in a row.
    public mutating func check(loads: [ClusterMemberLoad], selfAddress: String, now: Int64) -> RebalanceDecision? {
        if let last = self.lastCheck, now - last > self.maxGap {
            self.consecutiveOverloadedChecks = 0
        }
        self.lastCheck = now
        var byAddress: [String: Int] = [:]
        for load in loads { byAddress[load.address] = load.sdkConnectionCount }
        guard byAddress.count >= 2, let own = byAddress[selfAddress] else {
            self.consecutiveOverloadedChecks = 0
            return nil
        }
        let average = byAddress.values.reduce(0.0) { $0 + Double($1) } / Double(byAddress.count)
        let threshold = average * (1 + self.factor)
        guard Double(own) > threshold else {
            self.consecutiveOverloadedChecks = 0
            return nil
        }
        self.consecutiveOverloadedChecks += 1
        guard self.consecutiveOverloadedChecks >= self.sustainedChecks else { return nil }
        self.consecutiveOverloadedChecks = 0
        let target = byAddress
            .filter { $0.key != selfAddress }
            .min { ($0.value, $0.key) < ($1.value, $1.key) }
        guard let target else { return nil }
        return RebalanceDecision(keep: Int(threshold), redirectTo: target.key, current: own)
    }
}
