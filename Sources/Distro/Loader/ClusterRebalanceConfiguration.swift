/// The automatic rebalance of SDK connections across members (off by default; Nacos has only the manual
/// `smartReloadCluster`).
///
/// Every `checkInterval` a node reads every member's SDK connection count; when its own share stays above
/// average × (1 + `factor`) for `sustainedChecks` checks in a row, it moves the excess to the least
/// loaded member with ConnectResetRequests, as `smartReloadCluster` would.
public struct ClusterRebalanceConfiguration: Sendable, Hashable {
    /// Whether the automatic mode runs.
    public var enabled = false
    /// How far above the average a node may sit before it sheds connections (`loaderFactor`, 0.1).
    public var factor = 0.1
    /// How often the loads are read.
    public var checkInterval: Duration = .seconds(10)
    /// How many consecutive checks must find this node over the threshold before it acts.
    public var sustainedChecks = 6
    /// How long each member may take to answer a load request.
    public var loaderTimeout: Duration = .milliseconds(500)

    /// Creates the defaults (disabled).
    public init() {}
}
