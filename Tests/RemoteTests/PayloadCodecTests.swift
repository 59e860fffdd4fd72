import NacosRemote
import NacosTransport
import Testing

@Suite struct PayloadCodecTests {
    static let codec = NacosPayloadCodec()

    /// The example of docs/protocol.md: a HealthCheckRequest with call id 7 and one header.
    static let documentedExampleHex =
        "01010000000000000007124865616c7468436865636b526571756573740831302e302e302e3500010003617070000464656d6f"
        + "000000227b2268656164657273223a7b7d2c226d6f64756c65223a22696e7465726e616c227d"

    static func hex(_ buffer: NacosByteBuffer) -> String {
        buffer.readableBytesArray.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static func bytes(hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    /// Payloads covering every field's edge: empty strings, many headers, multi-byte UTF-8, big ids.
    static let samples: [NacosPayload] = [
        NacosPayload(
            kind: .request, callId: 7, type: "HealthCheckRequest", clientIp: "10.0.0.5", headers: ["app": "demo"],
            body: NacosByteBuffer(string: #"{"headers":{},"module":"internal"}"#)
        ),
        NacosPayload(kind: .response, type: "HealthCheckResponse", body: NacosByteBuffer()),
        NacosPayload(
            kind: .response, callId: .max, type: "ServerCheckResponse",
            body: NacosByteBuffer(string: #"{"resultCode":200,"errorCode":0,"success":true,"connectionId":"c"}"#)
        ),
        NacosPayload(
            kind: .request, callId: 1 << 40, type: String(repeating: "T", count: 255),
            clientIp: "fe80::1%eth0", headers: Dictionary(uniqueKeysWithValues: (0..<20).map { ("h\($0)", "v\($0)") }),
            body: NacosByteBuffer(string: #"{"text":"héllo 服务 🚀"}"#)
        ),
        NacosPayload(
            kind: .request, type: "X", clientIp: "", headers: ["": "", "ключ": "значение 🚀", "accessToken": String(repeating: "a", count: 1000)],
            body: NacosByteBuffer(bytes: [UInt8](repeating: 0x20, count: 70_000))
        ),
    ]

    @Test func documentedExampleBytes() throws {
        let encoded = try Self.codec.encode(Self.samples[0])
        #expect(Self.hex(encoded) == Self.documentedExampleHex)
        #expect(encoded.readableBytes == 89)
        let decoded = try Self.codec.decode(NacosByteBuffer(bytes: Self.bytes(hex: Self.documentedExampleHex)))
        #expect(decoded == Self.samples[0])
    }

    @Test func roundTrips() throws {
        for payload in Self.samples {
            let encoded = try Self.codec.encode(payload)
            let decoded = try Self.codec.decode(encoded)
            #expect(decoded == payload)
            #expect(decoded.kind == payload.kind && decoded.callId == payload.callId)
            #expect(decoded.headers == payload.headers && decoded.clientIp == payload.clientIp)
        }
    }

    @Test func decodesFromTheReaderIndexAndAppendsWhenEncoding() throws {
        var buffer = NacosByteBuffer(bytes: [9, 9, 9])
        try Self.codec.encode(Self.samples[0], into: &buffer)
        try Self.codec.encode(Self.samples[1], into: &buffer)
        buffer.moveReaderIndex(forwardBy: 3)
        let slice = buffer.readSlice(length: 89)
        let first = try #require(slice)
        #expect(try Self.codec.decode(first) == Self.samples[0])
        #expect(try Self.codec.decode(buffer) == Self.samples[1])
    }

    @Test func typedRequestMovesHeadersOutOfTheBody() throws {
        var setup = ConnectionSetupRequest(
            clientVersion: "Nacos-Java-Client:v2.5.1", tenant: "public",
            labels: ["source": "sdk", "module": "naming", "AppName": "demo"], abilityTable: [:]
        )
        setup.headers = ["app": "demo", "accessToken": "tok"]
        let payload = try NacosPayload.request(setup, clientIp: "10.0.0.5")
        #expect(payload.kind == .request)
        #expect(payload.type == "ConnectionSetupRequest")
        #expect(payload.callId == 0)
        #expect(payload.headers == ["app": "demo", "accessToken": "tok"])
        #expect((try JSONObject.parse(payload.body)["headers"] as? [String: Any])?.isEmpty == true)

        let decoded = try Self.codec.decode(try Self.codec.encode(payload))
        #expect(try decoded.decodeRequest(as: ConnectionSetupRequest.self) == setup)
        #expect(try NacosPayloadRegistry.standard.decodeRequest(decoded) as? ConnectionSetupRequest == setup)
        let wrongType = #expect(throws: NacosRemoteError.self) { try decoded.decodeRequest(as: HealthCheckRequest.self) }
        #expect(wrongType?.code == .typeMismatch)
        let wrongKind = #expect(throws: NacosRemoteError.self) { try decoded.decodeResponse(as: HealthCheckResponse.self) }
        #expect(wrongKind?.code == .typeMismatch)
    }

    @Test func headersInTheBodyAndTheFrameAreMerged() throws {
        let payload = NacosPayload(
            kind: .request, type: "HealthCheckRequest", headers: ["APP": "frame"],
            body: NacosByteBuffer(string: #"{"headers":{"app":"body","accessToken":"t"},"module":"internal"}"#)
        )
        let request = try NacosPayloadRegistry.standard.decodeRequest(payload)
        #expect(request.headers == ["APP": "frame", "accessToken": "t"])
        #expect(request.header("app") == "frame")
    }

    @Test func typedResponseRoundTrip() throws {
        var detection = ClientDetectionResponse()
        detection.requestId = "12"
        let payload = try NacosPayload.response(detection, callId: 0)
        let decoded = try Self.codec.decode(try Self.codec.encode(payload))
        #expect(decoded.clientIp.isEmpty && decoded.headers.isEmpty)
        #expect(try decoded.decodeResponse(as: ClientDetectionResponse.self) == detection)
        let error = try NacosPayload.response(ErrorResponse.build(code: .unregister, message: "Connection is unregistered."), callId: 5)
        let any = try NacosPayloadRegistry.standard.decodeResponse(try Self.codec.decode(try Self.codec.encode(error)))
        #expect(any is ErrorResponse)
        #expect(any.errorCode == 301 && !any.success)
        let mismatch = #expect(throws: NacosRemoteError.self) { try error.decodeResponse(as: HealthCheckResponse.self) }
        #expect(mismatch?.code == .typeMismatch)
    }

    @Test func encodingLimits() {
        let body = NacosByteBuffer()
        let cases: [NacosPayload] = [
            NacosPayload(kind: .request, type: "", body: body),
            NacosPayload(kind: .request, type: String(repeating: "T", count: 256), body: body),
            NacosPayload(kind: .request, type: "T", clientIp: String(repeating: "1", count: 256), body: body),
            NacosPayload(kind: .request, type: "T", headers: ["k": String(repeating: "v", count: 65_536)], body: body),
            NacosPayload(
                kind: .request, type: "T",
                headers: Dictionary(uniqueKeysWithValues: (0..<257).map { ("h\($0)", "") }), body: body
            ),
        ]
        for payload in cases {
            var buffer = NacosByteBuffer()
            let error = #expect(throws: NacosRemoteError.self) { try Self.codec.encode(payload, into: &buffer) }
            #expect(error?.code == .encodingFailed)
            #expect(buffer.readableBytes == 0)
        }
        // A codec configured for more headers writes them, and a default codec refuses to read them.
        let many = NacosPayload(
            kind: .request, type: "T", headers: Dictionary(uniqueKeysWithValues: (0..<300).map { ("h\($0)", "") }),
            body: body
        )
        let wide = NacosPayloadCodec(maxHeaderCount: 1000)
        #expect(throws: Never.self) { _ = try wide.decode(try wide.encode(many)) }
        let error = #expect(throws: NacosRemoteError.self) { try Self.codec.decode(try wide.encode(many)) }
        #expect(error?.code == .malformedFrame)
    }
}
