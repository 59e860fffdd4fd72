import NacosTestKit
import NacosRemote
import NacosTransport
import Testing

@Suite struct MalformedFrameTests {
    static let codec = NacosPayloadCodec()

    /// Decodes `bytes`, expecting a `NacosRemoteError` with `code`; returns the error's message.
    @discardableResult
    static func expectFailure(
        _ bytes: [UInt8],
        _ code: NacosRemoteError.Code,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> String? {
        let error = #expect(throws: NacosRemoteError.self, sourceLocation: sourceLocation) {
            try Self.codec.decode(NacosByteBuffer(bytes: bytes))
        }
        #expect(error?.code == code, "\(error.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
        return error?.message
    }

    static func valid(_ index: Int) throws -> [UInt8] {
        try Self.codec.encode(PayloadCodecTests.samples[index]).readableBytesArray
    }

    @Test func everyTruncationOfValidFramesFails() throws {
        var cases = 0
        for index in PayloadCodecTests.samples.indices {
            let frame = try Self.valid(index)
            // The 70 KB body sample: every cut through the header and a sample of cuts through the body.
            let cuts = frame.count < 5000 ? Array(0..<frame.count) : Array(0..<3000) + stride(from: 3000, to: frame.count, by: 97)
            for length in cuts {
                Self.expectFailure(Array(frame[0..<length]), .malformedFrame)
                cases += 1
            }
        }
        #expect(cases > 4000)
    }

    @Test func trailingBytesFail() throws {
        for index in PayloadCodecTests.samples.indices {
            let message = Self.expectFailure(try Self.valid(index) + [0], .malformedFrame)
            #expect(message?.contains("trailing") == true)
        }
    }

    @Test func badVersionAndKind() throws {
        var frame = try Self.valid(0)
        for version: UInt8 in [0, 2, 0x16, 255] {
            frame[0] = version
            Self.expectFailure(frame, .unsupportedVersion)
        }
        frame[0] = 1
        for kind: UInt8 in [0, 3, 255] {
            frame[1] = kind
            let message = Self.expectFailure(frame, .malformedFrame)
            #expect(message?.contains("kind") == true)
        }
        // A version byte alone (no kind) is a truncation.
        Self.expectFailure([1], .malformedFrame)
        Self.expectFailure([], .malformedFrame)
    }

    /// version 1, request, callId 0, then `rest`.
    static func frame(_ rest: [UInt8]) -> [UInt8] {
        [1, 1, 0, 0, 0, 0, 0, 0, 0, 0] + rest
    }

    @Test func emptyTypeAndInvalidUTF8() {
        // Empty type name.
        Self.expectFailure(Self.frame([0, 0, 0, 0, 0, 0, 0, 0]), .malformedFrame)
        let badSequences: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]]
        for bad in badSequences {
            let count = UInt8(bad.count)
            // In the type.
            var message = Self.expectFailure(Self.frame([count] + bad + [0, 0, 0, 0, 0, 0, 0]), .malformedFrame)
            #expect(message?.contains("UTF-8") == true)
            // In the client IP.
            message = Self.expectFailure(Self.frame([1, 0x54, count] + bad + [0, 0, 0, 0, 0, 0]), .malformedFrame)
            #expect(message?.contains("UTF-8") == true)
            // In a header name, then in a header value.
            message = Self.expectFailure(
                Self.frame([1, 0x54, 0, 0, 1, 0, count] + bad + [0, 0, 0, 0, 0, 0]),
                .malformedFrame
            )
            #expect(message?.contains("UTF-8") == true)
            message = Self.expectFailure(
                Self.frame([1, 0x54, 0, 0, 1, 0, 1, 0x6B, 0, count] + bad + [0, 0, 0, 0]),
                .malformedFrame
            )
            #expect(message?.contains("UTF-8") == true)
        }
    }

    @Test func oversizedCountsAndLengths() {
        // 65,535 headers announced in a tiny frame: refused without reading (or allocating for) them.
        var message = Self.expectFailure(Self.frame([1, 0x54, 0, 0xFF, 0xFF, 0, 0, 0, 0]), .malformedFrame)
        #expect(message?.contains("limit") == true)
        // Within the limit but more than the bytes left could hold.
        message = Self.expectFailure(Self.frame([1, 0x54, 0, 0, 200, 0, 0, 0, 0]), .malformedFrame)
        #expect(message?.contains("cannot fit") == true)
        // A body length far past the end.
        message = Self.expectFailure(Self.frame([1, 0x54, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x7B, 0x7D]), .malformedFrame)
        #expect(message?.contains("body") == true)
        // A header value length past the end.
        Self.expectFailure(Self.frame([1, 0x54, 0, 0, 1, 0, 1, 0x6B, 0xFF, 0xFF, 0x61]), .malformedFrame)
        // A duplicate header.
        message = Self.expectFailure(
            Self.frame([1, 0x54, 0, 0, 2, 0, 1, 0x6B, 0, 0, 0, 1, 0x6B, 0, 0, 0, 0, 0, 0]),
            .malformedFrame
        )
        #expect(message?.contains("duplicate") == true)
        // The same frame with distinct names is fine.
        #expect(throws: Never.self) {
            _ = try Self.codec.decode(
                NacosByteBuffer(bytes: Self.frame([1, 0x54, 0, 0, 2, 0, 1, 0x6B, 0, 0, 0, 1, 0x6C, 0, 0, 0, 0, 0, 0]))
            )
        }
    }

    /// Decodes arbitrary bytes: either a payload or a `NacosRemoteError` (typed throws make anything
    /// else impossible; a trap would crash the test process). Decodable payloads also go through the
    /// registry, whose errors are typed as well. Returns whether the frame decoded.
    static func decodeAnything(_ bytes: [UInt8]) -> Bool {
        do {
            let payload = try Self.codec.decode(NacosByteBuffer(bytes: bytes))
            switch payload.kind {
            case .request: _ = try? NacosPayloadRegistry.standard.decodeRequest(payload)
            case .response: _ = try? NacosPayloadRegistry.standard.decodeResponse(payload)
            }
            return true
        } catch {
            #expect([.malformedFrame, .unsupportedVersion].contains(error.code))
            return false
        }
    }

    @Test func randomBytesNeverCrash() {
        var random = SeededRandom(seed: 0x5EED_0001)
        var decoded = 0
        for _ in 0..<4000 {
            let length = Int.random(in: 0...96, using: &random)
            var bytes = random.bytes(length)
            // Most cases start like a real frame so that they get past the first checks.
            if length >= 2, Int.random(in: 0..<4, using: &random) != 0 {
                bytes[0] = 1
                bytes[1] = UInt8.random(in: 1...2, using: &random)
            }
            if Self.decodeAnything(bytes) { decoded += 1 }
        }
        // Random bytes almost never form a whole frame.
        #expect(decoded < 40)
    }

    @Test func mutatedValidFramesNeverCrash() throws {
        var random = SeededRandom(seed: 0x5EED_0002)
        var decoded = 0
        let frames = try (0..<4).map { try Self.valid($0) }
        for _ in 0..<6000 {
            var bytes = frames[Int.random(in: 0..<frames.count, using: &random)]
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[position] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
                default: bytes.remove(at: position)
                }
            }
            if Self.decodeAnything(bytes) { decoded += 1 }
        }
        // Changes inside strings and bodies keep a frame decodable; changes to lengths do not.
        #expect(decoded > 0)
        #expect(decoded < 6000)
    }
}
