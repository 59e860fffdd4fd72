import NacosTransport
import Testing

@testable import NacosHTTP2

/// The encoder's choice of representations and its dynamic table size updates.
@Suite struct HPACKEncoderTests {
    static func encode(_ headers: [HPACKHeader], with encoder: inout HPACKEncoder) -> String {
        var buffer = NacosByteBuffer()
        encoder.encode(headers, into: &buffer)
        return HPACKTestBytes.hex(buffer)
    }

    @Test func everyStaticEntryIsSentAsItsIndexAndDecodedBack() throws {
        #expect(HPACKStaticTable.entries.count == 61)
        var encoder = HPACKEncoder()
        var decoder = HPACKDecoder()
        for (offset, entry) in HPACKStaticTable.entries.enumerated() {
            let header = HPACKHeader(entry.name, entry.value)
            #expect(Self.encode([header], with: &encoder) == HPACKTestBytes.hex([0x80 | UInt8(offset + 1)]), "\(entry)")
            #expect(try decoder.decode(NacosByteBuffer(bytes: [0x80 | UInt8(offset + 1)])) == [header])
        }
        #expect(HPACKStaticTable.entries[15] == ("accept-encoding", "gzip, deflate"))
        #expect(HPACKStaticTable.entries[60] == ("www-authenticate", ""))
        #expect(encoder.dynamicTable.count == 0)
        // A static name with another value is named by its lowest index: :status is 8.
        var raw = HPACKEncoder(useHuffman: false)
        #expect(Self.encode([HPACKHeader(":status", "503")], with: &raw) == "4803353033")
    }

    @Test func repeatedFieldsBecomeOneOctet() throws {
        var encoder = HPACKEncoder()
        var decoder = HPACKDecoder()
        let headers = [HPACKHeader("content-type", "application/grpc"), HPACKHeader("te", "trailers")]
        var buffer = NacosByteBuffer()
        encoder.encode(headers, into: &buffer)
        #expect(try decoder.decode(buffer) == headers)
        // content-type (static name 31) then te (new name), both inserted; now 63 and 62.
        #expect(Self.encode(headers, with: &encoder) == "bfbe")
    }

    @Test func neverIndexedFieldsStayLiteral() throws {
        var encoder = HPACKEncoder(useHuffman: false)
        let header = HPACKHeader("authorization", "secret", indexing: .neverIndexed)
        // Name index 23 on a 4-bit prefix: 0x1f then 23 - 15 = 8.
        let expected = "1f0806736563726574"
        #expect(Self.encode([header], with: &encoder) == expected)
        #expect(Self.encode([header], with: &encoder) == expected)
        #expect(encoder.dynamicTable.count == 0)
        var decoder = HPACKDecoder()
        #expect(try decoder.decode(HPACKTestBytes.buffer(expected)) == [header])
    }

    @Test func nonIndexableFieldsAreLiteralsWithoutIndexingEvenWhenInATable() throws {
        var encoder = HPACKEncoder(useHuffman: false)
        let header = HPACKHeader(":method", "GET", indexing: .nonIndexable)
        #expect(Self.encode([header], with: &encoder) == "0203474554")
        #expect(encoder.dynamicTable.count == 0)
        // A field named from the dynamic table.
        _ = Self.encode([HPACKHeader("x-id", "1")], with: &encoder)
        #expect(Self.encode([HPACKHeader("x-id", "2", indexing: .nonIndexable)], with: &encoder) == "0f2f0132")
        var decoder = HPACKDecoder()
        #expect(try decoder.decode(HPACKTestBytes.buffer("0203474554")) == [header])
    }

    @Test func fieldsTooLargeForTheTableAreNotInserted() throws {
        var encoder = HPACKEncoder(maxDynamicTableSize: 100, useHuffman: false)
        _ = Self.encode([HPACKHeader("keep", "me")], with: &encoder)
        let large = HPACKHeader("large", String(repeating: "z", count: 64))  // 101 octets
        var buffer = NacosByteBuffer()
        encoder.encode([large], into: &buffer)
        #expect(buffer.readableBytesArray.first == 0x00)  // literal without indexing, new name
        #expect(HPACKTestBytes.entries(encoder.dynamicTable) == [["keep", "me"]])
        var decoder = HPACKDecoder(maxDynamicTableSize: 100)
        #expect(try decoder.decode(buffer) == [HPACKHeader(large.name, large.value, indexing: .nonIndexable)])
    }

    @Test func huffmanIsUsedOnlyWhenNotLonger() {
        var encoder = HPACKEncoder()
        // The name "x" is one octet either way (1111001 + one padding bit), so Huffman; "~~~~" would take
        // 4 * 13 bits = 7 octets against 4 raw, so raw.
        #expect(Self.encode([HPACKHeader("x", "~~~~", indexing: .nonIndexable)], with: &encoder) == "0081f3" + "047e7e7e7e")
        // An empty value is a zero-length raw string.
        #expect(Self.encode([HPACKHeader(":path", "", indexing: .nonIndexable)], with: &encoder) == "0400")
        var raw = HPACKEncoder(useHuffman: false)
        #expect(Self.encode([HPACKHeader(":path", "/aaaa", indexing: .nonIndexable)], with: &raw) == "04052f61616161")
    }

    @Test func aSmallerPeerTableSizeIsAnnouncedAtTheNextBlock() throws {
        var encoder = HPACKEncoder()
        var decoder = HPACKDecoder()
        // Unchanged or larger than the encoder's limit: no update.
        encoder.setMaxDynamicTableSize(4096)
        #expect(Self.encode([HPACKHeader(":method", "GET")], with: &encoder) == "82")
        encoder.setMaxDynamicTableSize(65_536)
        #expect(Self.encode([HPACKHeader(":method", "GET")], with: &encoder) == "82")
        #expect(encoder.dynamicTable.maxSize == 4096)

        var buffer = NacosByteBuffer()
        encoder.encode([HPACKHeader("x-a", "1"), HPACKHeader("x-b", "2")], into: &buffer)
        _ = try decoder.decode(buffer)
        // 1024 = 31 + 993: 0x3f, 993 % 128 = 97 | 0x80, 993 / 128 = 7.
        encoder.setMaxDynamicTableSize(1024)
        buffer = NacosByteBuffer()
        encoder.encode([HPACKHeader(":method", "GET")], into: &buffer)
        #expect(HPACKTestBytes.hex(buffer) == "3fe10782")
        #expect(try decoder.decode(buffer) == [HPACKHeader(":method", "GET")])
        #expect(decoder.dynamicTable.maxSize == 1024)
        #expect(HPACKTestBytes.entries(decoder.dynamicTable) == HPACKTestBytes.entries(encoder.dynamicTable))
        // Only the first block after the change carries the update.
        #expect(Self.encode([HPACKHeader(":method", "GET")], with: &encoder) == "82")
    }

    @Test func aSizeThatDroppedAndRoseAgainAnnouncesTheMinimumThenTheFinalSize() throws {
        var encoder = HPACKEncoder()
        var decoder = HPACKDecoder()
        var buffer = NacosByteBuffer()
        encoder.encode([HPACKHeader("x-a", "1")], into: &buffer)
        _ = try decoder.decode(buffer)
        encoder.setMaxDynamicTableSize(0)
        encoder.setMaxDynamicTableSize(2048)
        encoder.setMaxDynamicTableSize(4096)
        #expect(encoder.dynamicTable.count == 0)
        buffer = NacosByteBuffer()
        encoder.encode([HPACKHeader("x-a", "1")], into: &buffer)
        // Update to 0, update to 4096, then x-a as a new literal (its old entry is gone).
        #expect(HPACKTestBytes.hex(buffer).hasPrefix("203fe11f40"))
        #expect(try decoder.decode(buffer) == [HPACKHeader("x-a", "1")])
        #expect(HPACKTestBytes.entries(decoder.dynamicTable) == [["x-a", "1"]])
    }

    @Test func aLargerLimitIsUsedOnlyOnceThePeerAllowsIt() throws {
        var encoder = HPACKEncoder(maxDynamicTableSize: 8192)
        #expect(encoder.dynamicTable.maxSize == 4096)
        #expect(Self.encode([HPACKHeader(":method", "GET")], with: &encoder) == "82")
        encoder.setMaxDynamicTableSize(16_384)
        #expect(encoder.dynamicTable.maxSize == 8192)
        // 8192 = 31 + 8161: 8161 % 128 = 97 | 0x80, 8161 / 128 = 63.
        #expect(Self.encode([HPACKHeader(":method", "GET")], with: &encoder) == "3fe13f82")
        var decoder = HPACKDecoder(maxDynamicTableSize: 16_384)
        #expect(try decoder.decode(HPACKTestBytes.buffer("3fe13f82")) == [HPACKHeader(":method", "GET")])
        #expect(decoder.dynamicTable.maxSize == 8192)
    }

    @Test func aSmallerLimitIsAnnouncedWhenThePeerChangesItsSetting() {
        // The peer's decoder assumes 4096 until told: once its SETTINGS arrive, the encoder's 256 is announced.
        var encoder = HPACKEncoder(maxDynamicTableSize: 256)
        #expect(Self.encode([HPACKHeader(":method", "GET")], with: &encoder) == "82")
        encoder.setMaxDynamicTableSize(4096)
        // 256 = 31 + 225: 225 % 128 = 97 | 0x80, 225 / 128 = 1.
        #expect(Self.encode([HPACKHeader(":method", "GET")], with: &encoder) == "3fe10182")
    }
}
