/// A snapshot of a `NacosConnectionManager`'s connections: how many are registered per source and module
/// label, and how many were ejected, reset and refused since the manager was created.
///
/// Label values are normalised so that clients cannot add series: the source is `sdk`, `cluster` or
/// `unknown`; the module is one of `knownModules`, `none` when the connection has no module label, or
/// `other`.
public struct NacosConnectionMetrics: Sendable, Equatable {
    /// The module label values counted as themselves (lower-cased); others count as `other`.
    public static let knownModules: Set<String> = ["naming", "config", "internal", "cluster", "lock"]

    /// The source and module labels a connection is counted under.
    public struct Group: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// `sdk`, `cluster` or `unknown`.
        public var source: String
        /// A known module, `none` or `other`.
        public var module: String

        /// Creates a group from label values already normalised.
        public init(source: String, module: String) {
            self.source = source
            self.module = module
        }

        /// The group of a connection described by `meta`.
        public init(meta: NacosConnectionMeta) {
            if meta.isSdkSource {
                self.source = "sdk"
            } else if meta.isClusterSource {
                self.source = "cluster"
            } else {
                self.source = "unknown"
            }
            if let module = meta.label(NacosConnectionMeta.moduleLabel) {
                let lowered = module.lowercased()
                self.module = NacosConnectionMetrics.knownModules.contains(lowered) ? lowered : "other"
            } else {
                self.module = "none"
            }
        }

        /// Ordered by source, then module.
        public static func < (lhs: Group, rhs: Group) -> Bool {
            (lhs.source, lhs.module) < (rhs.source, rhs.module)
        }

        /// `source/module`.
        public var description: String { "\(self.source)/\(self.module)" }
    }

    /// The registered connections per group; groups without connections are absent.
    public var connectionCounts: [Group: Int]
    /// How many connections the ejector removed (idle, no answer to ClientDetectionRequest).
    public var ejectedCount: Int
    /// How many ConnectResetRequests were sent (loader and rebalance, and SDK set-ups refused while the
    /// server was not running).
    public var resetCount: Int
    /// How many connections a limit of the limit rule refused.
    public var rejectedCount: Int

    /// Creates a snapshot from its parts.
    public init(connectionCounts: [Group: Int] = [:], ejectedCount: Int = 0, resetCount: Int = 0, rejectedCount: Int = 0) {
        self.connectionCounts = connectionCounts
        self.ejectedCount = ejectedCount
        self.resetCount = resetCount
        self.rejectedCount = rejectedCount
    }

    /// The number of registered connections.
    public var totalCount: Int { self.connectionCounts.values.reduce(0, +) }

    /// The number of registered connections with source `source` (`sdk`, `cluster`, `unknown`).
    public func count(source: String) -> Int {
        self.connectionCounts.reduce(0) { $0 + ($1.key.source == source ? $1.value : 0) }
    }

    /// The number of registered connections with module `module` (a known module, `none`, `other`).
    public func count(module: String) -> Int {
        self.connectionCounts.reduce(0) { $0 + ($1.key.module == module ? $1.value : 0) }
    }

    /// The groups with connections, sorted (the order to write them in).
    public var sortedGroups: [Group] { self.connectionCounts.keys.sorted() }
}
