public import NacosTransport

/// Decodes header blocks (one per HTTP/2 connection direction).
///
/// Every representation of RFC 7541 §6 is accepted: indexed fields, the three kinds of literals (their kind is
/// kept in `HPACKHeader.indexing`), and dynamic table size updates, which must start the block and stay at or
/// below the size we advertised. Names and values must be valid UTF-8.
public struct HPACKDecoder: Sendable {
    /// The largest dynamic table size the peer's encoder may select: our SETTINGS_HEADER_TABLE_SIZE.
    private let maxDynamicTableSize: Int
    /// The largest decoded header list, counting name + value + 32 octets per field.
    private let maxHeaderListSize: Int
    /// The decoding context, shared by every block of the connection direction.
    internal private(set) var dynamicTable: HPACKDynamicTable

    /// `maxDynamicTableSize` = our advertised SETTINGS_HEADER_TABLE_SIZE; `maxHeaderListSize` bounds the
    /// decoded list (RFC 9113 §6.5.2 size: name + value + 32 per field).
    public init(maxDynamicTableSize: Int = 4096, maxHeaderListSize: Int = 16 * 1024) {
        self.maxDynamicTableSize = max(0, maxDynamicTableSize)
        self.maxHeaderListSize = max(0, maxHeaderListSize)
        self.dynamicTable = HPACKDynamicTable(maxSize: self.maxDynamicTableSize, tracksLookups: false)
    }

    /// Decodes one complete header block (HEADERS + CONTINUATION fragments already joined).
    /// Decoding is all-or-nothing for the caller, but dynamic table state changes made by the block
    /// are kept even when it throws `headerListTooLarge` (the block is fully processed first, so the
    /// table stays in sync with the peer's encoder).
    ///
    /// After any other error the decoding context is unusable: the connection must be closed with
    /// COMPRESSION_ERROR.
    public mutating func decode(_ block: NacosByteBuffer) throws(HPACKError) -> [HPACKHeader] {
        let outcome: Result<[HPACKHeader], HPACKError> = block.withUnsafeReadableBytes { bytes in
            do throws(HPACKError) {
                return .success(try self.decodeFields(bytes))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    private mutating func decodeFields(_ bytes: UnsafeRawBufferPointer) throws(HPACKError) -> [HPACKHeader] {
        var headers: [HPACKHeader] = []
        // Most fields take a few octets; this avoids regrowing the array for typical blocks.
        headers.reserveCapacity(min(bytes.count, 32))
        var listSize = 0
        var listTooLarge = false
        var sawField = false
        var index = 0
        while index < bytes.count {
            let start = index
            let first = bytes[index]
            let header: HPACKHeader
            if first & 0x80 != 0 {
                // Indexed header field (§6.1).
                let fieldIndex = try HPACKInteger.decode(bytes, at: &index, prefixBits: 7)
                let field = try self.field(at: fieldIndex, offset: start)
                header = HPACKHeader(field.name, field.value, indexing: .indexable)
            } else if first & 0x40 != 0 {
                // Literal with incremental indexing (§6.2.1).
                header = try self.literal(bytes, at: &index, prefixBits: 6, indexing: .indexable)
                self.dynamicTable.append(name: header.name, value: header.value)
            } else if first & 0x20 != 0 {
                // Dynamic table size update (§6.3).
                guard !sawField else {
                    throw HPACKError(
                        .invalidTableSizeUpdate,
                        "dynamic table size update at offset \(start) follows a header field"
                    )
                }
                let size = try HPACKInteger.decode(bytes, at: &index, prefixBits: 5)
                guard size <= self.maxDynamicTableSize else {
                    throw HPACKError(
                        .invalidTableSizeUpdate,
                        "dynamic table size update to \(size) exceeds the allowed \(self.maxDynamicTableSize) octets"
                    )
                }
                self.dynamicTable.setMaxSize(size)
                continue
            } else {
                // Literal without indexing (§6.2.2) or never indexed (§6.2.3).
                let indexing: HPACKIndexing = first & 0x10 != 0 ? .neverIndexed : .nonIndexable
                header = try self.literal(bytes, at: &index, prefixBits: 4, indexing: indexing)
            }
            sawField = true
            guard !listTooLarge else { continue }
            listSize += header.size
            if listSize > self.maxHeaderListSize {
                // Keep decoding so every table insertion of the block happens, but hold no more fields.
                listTooLarge = true
                headers = []
            } else {
                headers.append(header)
            }
        }
        guard !listTooLarge else {
            throw HPACKError(
                .headerListTooLarge,
                "decoded header list of at least \(listSize) octets exceeds the limit of \(self.maxHeaderListSize)"
            )
        }
        return headers
    }

    /// The static or dynamic table entry at `index` (§2.3.3).
    private func field(at index: Int, offset: Int) throws(HPACKError) -> (name: String, value: String) {
        if index >= 1 && index <= HPACKStaticTable.count {
            return HPACKStaticTable.entries[index - 1]
        }
        if index > HPACKStaticTable.count, let entry = self.dynamicTable.entry(at: index - HPACKStaticTable.count) {
            return (entry.name, entry.value)
        }
        throw HPACKError(
            .invalidIndex,
            "index \(index) at offset \(offset) is outside the tables (\(HPACKStaticTable.count) static and "
                + "\(self.dynamicTable.count) dynamic entries)"
        )
    }

    /// Reads a literal field whose first octet carries the name index in a `prefixBits`-bit prefix.
    private func literal(
        _ bytes: UnsafeRawBufferPointer,
        at index: inout Int,
        prefixBits: Int,
        indexing: HPACKIndexing
    ) throws(HPACKError) -> HPACKHeader {
        let start = index
        let nameIndex = try HPACKInteger.decode(bytes, at: &index, prefixBits: prefixBits)
        let name: String
        if nameIndex == 0 {
            name = try Self.string(bytes, at: &index, what: "name")
        } else {
            name = try self.field(at: nameIndex, offset: start).name
        }
        let value = try Self.string(bytes, at: &index, what: "value")
        return HPACKHeader(name, value, indexing: indexing)
    }

    /// Reads a string literal (§5.2): a Huffman flag, a 7-bit-prefix length, then the octets.
    private static func string(
        _ bytes: UnsafeRawBufferPointer,
        at index: inout Int,
        what: StaticString
    ) throws(HPACKError) -> String {
        guard index < bytes.count else {
            throw HPACKError(.truncated, "header block ends where a field \(what) should start (offset \(index))")
        }
        let start = index
        let huffman = bytes[index] & 0x80 != 0
        let length = try HPACKInteger.decode(bytes, at: &index, prefixBits: 7)
        guard length <= bytes.count - index else {
            throw HPACKError(
                .truncated,
                "field \(what) at offset \(start) claims \(length) octets but only \(bytes.count - index) remain"
            )
        }
        guard length > 0 else { return "" }
        let octets = UnsafeRawBufferPointer(rebasing: bytes[index..<(index + length)])
        index += length
        if huffman {
            return try Self.huffmanString(octets, what: what, offset: start)
        }
        guard let string = String(validating: octets.assumingMemoryBound(to: UInt8.self), as: UTF8.self) else {
            throw HPACKError(.invalidString, "field \(what) at offset \(start) is not valid UTF-8")
        }
        return string
    }

    /// Decodes a Huffman-coded string literal into a temporary buffer, then validates it as UTF-8.
    private static func huffmanString(
        _ octets: UnsafeRawBufferPointer,
        what: StaticString,
        offset: Int
    ) throws(HPACKError) -> String {
        let capacity = HPACKHuffman.maxDecodedLength(ofEncodedLength: octets.count)
        let outcome: Result<String, HPACKError> = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            let count: Int
            do throws(HPACKError) {
                count = try HPACKHuffman.decode(octets, into: buffer)
            } catch {
                return .failure(HPACKError(error.code, "field \(what) at offset \(offset): \(error.message)"))
            }
            guard let string = String(validating: UnsafeBufferPointer(rebasing: buffer[..<count]), as: UTF8.self) else {
                return .failure(HPACKError(.invalidString, "field \(what) at offset \(offset) is not valid UTF-8"))
            }
            return .success(string)
        }
        return try outcome.get()
    }
}
