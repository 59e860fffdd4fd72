import NacosNamingAPI
import NacosRemote
import NacosTransport
import Testing

@Suite struct NamingPayloadRegistryTests {
    static let namingRequests: Set<String> = [
        "InstanceRequest", "BatchInstanceRequest", "PersistentInstanceRequest", "SubscribeServiceRequest",
        "ServiceQueryRequest", "ServiceListRequest", "NotifySubscriberRequest",
    ]
    static let namingResponses: Set<String> = [
        "InstanceResponse", "BatchInstanceResponse", "SubscribeServiceResponse", "QueryServiceResponse",
        "ServiceListResponse", "NotifySubscriberResponse",
    ]

    @Test func namingRegistryHoldsTheInternalAndNamingModules() {
        let registry = NacosPayloadRegistry.naming
        let standard = NacosPayloadRegistry.standard
        #expect(registry.requestTypeNames == standard.requestTypeNames.union(Self.namingRequests))
        #expect(registry.responseTypeNames == standard.responseTypeNames.union(Self.namingResponses))
        // The internal module is really there, not just an empty set.
        #expect(registry.requestTypeNames.isSuperset(of: ["ServerCheckRequest", "ConnectionSetupRequest", "HealthCheckRequest"]))
        #expect(registry.responseTypeNames.isSuperset(of: ["ErrorResponse", "ServerCheckResponse"]))
    }

    @Test func queryServiceResponseKeepsNacosWordOrder() {
        let registry = NacosPayloadRegistry.naming
        #expect(registry.responseType(named: "QueryServiceResponse") != nil)
        #expect(registry.responseType(named: "ServiceQueryResponse") == nil)
        #expect(QueryServiceResponse.typeName == "QueryServiceResponse")
    }

    @Test func typeListsMatchTheirNames() {
        #expect(Set(NacosPayloadRegistry.namingRequestTypes.map { $0.typeName }) == Self.namingRequests)
        #expect(Set(NacosPayloadRegistry.namingResponseTypes.map { $0.typeName }) == Self.namingResponses)
        for type in NacosPayloadRegistry.namingRequestTypes {
            #expect(type.module == .naming)
        }
    }

    @Test func namingRequestsAreNotClusterOnly() {
        let registry = NacosPayloadRegistry.naming
        for name in Self.namingRequests {
            #expect(registry.request(named: name) != nil)
            #expect(registry.isClusterOnly(name) == false)
        }
        #expect(registry.isClusterOnly("ServerReloadRequest"))
    }

    @Test func standardRegistryDoesNotKnowNaming() {
        let error = #expect(throws: NacosRemoteError.self) {
            try NacosPayloadRegistry.standard.decodeRequest(typeName: "InstanceRequest", body: NacosByteBuffer(string: "{}"))
        }
        #expect(error?.code == .unknownType)
        var registry = NacosPayloadRegistry()
        registry.registerNaming()
        #expect(registry.requestTypeNames == Self.namingRequests)
        #expect(registry.responseTypeNames == Self.namingResponses)
    }

    @Test func decodeRequestByTypeName() throws {
        let body = NacosByteBuffer(string: NamingMessageJSONTests.registerBody)
        let decoded = try NacosPayloadRegistry.naming.decodeRequest(typeName: "InstanceRequest", body: body)
        let request = try #require(decoded as? InstanceRequest)
        #expect(request.instance?.ip == "10.0.0.5")
        #expect(request.instance?.port == 8080)
        #expect(request.groupedServiceName == "DEFAULT_GROUP@@svc")

        let persistent = try NacosPayloadRegistry.naming.decodeRequest(typeName: "PersistentInstanceRequest", body: body)
        #expect(persistent is PersistentInstanceRequest)

        let query = try NacosPayloadRegistry.naming.decodeRequest(
            typeName: "ServiceQueryRequest",
            body: NacosByteBuffer(string: #"{"serviceName":"svc","cluster":"a","healthOnly":true}"#)
        )
        let queryRequest = try #require(query as? ServiceQueryRequest)
        #expect(queryRequest.healthyOnly)
        #expect(queryRequest.cluster == "a")
    }

    @Test func decodeResponseByTypeName() throws {
        let response = try NacosPayloadRegistry.naming.decodeResponse(
            typeName: "QueryServiceResponse",
            body: NacosByteBuffer(string: NamingMessageJSONTests.queryResponseBody)
        )
        let query = try #require(response as? QueryServiceResponse)
        #expect(query.serviceInfo?.hosts?.count == 2)

        let error = #expect(throws: NacosRemoteError.self) {
            try NacosPayloadRegistry.naming.decodeRequest(typeName: "InstanceRequest", body: NacosByteBuffer(string: "[1]"))
        }
        #expect(error?.code == .malformedBody)
    }

    @Test(arguments: NacosPayloadRegistry.namingRequestTypes.map { $0.typeName })
    func everyNamingRequestRoundTripsThroughTheRegistry(typeName: String) throws {
        let registry = NacosPayloadRegistry.naming
        let type = try #require(registry.request(named: typeName)).type
        var request = type.init()
        request.requestId = "r1"
        request.headers = ["app": "x"]
        let body = try NacosJSON.encode(request)
        let decoded = try registry.decodeRequest(typeName: typeName, body: body)
        #expect(decoded.typeName == typeName)
        #expect(decoded.requestId == "r1")
        #expect(decoded.headers == ["app": "x"])
    }
}
