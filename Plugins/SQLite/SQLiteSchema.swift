package import NacosStore

/// The versioned schema of the SQLite store: each migration moves the file one version up, and the
/// version is kept in `PRAGMA user_version`.
package enum SQLiteSchema {
    /// The migrations, from version 1 on: `migrations[n - 1]` makes version `n`.
    static let migrations: [String] = [
        // 1: the records and a table of named counters.
        """
        CREATE TABLE nacos_records (kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID;
        CREATE TABLE nacos_meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        """,
        // 2: the revision of every record's last write, and the head revision.
        """
        ALTER TABLE nacos_records ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX nacos_records_revision ON nacos_records (revision);
        INSERT OR IGNORE INTO nacos_meta (name, value) VALUES ('revision', 0);
        """,
    ]

    /// The version this binary writes.
    package static var currentVersion: Int64 { Int64(Self.migrations.count) }

    /// Brings `database` to `version` (the current one by default) in one transaction.
    ///
    /// - Throws: `.schemaTooNew` when the file's version is above this binary's.
    static func migrate(_ database: SQLiteDatabase, to version: Int64 = SQLiteSchema.currentVersion) throws(NacosStoreError) {
        let found = try database.integer("PRAGMA user_version")
        guard found <= Self.currentVersion else {
            throw NacosStoreError(
                .schemaTooNew,
                "the SQLite file \(database.path) has schema version \(found), and this binary knows versions up to \(Self.currentVersion): run a newer nacos-server, or restore a backup"
            )
        }
        guard found < version else { return }
        try database.execute("BEGIN IMMEDIATE")
        do throws(NacosStoreError) {
            for step in Int(found)..<Int(version) {
                do throws(NacosStoreError) {
                    try database.execute(Self.migrations[step])
                } catch {
                    throw NacosStoreError(
                        error.code,
                        "migrating the SQLite file \(database.path) from schema version \(step) to \(step + 1) failed: \(error.message)"
                    )
                }
            }
            try database.execute("PRAGMA user_version = \(version)")
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// Creates (or migrates) the file at `path` up to `version` only, as an older binary left it — for
    /// the tests of every migration path.
    package static func createSchema(atPath path: String, upToVersion version: Int64) throws(NacosStoreError) {
        let database = try SQLiteDatabase(path: path, busyTimeout: .seconds(5))
        defer { database.close() }
        try database.execute("PRAGMA journal_mode=WAL")
        try Self.migrate(database, to: version)
    }

    /// The single integer `sql` returns from the file at `path` (tests: `PRAGMA user_version`, counts).
    package static func integer(_ sql: String, atPath path: String) throws(NacosStoreError) -> Int64 {
        let database = try SQLiteDatabase(path: path, busyTimeout: .seconds(5))
        defer { database.close() }
        return try database.integer(sql)
    }

    /// Runs `sql` on the file at `path` (tests: rows as an older binary wrote them, a future version).
    package static func execute(_ sql: String, atPath path: String) throws(NacosStoreError) {
        let database = try SQLiteDatabase(path: path, busyTimeout: .seconds(5))
        defer { database.close() }
        try database.execute(sql)
    }
}
