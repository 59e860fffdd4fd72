/// A small, independent gzip/DEFLATE decoder (RFC 1952 / RFC 1951) that tests use to check compressed
/// output: stored, fixed-Huffman and dynamic-Huffman blocks, the gzip header flags, CRC-32 and ISIZE.
///
/// It is deliberately simple (one bit at a time, no tables), so it shares no code or shortcuts with the
/// encoder it checks. Every malformed input throws `InflateError`.
public struct Inflater {
    /// Why a stream could not be decoded.
    public struct InflateError: Error, CustomStringConvertible {
        /// What was wrong.
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The block types seen while decoding, in order: 0 stored, 1 fixed, 2 dynamic.
    private(set) var blockTypes: [Int] = []

    private let input: [UInt8]
    private var position = 0
    private var bitBuffer = 0
    private var bitCount = 0
    private var output: [UInt8] = []
    private let maxOutput: Int

    private init(input: [UInt8], maxOutput: Int) {
        self.input = input
        self.maxOutput = maxOutput
    }

    /// Decodes one gzip member, checking its CRC-32 and length.
    public static func gunzip(_ member: [UInt8], maxOutput: Int = 64 << 20) throws -> [UInt8] {
        try self.gunzipWithBlockTypes(member, maxOutput: maxOutput).bytes
    }

    /// Decodes one gzip member and reports the block types it contained.
    public static func gunzipWithBlockTypes(_ member: [UInt8], maxOutput: Int = 64 << 20) throws -> (bytes: [UInt8], blockTypes: [Int]) {
        var inflater = Inflater(input: member, maxOutput: maxOutput)
        try inflater.readGzipHeader()
        try inflater.inflateBlocks()
        let crc = try inflater.readLittleEndian32()
        let size = try inflater.readLittleEndian32()
        guard inflater.position == member.count else { throw InflateError("\(member.count - inflater.position) bytes after the member") }
        guard crc == Self.crc32(inflater.output) else { throw InflateError("CRC-32 mismatch") }
        guard size == UInt32(truncatingIfNeeded: inflater.output.count) else { throw InflateError("ISIZE mismatch") }
        return (inflater.output, inflater.blockTypes)
    }

    /// Decodes a raw DEFLATE stream.
    public static func inflate(_ stream: [UInt8], maxOutput: Int = 64 << 20) throws -> [UInt8] {
        var inflater = Inflater(input: stream, maxOutput: maxOutput)
        try inflater.inflateBlocks()
        return inflater.output
    }

    /// CRC-32 computed bit by bit (no table), as an independent check of the encoder's table version.
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                let mask: UInt32 = crc & 1 == 1 ? 0xFFFF_FFFF : 0
                crc = (crc >> 1) ^ (0xEDB8_8320 & mask)
            }
        }
        return ~crc
    }

    // MARK: - Bytes and bits

    private mutating func readByte() throws -> UInt8 {
        guard self.position < self.input.count else { throw InflateError("unexpected end of input") }
        defer { self.position += 1 }
        return self.input[self.position]
    }

    private mutating func readLittleEndian32() throws -> UInt32 {
        var value: UInt32 = 0
        for shift in stride(from: 0, to: 32, by: 8) { value |= UInt32(try self.readByte()) << UInt32(shift) }
        return value
    }

    private mutating func bits(_ count: Int) throws -> Int {
        while self.bitCount < count {
            self.bitBuffer |= Int(try self.readByte()) << self.bitCount
            self.bitCount += 8
        }
        let value = self.bitBuffer & ((1 << count) - 1)
        self.bitBuffer >>= count
        self.bitCount -= count
        return value
    }

    // MARK: - gzip

    private mutating func readGzipHeader() throws {
        guard try self.readByte() == 0x1F, try self.readByte() == 0x8B else { throw InflateError("not gzip") }
        guard try self.readByte() == 8 else { throw InflateError("compression method is not deflate") }
        let flags = try self.readByte()
        for _ in 0..<6 { _ = try self.readByte() }  // MTIME, XFL, OS
        if flags & 0x04 != 0 {
            let length = Int(try self.readByte()) | Int(try self.readByte()) << 8
            for _ in 0..<length { _ = try self.readByte() }
        }
        if flags & 0x08 != 0 { while try self.readByte() != 0 {} }
        if flags & 0x10 != 0 { while try self.readByte() != 0 {} }
        if flags & 0x02 != 0 { _ = try self.readByte(); _ = try self.readByte() }
    }

    // MARK: - DEFLATE

    private mutating func inflateBlocks() throws {
        var final = false
        while !final {
            final = try self.bits(1) == 1
            let type = try self.bits(2)
            self.blockTypes.append(type)
            switch type {
            case 0: try self.storedBlock()
            case 1: try self.huffmanBlock(literal: Self.fixedLiteral, distance: Self.fixedDistance)
            case 2:
                let (literal, distance) = try self.dynamicCodes()
                try self.huffmanBlock(literal: literal, distance: distance)
            default: throw InflateError("reserved block type 3")
            }
        }
        // The trailer starts at the next byte boundary.
        self.bitBuffer = 0
        self.bitCount = 0
    }

    private mutating func storedBlock() throws {
        self.bitBuffer = 0
        self.bitCount = 0
        let length = Int(try self.readByte()) | Int(try self.readByte()) << 8
        let complement = Int(try self.readByte()) | Int(try self.readByte()) << 8
        guard length == ~complement & 0xFFFF else { throw InflateError("stored block LEN/NLEN mismatch") }
        guard self.position + length <= self.input.count else { throw InflateError("stored block past the end") }
        guard self.output.count + length <= self.maxOutput else { throw InflateError("output limit") }
        self.output.append(contentsOf: self.input[self.position..<(self.position + length)])
        self.position += length
    }

    /// A canonical Huffman decoding table: how many codes have each length, and the symbols in code order.
    private struct Decoder {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int] = []

        /// How complete a code must be.
        enum Completeness {
            /// Any code that is not over-subscribed (the fixed distance code uses 30 of 32 codes).
            case anything
            /// Complete, or a single 1-bit code (a dynamic literal/length or distance code, as zlib checks).
            case completeOrSingle
            /// Complete (the code-length code, as zlib checks).
            case complete
        }

        /// Builds the table; like zlib, it refuses over-subscribed codes and the incomplete ones
        /// `completeness` does not allow.
        init(lengths: [Int], completeness: Completeness = .completeOrSingle) throws {
            for length in lengths { self.counts[length] += 1 }
            self.counts[0] = 0
            var left = 1
            for length in 1..<16 {
                left = left * 2 - self.counts[length]
                guard left >= 0 else { throw InflateError("over-subscribed Huffman code") }
            }
            let longest = (1..<16).last { self.counts[$0] > 0 } ?? 0
            let allowed = completeness == .anything || (completeness == .completeOrSingle && longest <= 1)
            if left > 0 && !allowed {
                throw InflateError("incomplete Huffman code")
            }
            for length in 1..<16 {
                for (symbol, symbolLength) in lengths.enumerated() where symbolLength == length {
                    self.symbols.append(symbol)
                }
            }
        }
    }

    private mutating func decode(_ decoder: Decoder) throws -> Int {
        var code = 0
        var first = 0
        var index = 0
        for length in 1..<16 {
            code |= try self.bits(1)
            let count = decoder.counts[length]
            if code - first < count { return decoder.symbols[index + code - first] }
            index += count
            first = (first + count) << 1
            code <<= 1
        }
        throw InflateError("invalid Huffman code")
    }

    private static let fixedLiteral = try! Decoder(lengths: (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 }, completeness: .complete)
    private static let fixedDistance = try! Decoder(lengths: [Int](repeating: 5, count: 30), completeness: .anything)

    private static let lengthBases = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtras = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBases = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193,
        12289, 16385, 24577,
    ]
    private static let distanceExtras = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    private mutating func huffmanBlock(literal: Decoder, distance: Decoder) throws {
        while true {
            let symbol = try self.decode(literal)
            if symbol < 256 {
                guard self.output.count < self.maxOutput else { throw InflateError("output limit") }
                self.output.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let lengthIndex = symbol - 257
            guard lengthIndex < 29 else { throw InflateError("invalid length symbol \(symbol)") }
            let length = Self.lengthBases[lengthIndex] + (try self.bits(Self.lengthExtras[lengthIndex]))
            let distanceSymbol = try self.decode(distance)
            guard distanceSymbol < 30 else { throw InflateError("invalid distance symbol \(distanceSymbol)") }
            let back = Self.distanceBases[distanceSymbol] + (try self.bits(Self.distanceExtras[distanceSymbol]))
            guard back <= self.output.count, back <= 32768 else { throw InflateError("distance \(back) too far back") }
            guard self.output.count + length <= self.maxOutput else { throw InflateError("output limit") }
            for _ in 0..<length { self.output.append(self.output[self.output.count - back]) }
        }
    }

    private mutating func dynamicCodes() throws -> (Decoder, Decoder) {
        let literalCount = try self.bits(5) + 257
        let distanceCount = try self.bits(5) + 1
        let codeLengthCount = try self.bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw InflateError("too many codes") }
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        var codeLengthLengths = [Int](repeating: 0, count: 19)
        for index in 0..<codeLengthCount { codeLengthLengths[order[index]] = try self.bits(3) }
        let codeLengthDecoder = try Decoder(lengths: codeLengthLengths, completeness: .complete)
        var lengths: [Int] = []
        while lengths.count < literalCount + distanceCount {
            let symbol = try self.decode(codeLengthDecoder)
            switch symbol {
            case 0...15:
                lengths.append(symbol)
            case 16:
                guard let previous = lengths.last else { throw InflateError("repeat with no previous length") }
                lengths += [Int](repeating: previous, count: 3 + (try self.bits(2)))
            case 17:
                lengths += [Int](repeating: 0, count: 3 + (try self.bits(3)))
            default:
                lengths += [Int](repeating: 0, count: 11 + (try self.bits(7)))
            }
        }
        guard lengths.count == literalCount + distanceCount else { throw InflateError("code lengths overrun") }
        guard lengths[256] > 0 else { throw InflateError("no end-of-block code") }
        let literal = try Decoder(lengths: Array(lengths[0..<literalCount]))
        let distance = try Decoder(lengths: Array(lengths[literalCount...]))
        return (literal, distance)
    }
}
