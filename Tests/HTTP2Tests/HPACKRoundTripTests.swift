import NacosTestKit
import NacosTransport
import Testing

@testable import NacosHTTP2

/// Seeded random header lists through one encoder and one decoder, as on a connection.
@Suite struct HPACKRoundTripTests {
    static let names = [
        ":method", ":path", ":status", ":authority", ":scheme", "content-type", "te", "grpc-status", "grpc-message",
        "user-agent", "cache-control", "set-cookie", "x-request-id", "x-nacos-client", "accept-encoding",
    ]
    static let values = [
        "", "GET", "POST", "/", "200", "404", "application/grpc", "trailers", "gzip, deflate", "0", "ok",
        "grpc-swift-nacos/1.0", "éèà", "日本語のヘッダー", "tab\there", "~|{}^", "a\u{7F}b",
    ]

    static func randomString(_ random: inout SeededRandom, maxLength: Int) -> String {
        let length = Int(random.next() % UInt64(maxLength + 1))
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789-_/.:;=, ~%ÄÖü€😀".unicodeScalars)
        var scalars = String.UnicodeScalarView()
        for _ in 0..<length {
            scalars.append(alphabet[Int(random.next() % UInt64(alphabet.count))])
        }
        return String(scalars)
    }

    static func randomHeaders(_ random: inout SeededRandom) -> [HPACKHeader] {
        (0..<Int(random.next() % 12)).map { _ in
            let name = random.next() % 4 == 0
                ? "x-" + Self.randomString(&random, maxLength: 12).lowercased()
                : Self.names[Int(random.next() % UInt64(Self.names.count))]
            let value = random.next() % 3 == 0
                ? Self.randomString(&random, maxLength: random.next() % 10 == 0 ? 300 : 30)
                : Self.values[Int(random.next() % UInt64(Self.values.count))]
            let indexing: HPACKIndexing
            switch random.next() % 6 {
            case 0: indexing = .nonIndexable
            case 1: indexing = .neverIndexed
            default: indexing = .indexable
            }
            return HPACKHeader(name, value, indexing: indexing)
        }
    }

    /// Whether `decoded` is `sent` as the decoder must report it: `.indexable` fields too large for the
    /// encoder's table travel as literals without indexing.
    static func matches(_ decoded: HPACKHeader, _ sent: HPACKHeader, tableMaxSize: Int) -> Bool {
        guard decoded.name == sent.name && decoded.value == sent.value else { return false }
        if sent.indexing == .indexable && decoded.indexing == .nonIndexable {
            return sent.size > tableMaxSize
        }
        return decoded.indexing == sent.indexing
    }

    @Test(arguments: [true, false])
    func randomListsRoundTripAndTablesStayIdentical(huffman: Bool) throws {
        var random = SeededRandom(seed: huffman ? 1 : 2)
        var encoder = HPACKEncoder(useHuffman: huffman)
        var decoder = HPACKDecoder(maxDynamicTableSize: 4096, maxHeaderListSize: 1 << 20)
        for block in 0..<1500 {
            if random.next() % 40 == 0 {
                let sizes = [0, 64, 256, 1000, 4096, 8192]
                encoder.setMaxDynamicTableSize(sizes[Int(random.next() % UInt64(sizes.count))])
            }
            let headers = Self.randomHeaders(&random)
            var buffer = NacosByteBuffer()
            encoder.encode(headers, into: &buffer)
            let decoded = try decoder.decode(buffer)
            try #require(decoded.count == headers.count, "block \(block)")
            for (got, sent) in zip(decoded, headers) {
                #expect(Self.matches(got, sent, tableMaxSize: encoder.dynamicTable.maxSize), "block \(block): \(got) for \(sent)")
            }
            #expect(decoder.dynamicTable.maxSize == encoder.dynamicTable.maxSize, "block \(block)")
            #expect(decoder.dynamicTable.size == encoder.dynamicTable.size, "block \(block)")
            let decoderEntries = HPACKTestBytes.entries(decoder.dynamicTable)
            try #require(decoderEntries == HPACKTestBytes.entries(encoder.dynamicTable), "block \(block)")
            #expect(encoder.dynamicTable.size <= encoder.dynamicTable.maxSize)
        }
    }

    @Test func allByteValuesAsUTF8AndEveryScalarRangeRoundTrip() throws {
        var encoder = HPACKEncoder()
        var decoder = HPACKDecoder()
        let ascii = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
        let latin = String(String.UnicodeScalarView((128..<256).compactMap { Unicode.Scalar($0) }))
        let wide = "\u{800}\u{FFFD}\u{10000}\u{10FFFF}"
        let headers = [ascii, latin, wide].map { HPACKHeader("x-bytes", $0) }
        var buffer = NacosByteBuffer()
        encoder.encode(headers, into: &buffer)
        #expect(try decoder.decode(buffer) == headers)
    }
}
