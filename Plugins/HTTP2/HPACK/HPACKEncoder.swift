public import NacosTransport

/// Encodes header lists (one per HTTP/2 connection direction).
///
/// Each field becomes the shortest representation its `indexing` allows: `.indexable` fields found in the
/// static or dynamic table are sent as an index, others as a literal with incremental indexing (naming the
/// field by index when its name is in a table) unless they are too large for the dynamic table; `.nonIndexable`
/// fields are sent as literals without indexing and `.neverIndexed` ones as never-indexed literals. With
/// `useHuffman`, a string is Huffman-coded unless that would make it longer.
public struct HPACKEncoder: Sendable {
    /// The dynamic table size the peer's decoder assumes until told otherwise (RFC 9113 §6.5.2).
    private static let protocolDefaultTableSize = 4096

    /// The most octets the dynamic table may ever use, whatever larger size the peer allows.
    private let tableSizeLimit: Int
    /// Whether string literals are Huffman-coded when that is not longer.
    private let useHuffman: Bool
    /// The decoder's current maximum table size as it knows it: the last size signaled, or the default.
    private var signaledTableSize = HPACKEncoder.protocolDefaultTableSize
    /// The smallest table size used since the last block, when a dynamic table size update is due.
    private var pendingMinimumTableSize: Int?
    /// The encoding context, mirrored by the peer's decoder.
    internal private(set) var dynamicTable: HPACKDynamicTable

    /// `maxDynamicTableSize` starts at 4096 (the protocol default).
    ///
    /// It is also the most the encoder's dynamic table ever uses: a peer allowing more through
    /// `setMaxDynamicTableSize` does not make the encoder use more (values above 4096 take effect only once
    /// the peer allows them, as 4096 is all a peer's decoder can be assumed to hold before its SETTINGS).
    public init(maxDynamicTableSize: Int = 4096, useHuffman: Bool = true) {
        self.tableSizeLimit = max(0, maxDynamicTableSize)
        self.useHuffman = useHuffman
        self.dynamicTable = HPACKDynamicTable(
            maxSize: min(self.tableSizeLimit, Self.protocolDefaultTableSize),
            tracksLookups: true
        )
    }

    /// Applies the peer's SETTINGS_HEADER_TABLE_SIZE: the encoder may use at most `size` bytes; the
    /// next `encode` starts with a dynamic table size update when the size it uses changed.
    ///
    /// The size used is `min(size, maxDynamicTableSize of init)`; an update is also sent when it differs from
    /// the size the peer's decoder last heard of (4096 at first). When the size went down and back up between
    /// two blocks, the update announces the smallest size first and then the final one (RFC 7541 §4.2).
    public mutating func setMaxDynamicTableSize(_ size: Int) {
        let used = min(max(0, size), self.tableSizeLimit)
        self.dynamicTable.setMaxSize(used)
        if let minimum = self.pendingMinimumTableSize {
            self.pendingMinimumTableSize = min(minimum, used)
        } else if used != self.signaledTableSize {
            self.pendingMinimumTableSize = used
        }
    }

    /// Appends the HPACK block for `headers` to `buffer`.
    public mutating func encode(_ headers: [HPACKHeader], into buffer: inout NacosByteBuffer) {
        if let minimum = self.pendingMinimumTableSize {
            HPACKInteger.encode(minimum, prefixBits: 5, flags: 0x20, into: &buffer)
            if self.dynamicTable.maxSize != minimum {
                HPACKInteger.encode(self.dynamicTable.maxSize, prefixBits: 5, flags: 0x20, into: &buffer)
            }
            self.signaledTableSize = self.dynamicTable.maxSize
            self.pendingMinimumTableSize = nil
        }
        for header in headers {
            self.encode(header, into: &buffer)
        }
    }

    private mutating func encode(_ header: HPACKHeader, into buffer: inout NacosByteBuffer) {
        // One hash of the name finds it in the static table with the values stored for it.
        let staticField = HPACKStaticTable.names[header.name]
        if header.indexing == .indexable, let index = self.exactIndex(of: header, staticField: staticField) {
            HPACKInteger.encode(index, prefixBits: 7, flags: 0x80, into: &buffer)
            return
        }
        var nameIndex = 0
        if let staticField {
            nameIndex = staticField.nameIndex
        } else if self.dynamicTable.count > 0, let index = self.dynamicTable.index(ofName: header.name) {
            nameIndex = index + HPACKStaticTable.count
        }
        switch header.indexing {
        case .indexable where header.size <= self.dynamicTable.maxSize:
            self.writeLiteral(header, nameIndex: nameIndex, prefixBits: 6, flags: 0x40, into: &buffer)
            self.dynamicTable.append(name: header.name, value: header.value)
        case .indexable, .nonIndexable:
            // An indexable field too large for the table goes without indexing: inserting it would only empty the table.
            self.writeLiteral(header, nameIndex: nameIndex, prefixBits: 4, flags: 0x00, into: &buffer)
        case .neverIndexed:
            self.writeLiteral(header, nameIndex: nameIndex, prefixBits: 4, flags: 0x10, into: &buffer)
        }
    }

    /// The index of an entry holding exactly `header`'s name and value, static table first.
    private func exactIndex(
        of header: HPACKHeader,
        staticField: HPACKStaticTable.Name?
    ) -> Int? {
        if let staticField, let match = staticField.values.first(where: { $0.value == header.value }) {
            return match.index
        }
        guard self.dynamicTable.count > 0 else { return nil }
        return self.dynamicTable.index(ofName: header.name, value: header.value).map { $0 + HPACKStaticTable.count }
    }

    /// Writes a literal representation: the name by index (or literally when `nameIndex` is 0), then the value.
    private func writeLiteral(
        _ header: HPACKHeader,
        nameIndex: Int,
        prefixBits: Int,
        flags: UInt8,
        into buffer: inout NacosByteBuffer
    ) {
        HPACKInteger.encode(nameIndex, prefixBits: prefixBits, flags: flags, into: &buffer)
        if nameIndex == 0 {
            self.writeString(header.name, into: &buffer)
        }
        self.writeString(header.value, into: &buffer)
    }

    /// Writes a string literal (RFC 7541 §5.2), Huffman-coded when enabled and not longer than the octets.
    private func writeString(_ string: String, into buffer: inout NacosByteBuffer) {
        var string = string
        string.withUTF8 { octets in
            if self.useHuffman && octets.count > 0 {
                let huffmanLength = HPACKHuffman.encodedLength(of: octets)
                if huffmanLength <= octets.count {
                    HPACKInteger.encode(huffmanLength, prefixBits: 7, flags: 0x80, into: &buffer)
                    HPACKHuffman.encode(octets, encodedLength: huffmanLength, into: &buffer)
                    return
                }
            }
            HPACKInteger.encode(octets.count, prefixBits: 7, flags: 0x00, into: &buffer)
            buffer.writeBytes(UnsafeRawBufferPointer(octets))
        }
    }
}
