import NacosPostgres
import NacosSQLite
import NacosStore

/// The durable stores the benchmarks open, with the settings a node uses by default.
enum BenchmarkStores {
    /// `NacosSQLiteStore` on the file at `path` (its defaults: WAL, synchronous=FULL, grouped commits).
    static func sqlite(path: String) -> any NacosStore {
        NacosSQLiteStore(configuration: NacosSQLiteConfiguration(path: path))
    }

    /// `NacosPostgresStore` at `url` as user `postgres`, with `poolSize` writer connections (nil: its default).
    static func postgres(url: String, poolSize: Int? = nil) -> any NacosStore {
        var configuration = NacosPostgresConfiguration(url: url, user: "postgres")
        if let poolSize { configuration.poolSize = poolSize }
        return NacosPostgresStore(configuration: configuration)
    }

    /// The writer connections a `NacosPostgresStore` gets with `poolSize` (nil: its default).
    static func postgresPoolSize(_ poolSize: Int?) -> Int {
        var configuration = NacosPostgresConfiguration(url: "postgresql://127.0.0.1/postgres")
        if let poolSize { configuration.poolSize = poolSize }
        return configuration.poolSize
    }

    /// A description of the store's durability settings, for the table.
    static func label(_ backend: PersistentBackend) -> String {
        switch backend {
        case .sqlite: "NamingRegistry + SQLite"
        case .postgres: "NamingRegistry + PostgreSQL"
        case .zookeeper: "ZooKeeper"
        }
    }
}
