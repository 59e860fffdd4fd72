import NacosRemote
import NacosTransport
import Testing

/// The fast codec of common-fields messages must be invisible: the same bodies out, the same messages in,
/// and the same leniency as the Codable path.
@Suite("Common-fields JSON fast path")
struct CommonFieldsJSONTests {
    @Test func writesWhatJacksonWrites() throws {
        #expect(try Self.text(NacosJSON.encode(HealthCheckRequest())) == #"{"headers":{},"module":"internal"}"#)
        var push = ClientDetectionRequest()
        push.requestId = "42"
        #expect(try Self.text(NacosJSON.encode(push)) == #"{"headers":{},"module":"internal","requestId":"42"}"#)
        #expect(try Self.text(NacosJSON.encode(HealthCheckResponse())) == #"{"resultCode":200,"errorCode":0,"success":true}"#)
        var failed = ErrorResponse.build(code: .unregister, message: "Connection is unregistered.")
        failed.requestId = "7"
        #expect(
            try Self.text(NacosJSON.encode(failed))
                == #"{"resultCode":500,"errorCode":301,"message":"Connection is unregistered.","requestId":"7","success":false}"#
        )
    }

    @Test func escapesAndHeadersStillRoundTrip() throws {
        var response = ErrorResponse.build(code: .badGateway, message: "bad \"body\"\n\\ ok")
        response.requestId = "a\"b"
        let decoded = try NacosJSON.decode(ErrorResponse.self, from: NacosJSON.encode(response))
        #expect(decoded == response)
        var request = HealthCheckRequest()
        request.headers = ["app": "demo \"quoted\""]
        #expect(try NacosJSON.decode(HealthCheckRequest.self, from: NacosJSON.encode(request)) == request)
    }

    /// Bodies in and outside the fast path's shape decode to the same values as the Codable path would give.
    @Test(arguments: [
        (#"{"resultCode":500,"errorCode":302,"message":"RequestHandler Not Found","success":false}"#, 500, 302, "RequestHandler Not Found", nil),
        (#" { "resultCode" : 200 , "errorCode" : 0 , "success" : true , "requestId" : "9" } "#, 200, 0, nil, "9"),
        (#"{"resultCode":"500","errorCode":"400","message":null}"#, 500, 400, nil, nil),
        (#"{"resultCode":200,"extra":{"nested":[1,2,3]},"requestId":12}"#, 200, 0, nil, "12"),
        (#"{"message":"caf\u00e9 \"q\""}"#, 200, 0, "café \"q\"", nil),
        (#"{"resultCode":1.0e2}"#, 100, 0, nil, nil),
        (#"{}"#, 200, 0, nil, nil),
    ] as [(String, Int, Int, String?, String?)])
    func decodesLikeTheCodablePath(body: String, resultCode: Int, errorCode: Int, message: String?, requestId: String?) throws {
        let response = try NacosJSON.decode(ClientDetectionResponse.self, from: NacosByteBuffer(string: body))
        #expect(response.resultCode == resultCode)
        #expect(response.errorCode == errorCode)
        #expect(response.message == message)
        #expect(response.requestId == requestId)
    }

    @Test(arguments: [
        #"{"resultCode":200"#, #"{"resultCode":tru}"#, #"{"success":txyz}"#, #"{"resultCode":200}}"#, #"[1]"#, "",
        #"{"resultCode":12345678901234567890123}"#,
    ])
    func rejectsWhatTheCodablePathRejects(body: String) {
        #expect(throws: NacosRemoteError.self) {
            try NacosJSON.decode(HealthCheckResponse.self, from: NacosByteBuffer(string: body))
        }
    }

    @Test func requestsTolerateNullsAndIgnoreModule() throws {
        let body = #"{"headers":null,"module":"naming","requestId":null}"#
        let request = try NacosJSON.decode(HealthCheckRequest.self, from: NacosByteBuffer(string: body))
        #expect(request == HealthCheckRequest())
        let withHeaders = try NacosJSON.decode(HealthCheckRequest.self, from: NacosByteBuffer(string: #"{"headers":{"app":"x"},"requestId":"5"}"#))
        #expect(withHeaders.headers == ["app": "x"])
        #expect(withHeaders.requestId == "5")
    }

    private static func text(_ buffer: NacosByteBuffer) -> String {
        buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes) ?? ""
    }
}
