import NacosHTTP2
import NacosTransport

/// `HPACKDecoder` on the input as header blocks, with an encode–decode round trip of what decodes.
///
/// The first byte chooses the dynamic table size we advertise (bits 0–2), whether the encoder of the round
/// trip is told that size (bit 3, so its block starts with a dynamic table size update), and where the rest
/// is split into two blocks decoded one after the other with the same decoder (bits 4–7, 0 for one block), so
/// the second block sees the dynamic table the first left. Every block that decodes is encoded again with one
/// `HPACKEncoder` and decoded with one fresh decoder: the fields must come back with the same names and values,
/// and a never-indexed field must stay never indexed.
enum HPACKFuzzTarget: FuzzTarget {
    static let name = "hpack"

    private static let tableSizes = [0, 32, 64, 256, 1024, 4096, 8192, 65_536]
    private static let maxHeaderListSize = 16 * 1024

    static func run(_ bytes: [UInt8]) {
        let control = bytes.first ?? 0
        let rest = Array(bytes.dropFirst())
        let tableSize = Self.tableSizes[Int(control & 0x07)]
        let split = Int(control >> 4) * rest.count / 16
        let blocks = split == 0 ? [rest] : [Array(rest[..<split]), Array(rest[split...])]

        var decoder = HPACKDecoder(maxDynamicTableSize: tableSize, maxHeaderListSize: Self.maxHeaderListSize)
        var lists: [[HPACKHeader]] = []
        for block in blocks {
            guard let headers = try? decoder.decode(NacosByteBuffer(bytes: block)) else { break }
            lists.append(headers)
        }
        guard !lists.isEmpty else { return }

        var encoder = HPACKEncoder(maxDynamicTableSize: tableSize)
        if control & 0x08 != 0 { encoder.setMaxDynamicTableSize(tableSize) }
        var again = HPACKDecoder(maxDynamicTableSize: tableSize, maxHeaderListSize: Self.maxHeaderListSize)
        for (number, headers) in lists.enumerated() {
            var block = NacosByteBuffer()
            encoder.encode(headers, into: &block)
            let decoded: [HPACKHeader]
            do {
                decoded = try again.decode(block)
            } catch {
                preconditionFailure("HPACK round trip: block \(number) of \(headers) re-encoded as \(block.readableBytesArray) does not decode: \(error)")
            }
            guard Self.same(headers, decoded) else {
                preconditionFailure("HPACK round trip: block \(number) of \(headers) decodes back as \(decoded)")
            }
        }
    }

    /// Same names and values (byte for byte), never-indexed fields kept never indexed.
    private static func same(_ original: [HPACKHeader], _ decoded: [HPACKHeader]) -> Bool {
        guard original.count == decoded.count else { return false }
        for (a, b) in zip(original, decoded) {
            guard a.name.utf8.elementsEqual(b.name.utf8), a.value.utf8.elementsEqual(b.value.utf8) else { return false }
            guard (a.indexing == .neverIndexed) == (b.indexing == .neverIndexed) else { return false }
            // An indexable field may come back without indexing (too large for the table), not the reverse.
            if a.indexing == .nonIndexable && b.indexing != .nonIndexable { return false }
        }
        return true
    }
}
