/// The codes of a dynamic-Huffman block and its header (RFC 1951 §3.2.7): the literal/length and distance
/// code lengths, run-length encoded with the code-length alphabet (16 = repeat the previous length 3-6
/// times, 17 = 3-10 zeros, 18 = 11-138 zeros), which has its own Huffman code.
internal struct DynamicBlockHeader {
    /// The block's literal/length code.
    let literalCode: HuffmanCode
    /// The block's distance code.
    let distanceCode: HuffmanCode
    /// The header's size in bits, after the 3 block-type bits.
    let headerBits: Int

    private let literalCount: Int
    private let distanceCount: Int
    private let codeLengthCount: Int
    private let codeLengthCode: HuffmanCode
    /// The run-length-encoded lengths: (code-length symbol, extra-bit value).
    private let runs: [(symbol: Int, extra: Int)]

    private static let runExtraBits = [16: 2, 17: 3, 18: 7]

    /// Builds codes for a block with these symbol frequencies (the end-of-block symbol counted).
    init(literalFrequencies: [Int], distanceFrequencies: [Int]) {
        self.literalCode = HuffmanCode(frequencies: literalFrequencies, limit: 15)
        self.distanceCode = HuffmanCode(frequencies: distanceFrequencies, limit: 15)
        let literalCount = max(257, (self.literalCode.lengths.lastIndex { $0 > 0 } ?? 0) + 1)
        let distanceCount = max(1, (self.distanceCode.lengths.lastIndex { $0 > 0 } ?? 0) + 1)
        self.literalCount = literalCount
        self.distanceCount = distanceCount

        let lengths = Array(self.literalCode.lengths[0..<literalCount]) + Array(self.distanceCode.lengths[0..<distanceCount])
        let runs = Self.runLengthEncode(lengths)
        self.runs = runs

        var codeLengthFrequencies = [Int](repeating: 0, count: 19)
        for run in runs { codeLengthFrequencies[run.symbol] += 1 }
        let codeLengthCode = HuffmanCode(frequencies: codeLengthFrequencies, limit: 7)
        self.codeLengthCode = codeLengthCode
        var codeLengthCount = 19
        while codeLengthCount > 4 && codeLengthCode.lengths[DeflateSymbols.codeLengthOrder[codeLengthCount - 1]] == 0 {
            codeLengthCount -= 1
        }
        self.codeLengthCount = codeLengthCount

        var bits = 5 + 5 + 4 + 3 * codeLengthCount
        for run in runs {
            bits += Int(codeLengthCode.lengths[run.symbol]) + (Self.runExtraBits[run.symbol] ?? 0)
        }
        self.headerBits = bits
    }

    /// Writes the header (HLIT, HDIST, HCLEN, the code-length code, the encoded lengths).
    func write(to writer: inout DeflateBitWriter) {
        writer.write(UInt32(self.literalCount - 257), bits: 5)
        writer.write(UInt32(self.distanceCount - 1), bits: 5)
        writer.write(UInt32(self.codeLengthCount - 4), bits: 4)
        for index in 0..<self.codeLengthCount {
            writer.write(UInt32(self.codeLengthCode.lengths[DeflateSymbols.codeLengthOrder[index]]), bits: 3)
        }
        for run in self.runs {
            self.codeLengthCode.write(run.symbol, to: &writer)
            if let extraBits = Self.runExtraBits[run.symbol] {
                writer.write(UInt32(run.extra), bits: extraBits)
            }
        }
    }

    private static func runLengthEncode(_ lengths: [UInt8]) -> [(symbol: Int, extra: Int)] {
        var runs: [(symbol: Int, extra: Int)] = []
        var index = 0
        while index < lengths.count {
            let length = Int(lengths[index])
            var count = 1
            while index + count < lengths.count && Int(lengths[index + count]) == length { count += 1 }
            index += count
            if length == 0 {
                while count >= 11 {
                    let repeats = min(count, 138)
                    runs.append((18, repeats - 11))
                    count -= repeats
                }
                if count >= 3 {
                    runs.append((17, count - 3))
                    count = 0
                }
            } else {
                runs.append((length, 0))
                count -= 1
                while count >= 3 {
                    let repeats = min(count, 6)
                    runs.append((16, repeats - 3))
                    count -= repeats
                }
            }
            for _ in 0..<count { runs.append((length, 0)) }
        }
        return runs
    }
}
