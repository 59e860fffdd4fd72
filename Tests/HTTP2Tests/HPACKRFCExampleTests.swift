import NacosTransport
import Testing

@testable import NacosHTTP2

/// Hex helpers shared by the HPACK tests.
enum HPACKTestBytes {
    /// The bytes of a hex string; spaces are ignored.
    static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8.filter { $0 != UInt8(ascii: " ") })
        precondition(digits.count % 2 == 0, "odd number of hex digits")
        return stride(from: 0, to: digits.count, by: 2).map { offset in
            UInt8(String(decoding: digits[offset..<(offset + 2)], as: UTF8.self), radix: 16)!
        }
    }

    /// A buffer holding the bytes of a hex string.
    static func buffer(_ hex: String) -> NacosByteBuffer {
        NacosByteBuffer(bytes: Self.bytes(hex))
    }

    /// The readable bytes of `buffer` as lower-case hex without spaces.
    static func hex(_ buffer: NacosByteBuffer) -> String {
        Self.hex(buffer.readableBytesArray)
    }

    /// `bytes` as lower-case hex without spaces.
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    /// `(name, value)` pairs as indexable header fields.
    static func headers(_ pairs: [(String, String)]) -> [HPACKHeader] {
        pairs.map { HPACKHeader($0.0, $0.1) }
    }

    /// A table's entries newest first, as `[name, value]` pairs.
    static func entries(_ table: HPACKDynamicTable) -> [[String]] {
        table.entries.map { [$0.name, $0.value] }
    }
}

/// Every example of RFC 7541 Appendix C, decoded from the RFC's bytes and re-encoded to exactly those bytes.
@Suite struct HPACKRFCExampleTests {
    /// One header list of a C.3-C.6 sequence, with the dynamic table the RFC shows after it.
    struct Step {
        var hex: String
        var headers: [(String, String)]
        var table: [[String]]
        var tableSize: Int
    }

    // MARK: C.2 Header field representations

    @Test func literalWithIndexing() throws {
        let hex = "400a637573746f6d2d6b65790d637573746f6d2d686561646572"
        var decoder = HPACKDecoder()
        let decoded = try decoder.decode(HPACKTestBytes.buffer(hex))
        #expect(decoded == [HPACKHeader("custom-key", "custom-header", indexing: .indexable)])
        #expect(HPACKTestBytes.entries(decoder.dynamicTable) == [["custom-key", "custom-header"]])
        #expect(decoder.dynamicTable.size == 55)

        var encoder = HPACKEncoder(useHuffman: false)
        var buffer = NacosByteBuffer()
        encoder.encode(decoded, into: &buffer)
        #expect(HPACKTestBytes.hex(buffer) == hex)
        #expect(encoder.dynamicTable.size == 55)
    }

    @Test func literalWithoutIndexing() throws {
        let hex = "040c2f73616d706c652f70617468"
        var decoder = HPACKDecoder()
        let decoded = try decoder.decode(HPACKTestBytes.buffer(hex))
        #expect(decoded == [HPACKHeader(":path", "/sample/path", indexing: .nonIndexable)])
        #expect(decoder.dynamicTable.count == 0)

        var encoder = HPACKEncoder(useHuffman: false)
        var buffer = NacosByteBuffer()
        encoder.encode(decoded, into: &buffer)
        #expect(HPACKTestBytes.hex(buffer) == hex)
        #expect(encoder.dynamicTable.count == 0)
    }

    @Test func literalNeverIndexed() throws {
        let hex = "100870617373776f726406736563726574"
        var decoder = HPACKDecoder()
        let decoded = try decoder.decode(HPACKTestBytes.buffer(hex))
        #expect(decoded == [HPACKHeader("password", "secret", indexing: .neverIndexed)])
        #expect(decoder.dynamicTable.count == 0)

        var encoder = HPACKEncoder(useHuffman: false)
        var buffer = NacosByteBuffer()
        encoder.encode(decoded, into: &buffer)
        #expect(HPACKTestBytes.hex(buffer) == hex)
        #expect(encoder.dynamicTable.count == 0)
    }

    @Test func indexedField() throws {
        var decoder = HPACKDecoder()
        let decoded = try decoder.decode(HPACKTestBytes.buffer("82"))
        #expect(decoded == [HPACKHeader(":method", "GET", indexing: .indexable)])
        #expect(decoder.dynamicTable.count == 0)

        var encoder = HPACKEncoder()
        var buffer = NacosByteBuffer()
        encoder.encode(decoded, into: &buffer)
        #expect(HPACKTestBytes.hex(buffer) == "82")
    }

    // MARK: C.3-C.6 Sequences on one connection

    static let requestLists: [[(String, String)]] = [
        [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")],
        [
            (":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com"),
            ("cache-control", "no-cache"),
        ],
        [
            (":method", "GET"), (":scheme", "https"), (":path", "/index.html"), (":authority", "www.example.com"),
            ("custom-key", "custom-value"),
        ],
    ]

    static let requestTables: [[[String]]] = [
        [[":authority", "www.example.com"]],
        [["cache-control", "no-cache"], [":authority", "www.example.com"]],
        [["custom-key", "custom-value"], ["cache-control", "no-cache"], [":authority", "www.example.com"]],
    ]

    static let requestTableSizes = [57, 110, 164]

    static let cookie = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"

    static let responseLists: [[(String, String)]] = [
        [
            (":status", "302"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
            ("location", "https://www.example.com"),
        ],
        [
            (":status", "307"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
            ("location", "https://www.example.com"),
        ],
        [
            (":status", "200"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:22 GMT"),
            ("location", "https://www.example.com"), ("content-encoding", "gzip"), ("set-cookie", cookie),
        ],
    ]

    static let responseTables: [[[String]]] = [
        [
            ["location", "https://www.example.com"], ["date", "Mon, 21 Oct 2013 20:13:21 GMT"],
            ["cache-control", "private"], [":status", "302"],
        ],
        [
            [":status", "307"], ["location", "https://www.example.com"], ["date", "Mon, 21 Oct 2013 20:13:21 GMT"],
            ["cache-control", "private"],
        ],
        [["set-cookie", cookie], ["content-encoding", "gzip"], ["date", "Mon, 21 Oct 2013 20:13:22 GMT"]],
    ]

    static let responseTableSizes = [222, 222, 215]

    static func steps(_ hexes: [String], lists: [[(String, String)]], tables: [[[String]]], sizes: [Int]) -> [Step] {
        hexes.indices.map { Step(hex: hexes[$0], headers: lists[$0], table: tables[$0], tableSize: sizes[$0]) }
    }

    /// Decodes each step's bytes on one decoder and encodes each list on one encoder, checking both tables.
    func check(_ steps: [Step], tableSize: Int, huffman: Bool) throws {
        var decoder = HPACKDecoder(maxDynamicTableSize: tableSize)
        var encoder = HPACKEncoder(maxDynamicTableSize: tableSize, useHuffman: huffman)
        for (number, step) in steps.enumerated() {
            let comment = Comment(rawValue: "header list \(number + 1)")
            let decoded = try decoder.decode(HPACKTestBytes.buffer(step.hex))
            #expect(decoded == HPACKTestBytes.headers(step.headers), comment)
            #expect(HPACKTestBytes.entries(decoder.dynamicTable) == step.table, comment)
            #expect(decoder.dynamicTable.size == step.tableSize, comment)

            var buffer = NacosByteBuffer()
            encoder.encode(HPACKTestBytes.headers(step.headers), into: &buffer)
            #expect(HPACKTestBytes.hex(buffer) == step.hex, comment)
            #expect(HPACKTestBytes.entries(encoder.dynamicTable) == step.table, comment)
            #expect(encoder.dynamicTable.size == step.tableSize, comment)
        }
    }

    @Test func requestsWithoutHuffman() throws {
        let hexes = [
            "828684410f7777772e6578616d706c652e636f6d",
            "828684be58086e6f2d6361636865",
            "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565",
        ]
        try self.check(
            Self.steps(hexes, lists: Self.requestLists, tables: Self.requestTables, sizes: Self.requestTableSizes),
            tableSize: 4096,
            huffman: false
        )
    }

    @Test func requestsWithHuffman() throws {
        let hexes = [
            "828684418cf1e3c2e5f23a6ba0ab90f4ff",
            "828684be5886a8eb10649cbf",
            "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf",
        ]
        try self.check(
            Self.steps(hexes, lists: Self.requestLists, tables: Self.requestTables, sizes: Self.requestTableSizes),
            tableSize: 4096,
            huffman: true
        )
    }

    @Test func responsesWithoutHuffmanEvictingFromA256ByteTable() throws {
        let hexes = [
            "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d54"
                + "6e1768747470733a2f2f7777772e6578616d706c652e636f6d",
            "4803333037c1c0bf",
            "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d"
                + "4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076"
                + "657273696f6e3d31",
        ]
        try self.check(
            Self.steps(hexes, lists: Self.responseLists, tables: Self.responseTables, sizes: Self.responseTableSizes),
            tableSize: 256,
            huffman: false
        )
    }

    @Test func responsesWithHuffmanEvictingFromA256ByteTable() throws {
        let hexes = [
            "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97"
                + "c8e9ae82ae43d3",
            "4883640effc1c0bf",
            "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdf"
                + "cd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007",
        ]
        try self.check(
            Self.steps(hexes, lists: Self.responseLists, tables: Self.responseTables, sizes: Self.responseTableSizes),
            tableSize: 256,
            huffman: true
        )
    }
}
