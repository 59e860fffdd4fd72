import NacosPostgres
import NacosSQLite
import NacosStore

/// Makes the store that `nacos.naming.store` names, and turns a store that cannot open into an error that
/// names the key to look at.
enum ServerStoreFactory {
    /// A store that could not be made or opened.
    struct Failure: Error, CustomStringConvertible {
        /// The key to look at.
        let key: String
        /// What went wrong.
        let message: String

        var description: String { "\(self.key): \(self.message)" }
    }

    /// The store of `configuration`.
    static func make(_ configuration: NacosServerConfiguration) throws -> any NacosStore {
        let settings = configuration.store
        switch settings.kind {
        case .memory:
            return NacosMemoryStore()
        case .sqlite:
            let path = settings.effectiveSQLitePath(home: configuration.effectiveNacosHome)
            return NacosSQLiteStore(configuration: NacosSQLiteConfiguration(path: path))
        case .postgresql:
            guard let url = settings.postgresURL else {
                throw Failure(key: "db.url.0", message: "nacos.naming.store=postgresql needs PostgreSQL's URL (postgresql://host:port/database)")
            }
            var postgres = NacosPostgresConfiguration(url: url)
            postgres.user = settings.postgresUser
            postgres.password = settings.postgresPassword
            postgres.poolSize = settings.postgresPoolSize
            return NacosPostgresStore(configuration: postgres)
        }
    }

    /// The key an open failure of `configuration`'s store points at.
    static func key(for configuration: NacosServerConfiguration) -> String {
        switch configuration.store.kind {
        case .memory: "nacos.naming.store"
        case .sqlite: configuration.store.sqlitePath == nil ? "nacos.home" : "nacos.naming.store.sqlite.path"
        case .postgresql: "db.url.0"
        }
    }
}
