/// gzip (RFC 1952) compression with our own DEFLATE (RFC 1951) encoder, for payloads such as 1.x UDP
/// pushes that Nacos sends gzipped; the project links no zlib.
///
/// The encoder uses LZ77 with hash chains over a 32 KiB window and lazy matching, and writes each block
/// with fixed or dynamic Huffman codes or stored, whichever is smallest. Any gzip reader (`gzip -dc`,
/// Java's `GZIPInputStream`) decodes the result.
public enum NacosGzip {
    /// The two bytes every gzip member starts with.
    public static let magic: [UInt8] = [0x1F, 0x8B]

    /// Compresses `bytes` into one gzip member (no file name, modification time 0, OS "unknown").
    public static func compress(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = ContiguousArray(bytes)
        return input.withUnsafeBufferPointer { input in
            // ID1 ID2, CM = 8 (deflate), FLG = 0, MTIME = 0, XFL = 0, OS = 255 (unknown).
            let header: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255]
            var writer = DeflateBitWriter(prefix: header, expectedOutput: input.count / 2 + 64)
            DeflateEncoder.deflate(input, into: &writer)
            writer.appendLittleEndian(NacosCRC32.checksum(input))
            writer.appendLittleEndian(UInt32(truncatingIfNeeded: input.count))
            return writer.bytes
        }
    }

    /// Whether `bytes` starts like a gzip member (the magic bytes), as Nacos's `IoUtils.isGzipStream` checks.
    public static func isGzipped(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.starts(with: Self.magic)
    }
}
