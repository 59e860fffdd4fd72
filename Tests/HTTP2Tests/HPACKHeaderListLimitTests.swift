import NacosTransport
import Testing

@testable import NacosHTTP2

/// The decoder's bound on the decoded header list, and the table staying in sync when it is exceeded.
@Suite struct HPACKHeaderListLimitTests {
    static func encode(_ headers: [HPACKHeader], with encoder: inout HPACKEncoder) -> NacosByteBuffer {
        var buffer = NacosByteBuffer()
        encoder.encode(headers, into: &buffer)
        return buffer
    }

    @Test func aListOfExactlyTheLimitPassesAndOneOctetMoreFails() throws {
        // Two fields of 1 + 17 + 32 = 50 octets each.
        let headers = [HPACKHeader("a", String(repeating: "x", count: 17)), HPACKHeader("b", String(repeating: "y", count: 17))]
        var encoder = HPACKEncoder()
        let block = Self.encode(headers, with: &encoder)
        var atLimit = HPACKDecoder(maxHeaderListSize: 100)
        #expect(try atLimit.decode(block) == headers)
        var belowLimit = HPACKDecoder(maxHeaderListSize: 99)
        let error = #expect(throws: HPACKError.self) { try belowLimit.decode(block) }
        #expect(error?.code == .headerListTooLarge)
        #expect(error?.message.contains("99") == true)
    }

    @Test func theTableStaysInSyncWhenTheLimitIsExceeded() throws {
        var encoder = HPACKEncoder()
        var decoder = HPACKDecoder(maxHeaderListSize: 200)
        let first = [
            HPACKHeader(":status", "200"),
            HPACKHeader("big", String(repeating: "b", count: 300)),  // over the limit by itself
            HPACKHeader("after-1", "one"),  // inserted after the limit was crossed
            HPACKHeader("secret", "s", indexing: .neverIndexed),
            HPACKHeader("after-2", "two"),
        ]
        let error = #expect(throws: HPACKError.self) { try decoder.decode(Self.encode(first, with: &encoder)) }
        #expect(error?.code == .headerListTooLarge)
        // Every insertion of the failed block happened, exactly as in the encoder.
        let expected = [["after-2", "two"], ["after-1", "one"], ["big", String(repeating: "b", count: 300)]]
        #expect(HPACKTestBytes.entries(decoder.dynamicTable) == expected)
        #expect(HPACKTestBytes.entries(decoder.dynamicTable) == HPACKTestBytes.entries(encoder.dynamicTable))
        #expect(decoder.dynamicTable.size == encoder.dynamicTable.size)

        // The next block refers to those entries by index and decodes correctly.
        let second = [HPACKHeader("after-1", "one"), HPACKHeader("after-2", "two"), HPACKHeader(":status", "200")]
        let block = Self.encode(second, with: &encoder)
        #expect(HPACKTestBytes.hex(block) == "bfbe88")
        #expect(try decoder.decode(block) == second)
    }

    @Test func indexedReferencesCountTowardsTheLimit() throws {
        var decoder = HPACKDecoder(maxHeaderListSize: 16 * 1024)
        // One 1 KiB entry, then a block of 10,000 one-octet references to it.
        var encoder = HPACKEncoder()
        let entry = HPACKHeader("k", String(repeating: "v", count: 1000))
        _ = try decoder.decode(Self.encode([entry], with: &encoder))
        let block = NacosByteBuffer(bytes: [UInt8](repeating: 0xBE, count: 10_000))
        let error = #expect(throws: HPACKError.self) { try decoder.decode(block) }
        #expect(error?.code == .headerListTooLarge)
        // Fifteen references fit (15 * 1033 = 15495 octets); sixteen (16528) do not.
        #expect(try decoder.decode(NacosByteBuffer(bytes: [UInt8](repeating: 0xBE, count: 15))).count == 15)
        #expect(throws: HPACKError.self) { try decoder.decode(NacosByteBuffer(bytes: [UInt8](repeating: 0xBE, count: 16))) }
    }

    @Test func aCompressionErrorAfterTheLimitWinsOverTheLimit() {
        var decoder = HPACKDecoder(maxHeaderListSize: 40)
        // ":authority" with a 20-octet value crosses the limit, then index 0 is invalid.
        let block = HPACKTestBytes.buffer("0114" + String(repeating: "61", count: 20) + "80")
        let error = #expect(throws: HPACKError.self) { try decoder.decode(block) }
        #expect(error?.code == .invalidIndex)
    }
}
