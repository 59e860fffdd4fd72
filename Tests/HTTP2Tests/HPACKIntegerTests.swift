import NacosTransport
import Testing

@testable import NacosHTTP2

/// HPACK's prefixed integers (RFC 7541 §5.1 and the examples of Appendix C.1).
@Suite struct HPACKIntegerTests {
    static func encode(_ value: Int, prefixBits: Int, flags: UInt8 = 0) -> [UInt8] {
        var buffer = NacosByteBuffer()
        HPACKInteger.encode(value, prefixBits: prefixBits, flags: flags, into: &buffer)
        return buffer.readableBytesArray
    }

    /// Decodes from the start of `bytes`; returns the value and how many bytes it took.
    static func decode(_ bytes: [UInt8], prefixBits: Int) throws(HPACKError) -> (value: Int, length: Int) {
        let outcome: Result<(Int, Int), HPACKError> = bytes.withUnsafeBytes { raw in
            var index = 0
            return Result { () throws(HPACKError) -> (Int, Int) in
                let value = try HPACKInteger.decode(raw, at: &index, prefixBits: prefixBits)
                return (value, index)
            }
        }
        return try outcome.get()
    }

    @Test func rfcExamples() throws {
        // C.1.1: 10 with a 5-bit prefix; C.1.2: 1337 with a 5-bit prefix; C.1.3: 42 on an octet boundary.
        #expect(Self.encode(10, prefixBits: 5) == [0b0000_1010])
        #expect(Self.encode(1337, prefixBits: 5) == [0b0001_1111, 0b1001_1010, 0b0000_1010])
        #expect(Self.encode(42, prefixBits: 8) == [0b0010_1010])
        #expect(try Self.decode([0b1110_1010], prefixBits: 5) == (10, 1))
        #expect(try Self.decode([0b1111_1111, 0b1001_1010, 0b0000_1010, 0xAA], prefixBits: 5) == (1337, 3))
        #expect(try Self.decode([42], prefixBits: 8) == (42, 1))
    }

    @Test func valuesRoundTripWithEveryPrefix() throws {
        for prefixBits in 1...8 {
            let prefixMax = (1 << prefixBits) - 1
            let flags = UInt8(truncatingIfNeeded: 0xFF << prefixBits)
            let values = [
                0, 1, prefixMax - 1, prefixMax, prefixMax + 1, prefixMax + 127, prefixMax + 128, 255, 256, 16_383, 16_384,
                1 << 20, 1 << 28, HPACKInteger.maxValue - 1, HPACKInteger.maxValue,
            ]
            for value in values {
                let encoded = Self.encode(value, prefixBits: prefixBits, flags: flags)
                #expect(encoded.count == HPACKInteger.encodedLength(of: value, prefixBits: prefixBits))
                #expect(encoded[0] & flags == flags, "flags survive for \(value) with \(prefixBits) bits")
                let decoded = try Self.decode(encoded + [0xFF], prefixBits: prefixBits)
                #expect(decoded == (value, encoded.count), "\(value) with a \(prefixBits)-bit prefix")
            }
        }
    }

    @Test func truncatedIntegersAreRejected() {
        let cases: [([UInt8], Int)] = [([], 5), ([0x1F], 5), ([0xFF], 7), ([0x1F, 0x80], 5), ([0xFF, 0xFF, 0xFF], 8)]
        for (bytes, prefixBits) in cases {
            let error = #expect(throws: HPACKError.self) { try Self.decode(bytes, prefixBits: prefixBits) }
            #expect(error?.code == .truncated, "\(bytes)")
        }
    }

    @Test func valuesPast2To31AreRejected() {
        for prefixBits in [4, 5, 6, 7, 8] {
            let error = #expect(throws: HPACKError.self) {
                try Self.decode(Self.encode(HPACKInteger.maxValue + 1, prefixBits: prefixBits), prefixBits: prefixBits)
            }
            #expect(error?.code == .integerOverflow)
        }
        let huge: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]
        let error = #expect(throws: HPACKError.self) { try Self.decode(huge, prefixBits: 8) }
        #expect(error?.code == .integerOverflow)
        // An endless run of continuation octets is cut off after five, not read to the end.
        let endless = [UInt8(0x1F)] + [UInt8](repeating: 0x80, count: 10_000)
        let runaway = #expect(throws: HPACKError.self) { try Self.decode(endless, prefixBits: 5) }
        #expect(runaway?.code == .integerOverflow)
    }

    @Test func zeroContinuationOctetsAreAllowedUpToFive() throws {
        #expect(try Self.decode([0x1F, 0x80, 0x80, 0x80, 0x80, 0x00], prefixBits: 5) == (31, 6))
        let error = #expect(throws: HPACKError.self) {
            try Self.decode([0x1F, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], prefixBits: 5)
        }
        #expect(error?.code == .integerOverflow)
    }
}
