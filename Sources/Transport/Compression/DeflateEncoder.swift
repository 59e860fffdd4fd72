/// A DEFLATE (RFC 1951) compressor: LZ77 over a 32 KiB window with a hash-chain matcher and one-step lazy
/// matching, emitting each block as fixed Huffman, dynamic Huffman or stored, whichever is smallest.
///
/// Tokens are packed in a `UInt32`: a literal is its byte; a match sets bit 31, keeps `length - 3` in
/// bits 16...23 and `distance - 1` in bits 0...14.
internal struct DeflateEncoder {
    /// How many earlier positions with the same hash one search looks at.
    static let maxChainLength = 128
    /// A match this long ends the search at once.
    static let niceLength = 128
    /// A match at least this long is taken without looking one byte further for a longer one.
    static let lazyLimit = 32
    /// Tokens per block; a block's Huffman codes adapt to its own data.
    static let blockTokenLimit = 16384

    private static let matchFlag: UInt32 = 1 << 31

    private let input: UnsafeBufferPointer<UInt8>
    private let hashShift: Int
    private let windowMask: Int
    private var head: [Int]
    private var previous: [Int]
    private var nextInsert = 0
    private var tokens: [UInt32] = []
    private var literalFrequencies = [Int](repeating: 0, count: DeflateSymbols.literalLengthCount)
    private var distanceFrequencies = [Int](repeating: 0, count: DeflateSymbols.distanceCount)
    private var blockStart = 0

    /// Compresses `input` as one DEFLATE stream (its last block marked final) into `writer`.
    static func deflate(_ input: UnsafeBufferPointer<UInt8>, into writer: inout DeflateBitWriter) {
        var encoder = DeflateEncoder(input: input)
        encoder.run(into: &writer)
    }

    private init(input: UnsafeBufferPointer<UInt8>) {
        self.input = input
        // Size the tables to the input: small pushes should not pay for clearing 32 Ki-entry tables.
        var window = 256
        while window < input.count && window < DeflateSymbols.windowSize { window <<= 1 }
        self.windowMask = window - 1
        let hashBits = min(15, max(8, Int.bitWidth - (window - 1).leadingZeroBitCount))
        self.hashShift = 32 - hashBits
        self.head = [Int](repeating: -1, count: 1 << hashBits)
        self.previous = [Int](repeating: -1, count: window)
        self.tokens.reserveCapacity(min(Self.blockTokenLimit, input.count + 1))
    }

    // MARK: - Matching

    @inline(__always)
    private func hash(at position: Int) -> Int {
        let value = UInt32(self.input[position]) | UInt32(self.input[position + 1]) << 8 | UInt32(self.input[position + 2]) << 16
        return Int((value &* 2_654_435_761) >> UInt32(self.hashShift))
    }

    /// Adds every position up to and including `position` to the hash chains.
    @inline(__always)
    private mutating func insert(through position: Int) {
        let last = min(position, self.input.count - DeflateSymbols.minMatch)
        while self.nextInsert <= last {
            let slot = self.hash(at: self.nextInsert)
            self.previous[self.nextInsert & self.windowMask] = self.head[slot]
            self.head[slot] = self.nextInsert
            self.nextInsert += 1
        }
        self.nextInsert = max(self.nextInsert, position + 1)
    }

    /// The longest earlier match for the bytes at `position` (inserted positions only), or length 0.
    private func longestMatch(at position: Int) -> (length: Int, distance: Int) {
        let maxLength = min(DeflateSymbols.maxMatch, self.input.count - position)
        guard maxLength >= DeflateSymbols.minMatch else { return (0, 0) }
        var candidate = self.head[self.hash(at: position)]
        var bestLength = DeflateSymbols.minMatch - 1
        var bestDistance = 0
        var chain = Self.maxChainLength
        let bytes = self.input
        while candidate >= 0 && chain > 0 {
            let distance = position - candidate
            if distance > DeflateSymbols.windowSize || distance <= 0 { break }
            // The byte that would make this match longer than the best must match first.
            if bytes[candidate + bestLength] == bytes[position + bestLength] && bytes[candidate] == bytes[position] {
                var length = 1
                while length < maxLength && bytes[candidate + length] == bytes[position + length] {
                    length += 1
                }
                if length > bestLength {
                    bestLength = length
                    bestDistance = distance
                    if length >= Self.niceLength || length == maxLength { break }
                }
            }
            let next = self.previous[candidate & self.windowMask]
            if next >= candidate { break }
            candidate = next
            chain -= 1
        }
        return bestLength >= DeflateSymbols.minMatch ? (bestLength, bestDistance) : (0, 0)
    }

    // MARK: - Tokens

    private mutating func run(into writer: inout DeflateBitWriter) {
        let count = self.input.count
        var position = 0
        while position < count {
            var match = self.longestMatch(at: position)
            self.insert(through: position)
            if match.length >= DeflateSymbols.minMatch {
                if match.length < Self.lazyLimit && position + 1 < count {
                    let next = self.longestMatch(at: position + 1)
                    if next.length > match.length {
                        self.addLiteral(self.input[position])
                        position += 1
                        self.insert(through: position)
                        match = next
                    }
                }
                self.addMatch(length: match.length, distance: match.distance)
                self.insert(through: position + match.length - 1)
                position += match.length
            } else {
                self.addLiteral(self.input[position])
                position += 1
            }
            if self.tokens.count >= Self.blockTokenLimit {
                self.flushBlock(end: position, isFinal: position >= count, into: &writer)
            }
        }
        // Unless a full block that ended the input was already written as the final one.
        if !self.tokens.isEmpty || count == 0 {
            self.flushBlock(end: count, isFinal: true, into: &writer)
        }
    }

    @inline(__always)
    private mutating func addLiteral(_ byte: UInt8) {
        self.tokens.append(UInt32(byte))
        self.literalFrequencies[Int(byte)] += 1
    }

    @inline(__always)
    private mutating func addMatch(length: Int, distance: Int) {
        self.tokens.append(Self.matchFlag | UInt32(length - 3) << 16 | UInt32(distance - 1))
        self.literalFrequencies[257 + Int(DeflateSymbols.lengthSymbolIndex[length - 3])] += 1
        self.distanceFrequencies[DeflateSymbols.distanceSymbol(distance)] += 1
    }

    // MARK: - Blocks

    /// Writes the tokens gathered since the last block, covering input bytes `blockStart..<end`.
    private mutating func flushBlock(end: Int, isFinal: Bool, into writer: inout DeflateBitWriter) {
        self.literalFrequencies[DeflateSymbols.endOfBlock] += 1
        let extraBits = self.extraBits()

        let fixedBits = 3 + DeflateSymbols.fixedLiteralCode.cost(of: self.literalFrequencies)
            + DeflateSymbols.fixedDistanceCode.cost(of: self.distanceFrequencies) + extraBits

        let dynamic = DynamicBlockHeader(literalFrequencies: self.literalFrequencies, distanceFrequencies: self.distanceFrequencies)
        let dynamicBits = 3 + dynamic.headerBits + dynamic.literalCode.cost(of: self.literalFrequencies)
            + dynamic.distanceCode.cost(of: self.distanceFrequencies) + extraBits

        let storedLength = end - self.blockStart
        let storedChunks = max(1, (storedLength + 65534) / 65535)
        let storedBits = storedChunks * (3 + 7 + 32) + 8 * storedLength

        if storedBits <= fixedBits && storedBits <= dynamicBits {
            self.writeStored(end: end, isFinal: isFinal, into: &writer)
        } else if fixedBits <= dynamicBits {
            writer.write(isFinal ? 1 : 0, bits: 1)
            writer.write(1, bits: 2)
            self.writeTokens(literalCode: DeflateSymbols.fixedLiteralCode, distanceCode: DeflateSymbols.fixedDistanceCode, into: &writer)
        } else {
            writer.write(isFinal ? 1 : 0, bits: 1)
            writer.write(2, bits: 2)
            dynamic.write(to: &writer)
            self.writeTokens(literalCode: dynamic.literalCode, distanceCode: dynamic.distanceCode, into: &writer)
        }

        self.tokens.removeAll(keepingCapacity: true)
        for index in self.literalFrequencies.indices { self.literalFrequencies[index] = 0 }
        for index in self.distanceFrequencies.indices { self.distanceFrequencies[index] = 0 }
        self.blockStart = end
    }

    private func extraBits() -> Int {
        var bits = 0
        for index in 0..<DeflateSymbols.lengthExtraBits.count {
            bits += self.literalFrequencies[257 + index] * Int(DeflateSymbols.lengthExtraBits[index])
        }
        for symbol in 0..<DeflateSymbols.distanceCount {
            bits += self.distanceFrequencies[symbol] * DeflateSymbols.distanceExtraBits(symbol)
        }
        return bits
    }

    private func writeTokens(literalCode: HuffmanCode, distanceCode: HuffmanCode, into writer: inout DeflateBitWriter) {
        for token in self.tokens {
            if token & Self.matchFlag == 0 {
                literalCode.write(Int(token), to: &writer)
                continue
            }
            let lengthOffset = Int((token >> 16) & 0xFF)
            let distance = Int(token & 0x7FFF) + 1
            let lengthIndex = Int(DeflateSymbols.lengthSymbolIndex[lengthOffset])
            literalCode.write(257 + lengthIndex, to: &writer)
            let lengthExtra = Int(DeflateSymbols.lengthExtraBits[lengthIndex])
            if lengthExtra > 0 {
                writer.write(UInt32(lengthOffset + 3 - Int(DeflateSymbols.lengthBase[lengthIndex])), bits: lengthExtra)
            }
            let distanceSymbol = DeflateSymbols.distanceSymbol(distance)
            distanceCode.write(distanceSymbol, to: &writer)
            let distanceExtra = DeflateSymbols.distanceExtraBits(distanceSymbol)
            if distanceExtra > 0 {
                writer.write(UInt32(distance - DeflateSymbols.distanceBase(distanceSymbol)), bits: distanceExtra)
            }
        }
        literalCode.write(DeflateSymbols.endOfBlock, to: &writer)
    }

    private func writeStored(end: Int, isFinal: Bool, into writer: inout DeflateBitWriter) {
        var start = self.blockStart
        repeat {
            let length = min(65535, end - start)
            let lastChunk = start + length >= end
            writer.write(isFinal && lastChunk ? 1 : 0, bits: 1)
            writer.write(0, bits: 2)
            writer.alignToByte()
            writer.write(UInt32(length), bits: 16)
            writer.write(UInt32(~UInt16(length)), bits: 16)
            writer.alignToByte()
            writer.appendAligned(UnsafeBufferPointer(rebasing: self.input[start..<(start + length)]))
            start += length
        } while start < end
    }
}
