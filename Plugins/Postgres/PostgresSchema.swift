import NacosStore

/// The versioned schema of the PostgreSQL store, kept in `nacos_store_meta` (`schema`), and migrated at
/// open under an advisory lock so that nodes starting together do not race.
enum PostgresSchema {
    /// The migrations, from version 1 on.
    static let migrations: [String] = [
        // 1: the records with their last revision (deletes stay as tombstones, so that a catch-up by
        // revision sees them), and an index by revision.
        """
        CREATE TABLE nacos_store_records (kind text NOT NULL, key text NOT NULL, value bytea, revision bigint NOT NULL, PRIMARY KEY (kind, key));
        CREATE INDEX nacos_store_records_revision ON nacos_store_records (revision)
        """,
    ]

    /// The version this binary writes.
    static var currentVersion: Int64 { Int64(Self.migrations.count) }

    /// The key of the advisory lock that serializes migrations.
    static let migrationLock: Int64 = 0x6E61_636F_7331

    /// Creates or migrates the schema in one transaction.
    ///
    /// - Throws: `.schemaTooNew` when the database was migrated by a newer binary.
    static func migrate(_ connection: PostgresConnection) throws(NacosStoreError) {
        // `CREATE … IF NOT EXISTS` of an existing table is a NOTICE libpq would print on standard error.
        try connection.execute("SET client_min_messages = warning")
        try connection.execute("BEGIN")
        do throws(NacosStoreError) {
            try connection.execute("SELECT pg_advisory_xact_lock($1)", [.integer(Self.migrationLock)])
            try connection.execute("CREATE TABLE IF NOT EXISTS nacos_store_meta (name text PRIMARY KEY, value bigint NOT NULL)")
            try connection.execute("INSERT INTO nacos_store_meta (name, value) VALUES ('schema', 0), ('head', 0) ON CONFLICT (name) DO NOTHING")
            var version: Int64 = 0
            try connection.execute("SELECT value FROM nacos_store_meta WHERE name = 'schema'") { version = $0.integer(0) }
            guard version <= Self.currentVersion else {
                throw NacosStoreError(
                    .schemaTooNew,
                    "db.url.0: the PostgreSQL database has schema version \(version), and this binary knows versions up to \(Self.currentVersion): run a newer nacos-server"
                )
            }
            for step in Int(version)..<Int(Self.currentVersion) {
                for statement in Self.migrations[step].split(separator: ";") {
                    try connection.execute(String(statement))
                }
            }
            try connection.execute("UPDATE nacos_store_meta SET value = $1 WHERE name = 'schema'", [.integer(Self.currentVersion)])
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }
}
