import NacosGRPC
import NacosTestKit
import NacosTransport
import Testing

/// The protobuf Payload codec, gRPC message framing, status and timeout headers.
@Suite("gRPC wire codecs")
struct WireCodecTests {
    /// A HealthCheckRequest Payload with client IP `10.0.0.5` and header `app: demo`, as python's protobuf
    /// 7.36 serializes it (a descriptor built at run time, `SerializeToString(deterministic=True)`).
    static let referenceHex =
        "122b1a124865616c7468436865636b526571756573743a0b0a03617070120464656d6f420831302e302e302e351a2412227b2268"
        + "656164657273223a7b7d2c226d6f64756c65223a22696e7465726e616c227d"

    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    static let body = #"{"headers":{},"module":"internal"}"#

    @Test func encodesExactlyWhatProtobufDoes() {
        let payload = NacosGRPCPayload(type: "HealthCheckRequest", clientIp: "10.0.0.5", headers: ["app": "demo"], body: NacosByteBuffer(string: Self.body))
        var buffer = NacosByteBuffer()
        payload.encode(into: &buffer)
        #expect(buffer.readableBytesArray == Self.bytes(Self.referenceHex))
    }

    @Test func decodesTheReferenceAndRoundTrips() throws {
        let decoded = try NacosGRPCPayload.decode(NacosByteBuffer(bytes: Self.bytes(Self.referenceHex)))
        #expect(decoded.type == "HealthCheckRequest")
        #expect(decoded.clientIp == "10.0.0.5")
        #expect(decoded.headers == ["app": "demo"])
        #expect(decoded.body.getString(at: decoded.body.readerIndex, length: decoded.body.readableBytes) == Self.body)
        let payload = NacosGRPCPayload(type: "X", headers: ["a": "1", "b": ""], bodyTypeURL: "X", body: NacosByteBuffer(string: "{}"))
        var buffer = NacosByteBuffer()
        payload.encode(into: &buffer)
        #expect(try NacosGRPCPayload.decode(buffer) == payload)
    }

    @Test func skipsUnknownFieldsOfEveryWireType() throws {
        var message = NacosByteBuffer()
        ProtobufWriter.writeKey(9, .varint, into: &message)
        ProtobufWriter.writeVarint(300, into: &message)
        ProtobufWriter.writeKey(10, .fixed64, into: &message)
        message.writeInteger(UInt64(7))
        ProtobufWriter.writeKey(11, .fixed32, into: &message)
        message.writeInteger(UInt32(7))
        ProtobufWriter.writeBytes(12, NacosByteBuffer(string: "ignored"), into: &message)
        message.writeBytes(Self.bytes(Self.referenceHex))
        let decoded = try NacosGRPCPayload.decode(message)
        #expect(decoded.type == "HealthCheckRequest")
    }

    @Test func rejectsMalformedInputWithoutTrapping() {
        let reference = Self.bytes(Self.referenceHex)
        // Every truncation of a valid message is an error (the outer length runs past the end) or a prefix.
        for cut in 1..<reference.count {
            _ = try? NacosGRPCPayload.decode(NacosByteBuffer(bytes: reference.prefix(cut)))
        }
        let cases: [(String, [UInt8])] = [
            ("truncated varint", [0x12, 0xff]),
            ("length past the end", [0x12, 0x7f, 0x00]),
            ("overlong varint", [0x08] + Array(repeating: 0xff, count: 10) + [0x01]),
            ("field number 0", [0x02, 0x00]),
            ("group", [0x13]),
            ("wrong wire type for metadata", [0x10, 0x01]),
            ("invalid UTF-8 type", [0x12, 0x04, 0x1a, 0x02, 0xff, 0xfe]),
        ]
        for (name, bytes) in cases {
            #expect(throws: ProtobufError.self, "\(name)") { try NacosGRPCPayload.decode(NacosByteBuffer(bytes: bytes)) }
        }
        var many = NacosByteBuffer()
        for index in 0..<3 {
            many.writeBytes([0x12])
            var entry = NacosByteBuffer()
            ProtobufWriter.writeString(1, "k\(index)", into: &entry)
            var metadata = NacosByteBuffer()
            ProtobufWriter.writeBytes(7, entry, into: &metadata)
            ProtobufWriter.writeVarint(UInt64(metadata.readableBytes), into: &many)
            many.writeImmutableBuffer(metadata)
        }
        #expect(throws: ProtobufError.self) { try NacosGRPCPayload.decode(many, maxHeaderCount: 2) }
    }

    @Test func deframesMessagesSplitAtEveryByte() throws {
        var stream = NacosByteBuffer()
        GRPCMessageFramer.write(NacosByteBuffer(string: "first"), into: &stream)
        GRPCMessageFramer.write(NacosByteBuffer(), into: &stream)
        GRPCMessageFramer.write(NacosByteBuffer(string: "third message"), into: &stream)
        var deframer = GRPCMessageDeframer(maxMessageSize: 1024)
        var messages: [String] = []
        for byte in stream.readableBytesArray {
            deframer.append(NacosByteBuffer(bytes: [byte]))
            while let message = try deframer.nextMessage() {
                messages.append(message.getString(at: message.readerIndex, length: message.readableBytes) ?? "?")
            }
        }
        #expect(messages == ["first", "", "third message"])
        #expect(!deframer.hasPartialMessage)
    }

    @Test func refusesOversizeAndCompressedMessages() {
        var oversize = GRPCMessageDeframer(maxMessageSize: 16)
        oversize.append(NacosByteBuffer(bytes: [0, 0, 0, 0, 17]))
        do {
            _ = try oversize.nextMessage()
            Issue.record("a 17-byte message passed a 16-byte limit")
        } catch {
            #expect(error.code == .resourceExhausted)
        }
        var compressed = GRPCMessageDeframer(maxMessageSize: 16)
        compressed.append(NacosByteBuffer(bytes: [1, 0, 0, 0, 1, 0]))
        #expect(throws: GRPCStatus.self) { try compressed.nextMessage() }
        do {
            _ = try compressed.nextMessage()
        } catch {
            #expect(error.code == .unimplemented)
        }
        var badFlag = GRPCMessageDeframer(maxMessageSize: 16)
        badFlag.append(NacosByteBuffer(bytes: [7, 0, 0, 0, 0]))
        #expect(throws: GRPCStatus.self) { try badFlag.nextMessage() }
    }

    @Test func parsesAndFormatsTimeouts() {
        #expect(GRPCTimeout.parse("100m") == .milliseconds(100))
        #expect(GRPCTimeout.parse("3S") == .seconds(3))
        #expect(GRPCTimeout.parse("2M") == .seconds(120))
        #expect(GRPCTimeout.parse("1H") == .seconds(3600))
        #expect(GRPCTimeout.parse("250u") == .microseconds(250))
        #expect(GRPCTimeout.parse("99999999n") == .nanoseconds(99_999_999))
        for bad in ["", "m", "123456789m", "12x", "-1S", "1.5S", "１S"] {
            #expect(GRPCTimeout.parse(bad) == nil, "\(bad)")
        }
        for duration: Duration in [.milliseconds(100), .seconds(3), .seconds(86_400 * 30), .nanoseconds(1)] {
            let formatted = GRPCTimeout.format(duration)
            #expect(formatted.utf8.count <= 9)
            #expect(GRPCTimeout.parse(formatted).map { $0 >= duration } == true, "\(formatted) for \(duration)")
        }
    }

    @Test func percentEncodesGrpcMessage() {
        let message = "bad 100% — naïve\nline"
        let encoded = GRPCStatus.percentEncode(message)
        #expect(encoded.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7e })
        #expect(encoded.hasPrefix("bad 100%25 %E2%80%94"))
        #expect(GRPCStatus.percentDecode(encoded) == message)
        #expect(GRPCStatus.percentDecode("100%zz%4") == "100%zz%4", "bad escapes are kept")
    }
}
