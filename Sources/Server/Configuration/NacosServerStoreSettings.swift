/// Where a node keeps its durable naming state (persistent instances, service metadata, overlays,
/// namespaces, switches): SQLite under `nacos.home` by default, PostgreSQL for the nodes of a cluster, or
/// memory (nothing survives a restart).
public struct NacosServerStoreSettings: Sendable, Equatable {
    /// The kinds of store (`nacos.naming.store`).
    public enum Kind: String, Sendable, CaseIterable {
        /// One SQLite file (`nacos.naming.store.sqlite.path`); the standalone default.
        case sqlite
        /// PostgreSQL shared by the cluster (`db.url.0`, `db.user.0`, `db.password.0`).
        case postgresql
        /// Memory only: nothing survives a restart.
        case memory
    }

    /// The kind of store.
    public var kind: Kind = .sqlite
    /// The SQLite file, or `nil` for `data/naming.db` under the home directory.
    public var sqlitePath: String?
    /// PostgreSQL's URL (`postgresql://host:port/db` or Nacos's `jdbc:postgresql://…`).
    public var postgresURL: String?
    /// PostgreSQL's user.
    public var postgresUser: String?
    /// PostgreSQL's password.
    public var postgresPassword: String?
    /// Connections to PostgreSQL kept open for commits.
    public var postgresPoolSize = 4

    /// Creates the default settings: SQLite under the home directory.
    public init() {}

    /// The SQLite file in effect for a node whose home directory is `home`.
    public func effectiveSQLitePath(home: String) -> String {
        self.sqlitePath ?? (home.hasSuffix("/") ? home : home + "/") + "data/naming.db"
    }
}
