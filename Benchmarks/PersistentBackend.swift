/// What `nacos-bench persistent` measures: our registry over one of its durable stores, or ZooKeeper.
enum PersistentBackend: String, Sendable, CaseIterable {
    /// `NamingRegistry` over `NacosSQLiteStore` (a temporary file; WAL, synchronous=FULL).
    case sqlite
    /// `NamingRegistry` over `NacosPostgresStore` (a PostgreSQL the benchmark starts; fsync on).
    case postgres
    /// ZooKeeper persistent creates (a standalone server the benchmark starts; forceSync=yes).
    case zookeeper
}
