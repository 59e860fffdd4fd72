import CLibPQ
import NacosStore

#if canImport(Glibc)
import Glibc
#endif

/// One libpq connection, used on one thread at a time; every call blocks.
final class PostgresConnection {
    /// One result row, with binary values.
    struct Row {
        fileprivate let result: OpaquePointer
        fileprivate let index: Int32

        /// Whether column `column` is NULL.
        func isNull(_ column: Int32) -> Bool { PQgetisnull(self.result, self.index, column) == 1 }

        /// Column `column` as raw bytes (text columns are their UTF-8).
        func bytes(_ column: Int32) -> [UInt8] {
            let count = Int(PQgetlength(self.result, self.index, column))
            guard count > 0, let pointer = PQgetvalue(self.result, self.index, column) else { return [] }
            return Array(UnsafeRawBufferPointer(start: pointer, count: count))
        }

        /// Column `column` as text.
        func text(_ column: Int32) -> String { String(decoding: self.bytes(column), as: UTF8.self) }

        /// Column `column` as a binary `bigint`.
        func integer(_ column: Int32) -> Int64 {
            let bytes = self.bytes(column)
            guard bytes.count == 8 else { return 0 }
            return bytes.reduce(Int64(0)) { ($0 << 8) | Int64($1) }
        }
    }

    private let handle: OpaquePointer

    /// Connects with `parameters` (libpq keywords).
    ///
    /// - Throws: `.unavailable` with libpq's message (unreachable, authentication failed, …).
    init(parameters: [(String, String)]) throws(NacosStoreError) {
        let keywords = parameters.map { strdup($0.0) } + [nil]
        let values = parameters.map { strdup($0.1) } + [nil]
        defer {
            for pointer in keywords { free(pointer) }
            for pointer in values { free(pointer) }
        }
        let connection = keywords.map { UnsafePointer<CChar>($0) }.withUnsafeBufferPointer { keywordPointers in
            values.map { UnsafePointer<CChar>($0) }.withUnsafeBufferPointer { valuePointers in
                PQconnectdbParams(keywordPointers.baseAddress, valuePointers.baseAddress, 0)
            }
        }
        guard let connection else { throw NacosStoreError(.unavailable, "libpq could not allocate a connection") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.message(PQerrorMessage(connection))
            PQfinish(connection)
            let key = message.contains("password") || message.contains("authentication") ? "db.password.0" : "db.url.0"
            throw NacosStoreError(.unavailable, "\(key): cannot connect to PostgreSQL: \(message)")
        }
        self.handle = connection
    }

    deinit { PQfinish(self.handle) }

    /// Whether the connection is still good.
    var isOK: Bool { PQstatus(self.handle) == CONNECTION_OK }

    /// The socket, for `poll`.
    var socket: Int32 { PQsocket(self.handle) }

    /// Runs `sql` with `parameters` (text values, or bytes sent as binary; `nil` is NULL) and calls `row`
    /// for each row of the binary result.
    func execute(_ sql: String, _ parameters: [PostgresParameter] = [], _ row: (Row) -> Void = { _ in }) throws(NacosStoreError) {
        // Every value in one buffer (NUL-terminated, as text parameters must be), pointed into by offset.
        var storage: [UInt8] = []
        var offsets: [Int] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        for parameter in parameters {
            offsets.append(storage.count)
            switch parameter {
            case .text(let text): storage += Array(text.utf8)
            case .bytes(let bytes): storage += bytes
            case .integer(let value): storage += Array(String(value).utf8)
            case .null: break
            }
            lengths.append(Int32(storage.count - offsets[offsets.count - 1]))
            storage.append(0)
            if case .bytes = parameter { formats.append(1) } else { formats.append(0) }
        }
        if storage.isEmpty { storage.append(0) }
        let result: OpaquePointer? = storage.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            let values: [UnsafePointer<CChar>?] = zip(offsets, parameters).map { offset, parameter in
                if case .null = parameter { return nil }
                return base + offset
            }
            return PQexecParams(self.handle, sql, Int32(parameters.count), nil, values, lengths, formats, 1)
        }
        guard let result else { throw NacosStoreError(.unavailable, "PostgreSQL: \(Self.message(PQerrorMessage(self.handle)))") }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw NacosStoreError(.unavailable, "PostgreSQL: \(Self.message(PQresultErrorMessage(result)))")
        }
        let rows = PQntuples(result)
        for index in 0..<rows { row(Row(result: result, index: index)) }
    }

    /// Reads input waiting on the socket and returns the channels of the notifications that arrived.
    func notifications() throws(NacosStoreError) -> [String] {
        guard PQconsumeInput(self.handle) == 1 else {
            throw NacosStoreError(.unavailable, "PostgreSQL: \(Self.message(PQerrorMessage(self.handle)))")
        }
        var channels: [String] = []
        while let notify = PQnotifies(self.handle) {
            channels.append(String(cString: notify.pointee.relname))
            PQfreemem(notify)
        }
        return channels
    }

    private static func message(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "unknown error" }
        return String(cString: text).split(separator: "\n").joined(separator: " ").trimmingTrailingSpaces
    }
}

/// A parameter of `PostgresConnection.execute`.
enum PostgresParameter {
    /// A text value.
    case text(String)
    /// Bytes sent in binary (a `bytea`).
    case bytes([UInt8])
    /// An integer, sent as text.
    case integer(Int64)
    /// NULL.
    case null
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var text = Substring(self)
        while let last = text.last, last == " " { text.removeLast() }
        return String(text)
    }
}
