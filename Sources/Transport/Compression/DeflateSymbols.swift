/// DEFLATE's length and distance alphabets (RFC 1951 §3.2.5): which symbol codes a match length or
/// distance, with how many extra bits, and the fixed Huffman code lengths (§3.2.6).
internal enum DeflateSymbols {
    /// The end-of-block symbol.
    static let endOfBlock = 256
    /// Literal/length symbols a block may use (0...285).
    static let literalLengthCount = 286
    /// Distance symbols a block may use (0...29).
    static let distanceCount = 30
    /// The shortest match DEFLATE can express.
    static let minMatch = 3
    /// The longest match DEFLATE can express.
    static let maxMatch = 258
    /// The farthest back a match may reach.
    static let windowSize = 32768

    /// The smallest length of each length symbol 257...285.
    static let lengthBase: [UInt16] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
    ]
    /// The extra bits of each length symbol 257...285.
    static let lengthExtraBits: [UInt8] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]

    /// For each match length minus 3 (0...255), the index of its length symbol (symbol minus 257).
    static let lengthSymbolIndex: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for index in 0..<Self.lengthBase.count {
            let base = Int(Self.lengthBase[index]) - 3
            let span = 1 << Int(Self.lengthExtraBits[index])
            // Symbol 285 (length 258) overrides the top of symbol 284's range, as the RFC requires.
            for offset in 0..<span where base + offset < 256 {
                table[base + offset] = UInt8(index)
            }
        }
        return table
    }()

    /// The distance symbol (0...29) of a distance 1...32768.
    @inline(__always)
    static func distanceSymbol(_ distance: Int) -> Int {
        let value = distance - 1
        if value < 4 { return value }
        let highBit = Int.bitWidth - 1 - value.leadingZeroBitCount
        return 2 * highBit + ((value >> (highBit - 1)) & 1)
    }

    /// The extra bits of distance symbol `symbol`.
    @inline(__always)
    static func distanceExtraBits(_ symbol: Int) -> Int {
        symbol < 4 ? 0 : symbol / 2 - 1
    }

    /// The smallest distance of distance symbol `symbol`.
    @inline(__always)
    static func distanceBase(_ symbol: Int) -> Int {
        symbol < 4 ? symbol + 1 : ((2 | (symbol & 1)) << (symbol / 2 - 1)) + 1
    }

    /// The fixed literal/length code lengths (288 symbols, of which 286 and 287 never occur).
    static let fixedLiteralLengths: [UInt8] = (0..<288).map { symbol in
        switch symbol {
        case 0...143: 8
        case 144...255: 9
        case 256...279: 7
        default: 8
        }
    }

    /// The fixed distance code lengths (every distance code has 5 bits).
    static let fixedDistanceLengths = [UInt8](repeating: 5, count: 30)

    /// The fixed literal/length code.
    static let fixedLiteralCode = HuffmanCode(lengths: Self.fixedLiteralLengths)
    /// The fixed distance code.
    static let fixedDistanceCode = HuffmanCode(lengths: Self.fixedDistanceLengths)

    /// The order in which a dynamic block header lists the code-length code's lengths.
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
}
