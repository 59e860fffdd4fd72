import CSQLite
import NacosStore

/// One SQLite connection and its prepared statements, used on the store's worker thread only.
final class SQLiteDatabase {
    /// A prepared statement, reset after each use.
    final class Statement {
        fileprivate let handle: OpaquePointer
        private unowned let database: SQLiteDatabase

        fileprivate init(handle: OpaquePointer, database: SQLiteDatabase) {
            self.handle = handle
            self.database = database
        }

        deinit { sqlite3_finalize(self.handle) }

        /// Binds `text` to parameter `index` (from 1), by its UTF-8 length, so that a NUL in it is kept.
        func bind(_ index: Int32, _ text: String) {
            guard !text.isEmpty else {
                // A non-nil pointer, so that SQLite stores empty text, not NULL.
                sqlite3_bind_text(self.handle, index, "", 0, nacos_sqlite_transient())
                return
            }
            var text = text
            text.withUTF8 { utf8 in
                utf8.withMemoryRebound(to: CChar.self) { chars in
                    _ = sqlite3_bind_text64(self.handle, index, chars.baseAddress, sqlite3_uint64(chars.count), nacos_sqlite_transient(), UInt8(SQLITE_UTF8))
                }
            }
        }

        /// Binds `bytes` to parameter `index` as a blob.
        ///
        /// - Throws: `.unavailable` when SQLite refuses it (larger than its length limit, or out of memory).
        func bind(_ index: Int32, _ bytes: [UInt8]) throws(NacosStoreError) {
            let code: Int32
            if bytes.isEmpty {
                code = sqlite3_bind_zeroblob(self.handle, index, 0)
            } else {
                code = bytes.withUnsafeBytes { raw in
                    sqlite3_bind_blob64(self.handle, index, raw.baseAddress, sqlite3_uint64(raw.count), nacos_sqlite_transient())
                }
            }
            guard code == SQLITE_OK else {
                sqlite3_clear_bindings(self.handle)
                throw self.database.error(code, "bind a value of \(bytes.count) bytes")
            }
        }

        /// Binds `value` to parameter `index`.
        func bind(_ index: Int32, _ value: Int64) {
            sqlite3_bind_int64(self.handle, index, value)
        }

        /// Runs a statement that returns no rows.
        func run() throws(NacosStoreError) {
            defer { self.reset() }
            let code = sqlite3_step(self.handle)
            guard code == SQLITE_DONE || code == SQLITE_ROW else { throw self.database.error(code, "step") }
        }

        /// Runs a query and calls `row` for each row.
        func query(_ row: (Statement) throws(NacosStoreError) -> Void) throws(NacosStoreError) {
            defer { self.reset() }
            while true {
                let code = sqlite3_step(self.handle)
                if code == SQLITE_DONE { return }
                guard code == SQLITE_ROW else { throw self.database.error(code, "query") }
                try row(self)
            }
        }

        /// Column `index` (from 0) of the current row as text (all of its bytes, a NUL included).
        func text(_ index: Int32) -> String {
            guard let pointer = sqlite3_column_text(self.handle, index) else { return "" }
            let count = Int(sqlite3_column_bytes(self.handle, index))
            return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
        }

        /// Column `index` of the current row as bytes.
        func bytes(_ index: Int32) -> [UInt8] {
            let count = Int(sqlite3_column_bytes(self.handle, index))
            guard count > 0, let pointer = sqlite3_column_blob(self.handle, index) else { return [] }
            return Array(UnsafeRawBufferPointer(start: pointer, count: count))
        }

        /// Column `index` of the current row as an integer.
        func integer(_ index: Int32) -> Int64 {
            sqlite3_column_int64(self.handle, index)
        }

        private func reset() {
            sqlite3_reset(self.handle)
            sqlite3_clear_bindings(self.handle)
        }
    }

    private let handle: OpaquePointer
    /// The file, for messages.
    let path: String

    /// Opens (creating) the database at `path`.
    init(path: String, busyTimeout: Duration) throws(NacosStoreError) {
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            if let handle { sqlite3_close_v2(handle) }
            throw NacosStoreError(.unavailable, "cannot open the SQLite file \(path): \(message)")
        }
        self.handle = handle
        self.path = path
        let milliseconds = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(handle, Int32(clamping: milliseconds))
        sqlite3_extended_result_codes(handle, 1)
    }

    /// Whether no transaction is open (SQLite rolls some failures back by itself).
    var isAutocommit: Bool { sqlite3_get_autocommit(self.handle) != 0 }

    /// Closes the connection; statements must be released first.
    func close() {
        sqlite3_close_v2(self.handle)
    }

    /// Prepares `sql`.
    func prepare(_ sql: String) throws(NacosStoreError) -> Statement {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(self.handle, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else { throw self.error(code, "prepare \(sql.prefix(60))") }
        return Statement(handle: statement, database: self)
    }

    /// Runs `sql` (several statements allowed), discarding rows.
    func execute(_ sql: String) throws(NacosStoreError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(self.handle, sql, nil, nil, &message)
        guard code == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_free(message)
            throw Self.error(code, text, path: self.path)
        }
    }

    /// The single integer `sql` returns.
    func integer(_ sql: String) throws(NacosStoreError) -> Int64 {
        let statement = try self.prepare(sql)
        var value: Int64 = 0
        try statement.query { row in value = row.integer(0) }
        return value
    }

    /// The single text `sql` returns.
    func text(_ sql: String) throws(NacosStoreError) -> String {
        let statement = try self.prepare(sql)
        var value = ""
        try statement.query { row in value = row.text(0) }
        return value
    }

    /// The error of `code` during `action`, with SQLite's message.
    func error(_ code: Int32, _ action: String) -> NacosStoreError {
        Self.error(code, "\(action): \(String(cString: sqlite3_errmsg(self.handle)))", path: self.path)
    }

    /// `.corrupt` for a file that is no database (or a damaged one), else `.unavailable`.
    static func error(_ code: Int32, _ message: String, path: String) -> NacosStoreError {
        let primary = code & 0xFF
        if primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT {
            return NacosStoreError(.corrupt, "the SQLite file \(path) is not a readable database: \(message)")
        }
        return NacosStoreError(.unavailable, "SQLite file \(path): \(message)")
    }
}
