import NacosTestKit
import NacosTransport
import Testing

@testable import NacosHTTP2

/// The Huffman code of RFC 7541 Appendix B: the table itself, encoding, decoding and the decoder's checks.
@Suite struct HPACKHuffmanTests {
    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBufferPointer { octets in
            var buffer = NacosByteBuffer()
            HPACKHuffman.encode(octets, encodedLength: HPACKHuffman.encodedLength(of: octets), into: &buffer)
            return buffer.readableBytesArray
        }
    }

    static func decode(_ bytes: [UInt8]) throws(HPACKError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: HPACKHuffman.maxDecodedLength(ofEncodedLength: bytes.count))
        let outcome: Result<Int, HPACKError> = bytes.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { buffer in
                Result { () throws(HPACKError) -> Int in try HPACKHuffman.decode(input, into: buffer) }
            }
        }
        return Array(output[..<(try outcome.get())])
    }

    /// Packs (code, length) pairs MSB first and pads the last octet with `padding` bits of `paddingBit`.
    static func pack(_ codes: [(UInt64, Int)], padding: Int = -1, paddingBit: UInt64 = 1) -> [UInt8] {
        var bits: [UInt64] = []
        for (code, length) in codes {
            for position in stride(from: length - 1, through: 0, by: -1) { bits.append((code >> UInt64(position)) & 1) }
        }
        let pad = padding >= 0 ? padding : (8 - bits.count % 8) % 8
        bits += [UInt64](repeating: paddingBit, count: pad)
        precondition(bits.count % 8 == 0, "pack must end on an octet boundary")
        return stride(from: 0, to: bits.count, by: 8).map { start in
            UInt8(bits[start..<(start + 8)].reduce(0) { $0 << 1 | $1 })
        }
    }

    static func code(_ symbol: Int) -> (UInt64, Int) {
        (UInt64(HPACKHuffmanCodeTable.codes[symbol]), Int(HPACKHuffmanCodeTable.lengths[symbol]))
    }

    @Test func tableIsACompletePrefixCodeOf257Symbols() {
        #expect(HPACKHuffmanCodeTable.codes.count == 257)
        #expect(HPACKHuffmanCodeTable.lengths.count == 257)
        // Kraft's sum is exactly 1 for a complete prefix code: sum of 2^(30 - length) == 2^30.
        var kraft = 0
        var seen = Set<String>()
        for symbol in 0...256 {
            let length = Int(HPACKHuffmanCodeTable.lengths[symbol])
            #expect(length >= 5 && length <= 30)
            #expect(HPACKHuffmanCodeTable.codes[symbol] >> UInt32(length) == 0, "code \(symbol) wider than its length")
            kraft += 1 << (30 - length)
            let bits = String(HPACKHuffmanCodeTable.codes[symbol], radix: 2)
            seen.insert(String(repeating: "0", count: length - bits.count) + bits)
        }
        #expect(kraft == 1 << 30)
        #expect(seen.count == 257)
        // Spot checks against Appendix B.
        #expect(Self.code(0) == (0x1ff8, 13))
        #expect(Self.code(Int(UInt8(ascii: "0"))) == (0x0, 5))
        #expect(Self.code(Int(UInt8(ascii: "a"))) == (0x3, 5))
        #expect(Self.code(Int(UInt8(ascii: "~"))) == (0x1ffd, 13))
        #expect(Self.code(255) == (0x3ffffee, 26))
        #expect(Self.code(256) == (0x3fffffff, 30))
        #expect(HPACKHuffman.transitions.count == 256 * 16)
    }

    @Test func rfcStringsEncodeAndDecode() throws {
        let vectors: [(String, String)] = [
            ("www.example.com", "f1e3c2e5f23a6ba0ab90f4ff"),
            ("no-cache", "a8eb10649cbf"),
            ("custom-key", "25a849e95ba97d7f"),
            ("custom-value", "25a849e95bb8e8b4bf"),
            ("302", "6402"),
            ("307", "640eff"),
            ("private", "aec3771a4b"),
            ("Mon, 21 Oct 2013 20:13:21 GMT", "d07abe941054d444a8200595040b8166e082a62d1bff"),
            ("https://www.example.com", "9d29ad171863c78f0b97c8e9ae82ae43d3"),
            ("gzip", "9bd9ab"),
            (
                HPACKRFCExampleTests.cookie,
                "94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007"
            ),
        ]
        for (text, hex) in vectors {
            #expect(HPACKTestBytes.hex(Self.encode(Array(text.utf8))) == hex, "\(text)")
            #expect(try Self.decode(HPACKTestBytes.bytes(hex)) == Array(text.utf8), "\(text)")
        }
    }

    @Test func everyByteValueAloneRoundTrips() throws {
        for value in 0...255 {
            let byte = UInt8(value)
            let encoded = Self.encode([byte])
            let length = Int(HPACKHuffmanCodeTable.lengths[value])
            #expect(encoded.count == (length + 7) / 8, "byte \(value)")
            #expect(encoded == Self.pack([Self.code(value)]), "byte \(value)")
            #expect(try Self.decode(encoded) == [byte], "byte \(value)")
        }
    }

    @Test func allByteValuesTogetherRoundTrip() throws {
        let ascending = (0...255).map { UInt8($0) }
        #expect(try Self.decode(Self.encode(ascending)) == ascending)
        #expect(try Self.decode(Self.encode(ascending.reversed())) == ascending.reversed())
        var random = SeededRandom(seed: 7541)
        for _ in 0..<300 {
            let bytes = random.bytes(Int(random.next() % 300))
            let encoded = Self.encode(bytes)
            let bits = bytes.reduce(0) { $0 + Int(HPACKHuffmanCodeTable.lengths[Int($1)]) }
            #expect(encoded.count == (bits + 7) / 8)
            #expect(try Self.decode(encoded) == bytes)
        }
    }

    @Test func paddingOfUpToSevenOnesIsAccepted() throws {
        // "aaaaa" is 25 bits: 7 bits of padding.
        let five = Array("aaaaa".utf8)
        #expect(Self.encode(five) == Self.pack([Self.code(97), Self.code(97), Self.code(97), Self.code(97), Self.code(97)]))
        // The last octet is the final bit of the fifth 'a' (00011) followed by seven padding ones.
        #expect(Self.encode(five).last == 0xFF)
        #expect(try Self.decode(Self.encode(five)) == five)
        #expect(try Self.decode([]) == [])
    }

    @Test func paddingLongerThanSevenBitsIsRejected() throws {
        // Eight 'a's are exactly 40 bits; a whole octet of ones after them is padding of 8 bits.
        let exact = Self.encode(Array("aaaaaaaa".utf8))
        #expect(exact.count == 5)
        #expect(try Self.decode(exact) == Array("aaaaaaaa".utf8))
        var error = #expect(throws: HPACKError.self) { try Self.decode(exact + [0xFF]) }
        #expect(error?.code == .invalidHuffman)
        // 'a' then 11 one bits.
        error = #expect(throws: HPACKError.self) { try Self.decode(Self.pack([Self.code(97)], padding: 11)) }
        #expect(error?.code == .invalidHuffman)
        // A lone octet of ones (a prefix of EOS) is not a string.
        error = #expect(throws: HPACKError.self) { try Self.decode([0xFF]) }
        #expect(error?.code == .invalidHuffman)
    }

    @Test func paddingThatIsNotAllOnesIsRejected() {
        // 'a' (00011) then padding 000.
        var error = #expect(throws: HPACKError.self) { try Self.decode(Self.pack([Self.code(97)], paddingBit: 0)) }
        #expect(error?.code == .invalidHuffman)
        // 'a' (00011) then padding 101.
        error = #expect(throws: HPACKError.self) { try Self.decode([0b0001_1101]) }
        #expect(error?.code == .invalidHuffman)
        // "aaaaa" with its seven padding bits 1111110.
        var five = Self.encode(Array("aaaaa".utf8))
        five[five.count - 1] = 0xFE
        error = #expect(throws: HPACKError.self) { try Self.decode(five) }
        #expect(error?.code == .invalidHuffman)
    }

    @Test func endOfStringSymbolIsRejected() {
        // EOS alone, padded: 30 ones then 2 ones.
        var error = #expect(throws: HPACKError.self) { try Self.decode([0xFF, 0xFF, 0xFF, 0xFF]) }
        #expect(error?.code == .invalidHuffman)
        #expect(error?.message.contains("EOS") == true)
        // EOS between two symbols.
        error = #expect(throws: HPACKError.self) {
            try Self.decode(Self.pack([Self.code(97), Self.code(256), Self.code(98)]))
        }
        #expect(error?.code == .invalidHuffman)
        #expect(error?.message.contains("EOS") == true)
    }
}
