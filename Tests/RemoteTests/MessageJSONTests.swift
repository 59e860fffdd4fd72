import Foundation
import NacosRemote
import NacosTransport
import Testing

@Suite struct MessageJSONTests {
    /// Type-specific keys each message writes with every field at its default (nil fields omitted).
    static let defaultKeys: [String: Set<String>] = [
        "ServerCheckRequest": [],
        "ConnectionSetupRequest": ["labels"],
        "SetupAckRequest": [],
        "HealthCheckRequest": [],
        "ClientDetectionRequest": [],
        "ConnectResetRequest": [],
        "ServerLoaderInfoRequest": [],
        "ServerReloadRequest": ["reloadCount"],
        "PushAckRequest": ["success"],
        "ServerCheckResponse": ["supportAbilityNegotiation"],
        "SetupAckResponse": [],
        "HealthCheckResponse": [],
        "ClientDetectionResponse": [],
        "ConnectResetResponse": [],
        "ServerLoaderInfoResponse": ["loaderMetrics"],
        "ServerReloadResponse": [],
        "ErrorResponse": [],
    ]

    static let requestNames = Self.defaultKeys.keys.filter { $0.hasSuffix("Request") }.sorted()
    static let responseNames = Self.defaultKeys.keys.filter { !$0.hasSuffix("Request") }.sorted()

    @Test(arguments: Self.requestNames)
    func defaultRequestWritesCommonFieldsAndModule(typeName: String) throws {
        let type = try #require(NacosPayloadRegistry.standard.request(named: typeName)).type
        let request = type.init()
        let object = try JSONObject.encode(request)
        #expect(Set(object.keys) == Self.defaultKeys[typeName]!.union(["headers", "module"]))
        #expect(object["module"] as? String == "internal")
        #expect((object["headers"] as? [String: Any])?.isEmpty == true)
        #expect(object["requestId"] == nil)
    }

    @Test(arguments: Self.responseNames)
    func defaultResponseWritesResultErrorCodeAndSuccess(typeName: String) throws {
        let type = try #require(NacosPayloadRegistry.standard.responseType(named: typeName))
        let response = type.init()
        let object = try JSONObject.encode(response)
        #expect(Set(object.keys) == Self.defaultKeys[typeName]!.union(["resultCode", "errorCode", "success"]))
        #expect(object["resultCode"] as? Int == 200)
        #expect(object["errorCode"] as? Int == 0)
        #expect(object["success"] as? Bool == true)
        #expect(response.success)
    }

    @Test(arguments: Self.requestNames + Self.responseNames)
    func emptyAndNullBodiesDecodeToDefaults(typeName: String) throws {
        let registry = NacosPayloadRegistry.standard
        for json in ["{}", #"{"headers":null,"requestId":null,"resultCode":null,"errorCode":null,"message":null}"#] {
            let body = NacosByteBuffer(string: json)
            if typeName.hasSuffix("Request") {
                let request = try registry.decodeRequest(typeName: typeName, body: body)
                #expect(request.requestId == nil)
                #expect(request.headers.isEmpty)
                // Re-encoding gives the same bytes as a default instance.
                let type = try #require(registry.request(named: typeName)).type
                #expect(try JSONObject.sameJSON(request, type.init()))
            } else {
                let response = try registry.decodeResponse(typeName: typeName, body: body)
                #expect(response.resultCode == 200)
                #expect(response.errorCode == 0)
                #expect(response.message == nil)
                #expect(response.success)
            }
        }
    }

    @Test func serverCheckResponseFromTheReference() throws {
        let json = #"""
            {"resultCode":200,"errorCode":0,"success":true,"connectionId":"1700000000000_10.0.0.5_53412",
             "supportAbilityNegotiation":true}
            """#
        let response = try JSONObject.decode(ServerCheckResponse.self, json)
        #expect(response.connectionId == "1700000000000_10.0.0.5_53412")
        #expect(response.supportAbilityNegotiation)
        #expect(response.resultCode == 200)
        #expect(response.errorCode == 0)
        #expect(response.message == nil)
        #expect(response.requestId == nil)
        let object = try JSONObject.encode(response)
        #expect(
            Set(object.keys) == ["resultCode", "errorCode", "success", "connectionId", "supportAbilityNegotiation"]
        )
        #expect(object["connectionId"] as? String == "1700000000000_10.0.0.5_53412")
        #expect(object["supportAbilityNegotiation"] as? Bool == true)
    }

    @Test func serverCheckRequestBodyFromTheReference() throws {
        let request = try JSONObject.decode(ServerCheckRequest.self, #"{"headers":{},"module":"internal"}"#)
        #expect(request == ServerCheckRequest())
        #expect(try JSONObject.keys(of: request) == ["headers", "module"])
    }

    @Test func olderServerCheckResponseWithoutNegotiationFlag() throws {
        let response = try JSONObject.decode(
            ServerCheckResponse.self,
            #"{"resultCode":200,"errorCode":0,"success":true,"connectionId":"c1"}"#
        )
        #expect(response.supportAbilityNegotiation == false)
    }

    @Test func connectionSetupRequestFromTheJavaSDK() throws {
        let json = #"""
            {"clientVersion":"Nacos-Java-Client:v2.5.1","tenant":null,
             "labels":{"source":"sdk","module":"naming","AppName":"unknown"},
             "abilityTable":{"supportPersistentInstanceByGrpc":true},"headers":{},"module":"internal"}
            """#
        let request = try JSONObject.decode(ConnectionSetupRequest.self, json)
        #expect(request.clientVersion == "Nacos-Java-Client:v2.5.1")
        #expect(request.tenant == nil)
        #expect(request.labels == ["source": "sdk", "module": "naming", "AppName": "unknown"])
        #expect(request.abilityTable == ["supportPersistentInstanceByGrpc": true])
        #expect(
            try JSONObject.keys(of: request) == ["clientVersion", "labels", "abilityTable", "headers", "module"]
        )
    }

    @Test func connectionSetupRequestWithOldAbilitiesObject() throws {
        // 2.0–2.2 SDKs and nacos-sdk-rust send `abilities` instead of `abilityTable`.
        let json = #"""
            {"clientVersion":"Nacos-Rust-Client:v0.4","tenant":"dev","labels":{"source":"sdk","AppName":null,"n":5},
             "abilities":{"remoteAbility":{"supportRemoteConnection":true},"configAbility":{"supportRemoteMetrics":false}},
             "module":"internal"}
            """#
        let request = try JSONObject.decode(ConnectionSetupRequest.self, json)
        #expect(request.abilityTable == nil)
        #expect(request.tenant == "dev")
        #expect(request.labels == ["source": "sdk", "n": "5"])
    }

    @Test func setupAckEmptyTableIsKeptApartFromMissing() throws {
        #expect(try JSONObject.decode(SetupAckRequest.self, #"{"abilityTable":{}}"#).abilityTable == [:])
        #expect(try JSONObject.decode(SetupAckRequest.self, #"{"abilityTable":null}"#).abilityTable == nil)
        let ack = SetupAckRequest(abilityTable: ["supportPersistentInstanceByGrpc": true])
        let object = try JSONObject.encode(ack)
        #expect((object["abilityTable"] as? [String: Bool]) == ["supportPersistentInstanceByGrpc": true])
    }

    @Test func connectResetRequestPortIsAString() throws {
        let request = ConnectResetRequest(serverIp: "10.0.0.7", serverPort: "8848", connectionId: "c9")
        let object = try JSONObject.encode(request)
        #expect(Set(object.keys) == ["serverIp", "serverPort", "connectionId", "headers", "module"])
        #expect(object["serverPort"] as? String == "8848")
        // A client that sends the port as a number is coerced, as Jackson would.
        let decoded = try JSONObject.decode(ConnectResetRequest.self, #"{"serverIp":"10.0.0.7","serverPort":8848}"#)
        #expect(decoded.serverPort == "8848")
        #expect(decoded.connectionId == nil)
    }

    @Test func serverReloadAndLoaderInfoFields() throws {
        let reload = try JSONObject.decode(
            ServerReloadRequest.self,
            #"{"reloadCount":"12","reloadServer":"10.0.0.8:8848","module":"internal"}"#
        )
        #expect(reload == ServerReloadRequest(reloadCount: 12, reloadServer: "10.0.0.8:8848"))
        #expect(try JSONObject.keys(of: reload) == ["reloadCount", "reloadServer", "headers", "module"])

        let info = ServerLoaderInfoResponse(loaderMetrics: ["conCount": "3", "sdkConCount": "2", "load": "0.5", "cpu": "0.1"])
        let object = try JSONObject.encode(info)
        #expect((object["loaderMetrics"] as? [String: String])?["sdkConCount"] == "2")
        let decoded = try JSONObject.decode(
            ServerLoaderInfoResponse.self,
            #"{"resultCode":200,"loaderMetrics":{"conCount":3,"load":0.5,"cpu":null}}"#
        )
        #expect(decoded.loaderMetrics == ["conCount": "3", "load": "0.5"])
    }

    @Test func pushAckRequestFields() throws {
        let ack = try JSONObject.decode(PushAckRequest.self, #"{"ackId":"17","success":"true","module":"internal"}"#)
        #expect(ack == PushAckRequest(ackId: "17", success: true))
        #expect(try JSONObject.keys(of: ack) == ["ackId", "success", "headers", "module"])
    }

    @Test func resultCodeAndErrorCodeAsStrings() throws {
        let response = try JSONObject.decode(
            HealthCheckResponse.self,
            #"{"resultCode":"500","errorCode":"301","message":"Connection is unregistered.","success":true}"#
        )
        #expect(response.resultCode == 500)
        #expect(response.errorCode == 301)
        #expect(response.message == "Connection is unregistered.")
        // `success` is derived, never read.
        #expect(response.success == false)
        #expect(try JSONObject.encode(response)["success"] as? Bool == false)

        let ok = try JSONObject.decode(HealthCheckResponse.self, #"{"resultCode":"200","success":false}"#)
        #expect(ok.success)
        let float = try JSONObject.decode(HealthCheckResponse.self, #"{"resultCode":200.0,"errorCode":" 0 "}"#)
        #expect(float.resultCode == 200 && float.errorCode == 0)
    }

    @Test func unknownFieldsAreIgnored() throws {
        let json = #"""
            {"connectionId":"c1","extra":1,"nested":{"a":[1,2,{"b":null}]},"list":[true],
             "resultCode":200,"future":"x","headers":{"ignored":"on responses"}}
            """#
        let response = try JSONObject.decode(ServerCheckResponse.self, json)
        #expect(response.connectionId == "c1")
        let request = try JSONObject.decode(
            HealthCheckRequest.self,
            #"{"headers":{"app":"demo"},"module":"naming","somethingNew":{"x":1}}"#
        )
        #expect(request.headers == ["app": "demo"])
        // The type fixes the module; the body's value is ignored.
        #expect(request.module == .internal)
    }

    @Test func requestIdIsWrittenOnlyWhenSet() throws {
        var push = ClientDetectionRequest()
        #expect(try JSONObject.encode(push)["requestId"] == nil)
        push.requestId = "42"
        #expect(try JSONObject.encode(push)["requestId"] as? String == "42")
        var answer = ClientDetectionResponse()
        answer.requestId = "42"
        let object = try JSONObject.encode(answer)
        #expect(object["requestId"] as? String == "42")
        #expect(try JSONObject.decode(ClientDetectionResponse.self, #"{"requestId":42}"#).requestId == "42")
    }

    @Test func uncoercibleValuesAreMalformedBodies() throws {
        let cases: [(String, String)] = [
            ("HealthCheckResponse", #"{"resultCode":{"a":1}}"#),
            ("HealthCheckResponse", #"{"resultCode":"abc"}"#),
            ("HealthCheckResponse", #"{"resultCode":1e40}"#),
            ("ServerCheckResponse", #"{"supportAbilityNegotiation":"maybe"}"#),
            ("ServerCheckResponse", #"{"connectionId":["a"]}"#),
            ("ServerCheckResponse", "[]"),
            ("ServerCheckResponse", "not json"),
            ("ServerCheckResponse", ""),
            ("ServerCheckResponse", #"{"resultCode":200"#),
        ]
        for (typeName, json) in cases {
            let error = #expect(throws: NacosRemoteError.self, "\(json)") {
                try NacosPayloadRegistry.standard.decodeResponse(typeName: typeName, body: NacosByteBuffer(string: json))
            }
            #expect(error?.code == .malformedBody)
        }
        let error = #expect(throws: NacosRemoteError.self) {
            try JSONObject.decode(ConnectionSetupRequest.self, #"{"labels":{"a":{"b":1}}}"#)
        }
        #expect(error?.code == .malformedBody)
        #expect(error?.message.contains("labels") == true)
    }

    @Test func errorResponseBuild() throws {
        let response = ErrorResponse.build(code: .noHandler, message: "RequestHandler Not Found")
        #expect(response.resultCode == 500)
        #expect(response.errorCode == 302)
        #expect(response.success == false)
        let object = try JSONObject.encode(response)
        #expect(Set(object.keys) == ["resultCode", "errorCode", "message", "success"])
        #expect(object["message"] as? String == "RequestHandler Not Found")

        let failure = ErrorResponse.build(failureCode: .invalidParam, message: "bad")
        #expect(failure.resultCode == 400 && failure.errorCode == 400)

        var rejected = HealthCheckResponse()
        rejected.setErrorInfo(.noRight, message: "forbidden")
        #expect(rejected.resultCode == 500 && rejected.errorCode == 403 && !rejected.success)
    }

    @Test func errorCodeValues() {
        let codes: [(NacosErrorCode, Int)] = [
            (.invalidServerStatus, 300), (.unregister, 301), (.noHandler, 302), (.invalidParam, 400),
            (.noRight, 403), (.notFound, 404), (.serverError, 500), (.badGateway, 502), (.overThreshold, 503),
            (.clientDisconnect, -401), (.clientError, -500),
        ]
        for (code, value) in codes {
            #expect(code.rawValue == value)
        }
        #expect(NacosErrorCode.unregister.description == "UN_REGISTER(301)")
        #expect(NacosErrorCode(rawValue: 777).description == "777")
    }

    @Test func headersAreCaseInsensitiveAndMergeable() throws {
        var request = try JSONObject.decode(HealthCheckRequest.self, #"{"headers":{"App":"body","accessToken":"t"}}"#)
        #expect(request.header("app") == "body")
        #expect(request.header("ACCESSTOKEN") == "t")
        #expect(request.header("missing") == nil)
        request.mergeHeaders(["app": "frame", "x": "1"])
        #expect(request.headers == ["app": "frame", "accessToken": "t", "x": "1"])
        #expect(request.header("APP") == "frame")
    }
}
