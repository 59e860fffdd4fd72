import NacosRemote
import NacosTransport
import Testing

/// A request of another module, as the naming module will register its own.
struct EchoTestRequest: NacosRequest, Equatable {
    static let typeName = "EchoTestRequest"
    static let module = NacosRequestModule.naming
    var text = ""
    var requestId: String?
    var headers: [String: String] = [:]

    init() {}

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.text = try container.decodeLenient(String.self, forKey: .text) ?? ""
        try self.decodeCommonFields(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.text, forKey: .text)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case text
    }
}

/// A request that happens to carry a cluster-only name.
struct FakeDistroDataRequest: NacosRequest {
    static let typeName = "DistroDataRequest"
    static let module = NacosRequestModule.cluster
    var requestId: String?
    var headers: [String: String] = [:]

    init() {}

    init(from decoder: any Decoder) throws {
        try self.decodeCommonFields(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try self.encodeCommonFields(to: encoder)
    }
}

@Suite struct PayloadRegistryTests {
    @Test func standardRegistryHoldsTheInternalModule() {
        let registry = NacosPayloadRegistry.standard
        #expect(
            registry.requestTypeNames == [
                "ServerCheckRequest", "ConnectionSetupRequest", "SetupAckRequest", "HealthCheckRequest",
                "ClientDetectionRequest", "ConnectResetRequest", "ServerLoaderInfoRequest", "ServerReloadRequest",
                "PushAckRequest",
            ]
        )
        #expect(
            registry.responseTypeNames == [
                "ServerCheckResponse", "SetupAckResponse", "HealthCheckResponse", "ClientDetectionResponse",
                "ConnectResetResponse", "ServerLoaderInfoResponse", "ServerReloadResponse", "ErrorResponse",
            ]
        )
        for name in registry.requestTypeNames {
            #expect(registry.request(named: name)?.type.typeName == name)
            #expect(registry.request(named: name)?.type.module == .internal)
        }
        for name in registry.responseTypeNames {
            #expect(registry.responseType(named: name)?.typeName == name)
        }
    }

    @Test func clusterOnlyMarks() {
        var registry = NacosPayloadRegistry.standard
        #expect(registry.isClusterOnly("ServerLoaderInfoRequest"))
        #expect(registry.isClusterOnly("ServerReloadRequest"))
        #expect(!registry.isClusterOnly("HealthCheckRequest"))
        #expect(!registry.isClusterOnly("ServerCheckRequest"))
        #expect(!registry.isClusterOnly("NoSuchRequest"))
        // A cluster-only name is marked whoever registers it, unless the registration says otherwise.
        registry.register(FakeDistroDataRequest.self)
        #expect(registry.isClusterOnly("DistroDataRequest"))
        registry.register(FakeDistroDataRequest.self, clusterOnly: false)
        #expect(!registry.isClusterOnly("DistroDataRequest"))
        registry.register(EchoTestRequest.self, clusterOnly: true)
        #expect(registry.isClusterOnly("EchoTestRequest"))
    }

    @Test func unknownTypesAreErrors() {
        let registry = NacosPayloadRegistry.standard
        let body = NacosByteBuffer(string: "{}")
        let request = #expect(throws: NacosRemoteError.self) {
            try registry.decodeRequest(typeName: "InstanceRequest", body: body)
        }
        #expect(request?.code == .unknownType)
        #expect(request?.message.contains("InstanceRequest") == true)
        // Request and response tables are separate.
        let response = #expect(throws: NacosRemoteError.self) {
            try registry.decodeResponse(typeName: "HealthCheckRequest", body: body)
        }
        #expect(response?.code == .unknownType)
        let empty = #expect(throws: NacosRemoteError.self) {
            try NacosPayloadRegistry().decodeRequest(typeName: "HealthCheckRequest", body: body)
        }
        #expect(empty?.code == .unknownType)
    }

    @Test func otherModulesExtendTheRegistry() throws {
        var registry = NacosPayloadRegistry.standard
        registry.register(EchoTestRequest.self)
        var echo = EchoTestRequest()
        echo.text = "hi"
        echo.headers = ["app": "demo"]
        let payload = try NacosPayload.request(echo, callId: 3, clientIp: "10.0.0.5")
        let decoded = try registry.decodeRequest(payload)
        #expect(decoded as? EchoTestRequest == echo)
        #expect(decoded.module == .naming)
        #expect(try JSONObject.parse(payload.body)["module"] as? String == "naming")
        // The original registry is a separate value and does not know the type.
        #expect(throws: NacosRemoteError.self) { try NacosPayloadRegistry.standard.decodeRequest(payload) }
    }

    @Test func decodingThroughPayloadsChecksTheKind() throws {
        let registry = NacosPayloadRegistry.standard
        let request = try NacosPayload.request(HealthCheckRequest())
        let response = try NacosPayload.response(HealthCheckResponse())
        #expect(try registry.decodeRequest(request) is HealthCheckRequest)
        #expect(try registry.decodeResponse(response) is HealthCheckResponse)
        let asResponse = #expect(throws: NacosRemoteError.self) { try registry.decodeResponse(request) }
        #expect(asResponse?.code == .typeMismatch)
        let asRequest = #expect(throws: NacosRemoteError.self) { try registry.decodeRequest(response) }
        #expect(asRequest?.code == .typeMismatch)
    }
}
