import NacosTestKit
import NacosTransport
import Testing

@testable import NacosHTTP2

/// Header blocks a broken or hostile peer could send: each fails with the right code, none crashes.
@Suite struct HPACKMalformedInputTests {
    /// Decodes `hex` on `decoder`, expecting an `HPACKError` with `code`; returns its message.
    @discardableResult
    static func expectFailure(
        _ hex: String,
        _ code: HPACKError.Code,
        decoder: HPACKDecoder = HPACKDecoder(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> String? {
        var decoder = decoder
        let error = #expect(throws: HPACKError.self, sourceLocation: sourceLocation) {
            try decoder.decode(HPACKTestBytes.buffer(hex))
        }
        #expect(error?.code == code, "\(error.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
        return error?.message
    }

    /// A decoder whose dynamic table holds one entry, `custom-key: custom-header`.
    static func decoderWithOneEntry() throws -> HPACKDecoder {
        var decoder = HPACKDecoder()
        _ = try decoder.decode(HPACKTestBytes.buffer("400a637573746f6d2d6b65790d637573746f6d2d686561646572"))
        return decoder
    }

    @Test func indexZeroIsRejected() {
        Self.expectFailure("80", .invalidIndex)
    }

    @Test func indicesPastTheTablesAreRejected() throws {
        var message = Self.expectFailure("be", .invalidIndex)
        #expect(message?.contains("62") == true)
        // Index 62 works once the dynamic table has an entry; 63 does not.
        var decoder = try Self.decoderWithOneEntry()
        #expect(try decoder.decode(HPACKTestBytes.buffer("be")) == [HPACKHeader("custom-key", "custom-header")])
        Self.expectFailure("bf", .invalidIndex, decoder: decoder)
        // A literal's name index is checked too, for each kind of literal.
        Self.expectFailure("7e0161", .invalidIndex)
        Self.expectFailure("0f2f0161", .invalidIndex)
        message = Self.expectFailure("1f300161", .invalidIndex, decoder: decoder)
        #expect(message?.contains("63") == true)
        // A huge index is an overflow, not a table miss.
        Self.expectFailure("ffffffffff7f", .integerOverflow)
    }

    @Test func truncatedBlocksAreRejected() {
        Self.expectFailure("ff", .truncated)  // index continues past the end
        Self.expectFailure("ff80", .truncated)
        Self.expectFailure("40", .truncated)  // new name missing
        Self.expectFailure("4005616263", .truncated)  // name shorter than its length
        Self.expectFailure("400161", .truncated)  // value missing
        Self.expectFailure("04", .truncated)  // value of an indexed-name literal missing
        Self.expectFailure("047f", .truncated)  // value length continues past the end
        Self.expectFailure("048a6162", .truncated)  // Huffman value shorter than its length
        Self.expectFailure("3f", .truncated)  // table size update continues past the end
    }

    @Test func everyCutOfAValidBlockDecodesAPrefixOrFailsAsTruncated() throws {
        let blocks = [
            "828684418cf1e3c2e5f23a6ba0ab90f4ff",
            "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565",
            "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3",
            "100870617373776f726406736563726574",
        ]
        for hex in blocks {
            let bytes = HPACKTestBytes.bytes(hex)
            var full = HPACKDecoder()
            // The second block references dynamic entries 62 and 63; give the decoders the same two entries.
            let setup = HPACKTestBytes.buffer("4103616161" + "4103626262")
            _ = try full.decode(setup)
            let start = full
            let complete = try full.decode(NacosByteBuffer(bytes: bytes))
            for length in 0..<bytes.count {
                var decoder = start
                do {
                    let headers = try decoder.decode(NacosByteBuffer(bytes: bytes[..<length]))
                    #expect(Array(complete.prefix(headers.count)) == headers, "cut at \(length) of \(hex)")
                } catch {
                    #expect(error.code == .truncated, "cut at \(length) of \(hex): \(error)")
                }
            }
        }
    }

    @Test func integerOverflowIsRejected() {
        Self.expectFailure("ff808080808000", .integerOverflow)  // six continuation octets
        Self.expectFailure("7f80ffffffff0f", .integerOverflow)  // a name index past 2^31
        Self.expectFailure("40ffffffffff0f", .integerOverflow)  // a string length past 2^31
        Self.expectFailure("3fe1ffffff0f", .integerOverflow)  // a table size past 2^31
    }

    @Test func badHuffmanIsRejected() {
        Self.expectFailure("048118", .invalidHuffman)  // 'a' padded with zeros
        Self.expectFailure("0484ffffffff", .invalidHuffman)  // EOS
        Self.expectFailure("0482" + "1fff", .invalidHuffman)  // 'a' then 11 bits of padding
        Self.expectFailure("4081ff0161", .invalidHuffman)  // in a name
    }

    @Test func tableSizeUpdatesAboveTheLimitAreRejected() throws {
        // 4096 is allowed, 4097 is not.
        var decoder = HPACKDecoder()
        #expect(try decoder.decode(HPACKTestBytes.buffer("3fe11f82")) == [HPACKHeader(":method", "GET")])
        #expect(decoder.dynamicTable.maxSize == 4096)
        let message = Self.expectFailure("3fe21f", .invalidTableSizeUpdate)
        #expect(message?.contains("4097") == true)
        Self.expectFailure("3f01", .invalidTableSizeUpdate, decoder: HPACKDecoder(maxDynamicTableSize: 31))
        Self.expectFailure("21", .invalidTableSizeUpdate, decoder: HPACKDecoder(maxDynamicTableSize: 0))
        // With a smaller advertised size, updates up to it pass.
        var small = HPACKDecoder(maxDynamicTableSize: 100)
        #expect(try small.decode(HPACKTestBytes.buffer("3f45")).isEmpty)
        #expect(small.dynamicTable.maxSize == 100)
    }

    @Test func tableSizeUpdatesMustStartTheBlock() throws {
        Self.expectFailure("8220", .invalidTableSizeUpdate)
        Self.expectFailure("20822000", .invalidTableSizeUpdate)
        // Two updates at the start are fine (the smallest, then the final size), and shrinking evicts.
        var decoder = try Self.decoderWithOneEntry()
        #expect(try decoder.decode(HPACKTestBytes.buffer("203fe11f82")) == [HPACKHeader(":method", "GET")])
        #expect(decoder.dynamicTable.count == 0)
        #expect(decoder.dynamicTable.maxSize == 4096)
        Self.expectFailure("be", .invalidIndex, decoder: decoder)
        // An update in a later block (after the first block had fields) is fine at that block's start.
        #expect(try decoder.decode(HPACKTestBytes.buffer("3f2182")) == [HPACKHeader(":method", "GET")])
        #expect(decoder.dynamicTable.maxSize == 64)
    }

    @Test func invalidUTF8IsRejected() {
        Self.expectFailure("4001ff0161", .invalidString)  // raw name
        Self.expectFailure("0402c328", .invalidString)  // raw value
        Self.expectFailure("0403eda080", .invalidString)  // a UTF-16 surrogate
        // A Huffman-coded 0xFF (26 bits) then 6 padding ones.
        Self.expectFailure("0484fffffbbf", .invalidString)
    }

    @Test func randomGarbageNeverCrashes() {
        var random = SeededRandom(seed: 0x4850_4143)
        var outcomes: [HPACKError.Code?: Int] = [:]
        for _ in 0..<3000 {
            var decoder = HPACKDecoder(maxDynamicTableSize: 256, maxHeaderListSize: 512)
            let bytes = random.bytes(Int(random.next() % 48))
            do {
                _ = try decoder.decode(NacosByteBuffer(bytes: bytes))
                outcomes[nil, default: 0] += 1
            } catch {
                outcomes[error.code, default: 0] += 1
            }
            #expect(decoder.dynamicTable.size <= decoder.dynamicTable.maxSize)
        }
        // The garbage hit several different checks.
        #expect(outcomes.count >= 4, "\(outcomes)")
    }
}
