import Foundation
import NacosNamingAPI
import NacosRemote
import NacosTransport
import Testing

@Suite struct NamingMessageJSONTests {
    /// Type-specific keys each naming message writes with every field at its default (nil fields omitted).
    static let defaultKeys: [String: Set<String>] = [
        "InstanceRequest": [],
        "BatchInstanceRequest": [],
        "PersistentInstanceRequest": [],
        "SubscribeServiceRequest": ["subscribe", "clusters"],
        "ServiceQueryRequest": ["cluster", "healthyOnly", "udpPort"],
        "ServiceListRequest": ["pageNo", "pageSize"],
        "NotifySubscriberRequest": [],
        "InstanceResponse": [],
        "BatchInstanceResponse": [],
        "SubscribeServiceResponse": [],
        "QueryServiceResponse": [],
        "ServiceListResponse": ["count", "serviceNames"],
        "NotifySubscriberResponse": [],
    ]

    static let requestNames = Self.defaultKeys.keys.filter { $0.hasSuffix("Request") }.sorted()
    static let responseNames = Self.defaultKeys.keys.filter { !$0.hasSuffix("Request") }.sorted()

    /// The register body of reference §3.9, as the Java SDK sends it.
    static let registerBody = #"""
        {"headers":{},"namespace":"public","serviceName":"svc","groupName":"DEFAULT_GROUP","type":"registerInstance",
        "instance":{"ip":"10.0.0.5","port":8080,"weight":1.0,"healthy":true,"enabled":true,"ephemeral":true,
        "clusterName":"DEFAULT","metadata":{"preserved.register.source":"SPRING_CLOUD"}},"module":"naming"}
        """#

    /// A `QueryServiceResponse` as a Java server writes it (Jackson, NON_NULL, derived getters included).
    static let queryResponseBody = #"""
        {"resultCode":200,"errorCode":0,"success":true,
         "serviceInfo":{"name":"svc","groupName":"DEFAULT_GROUP","clusters":"","cacheMillis":10000,
          "hosts":[
           {"instanceId":"10.0.0.5#8080#DEFAULT#DEFAULT_GROUP@@svc","ip":"10.0.0.5","port":8080,"weight":1.0,
            "healthy":true,"enabled":true,"ephemeral":true,"clusterName":"DEFAULT","serviceName":"DEFAULT_GROUP@@svc",
            "metadata":{"preserved.register.source":"SPRING_CLOUD"},"instanceHeartBeatInterval":5000,
            "instanceHeartBeatTimeOut":15000,"ipDeleteTimeout":30000},
           {"instanceId":"10.0.0.6#8081#east#DEFAULT_GROUP@@svc","ip":"10.0.0.6","port":8081,"weight":2.5,
            "healthy":false,"enabled":true,"ephemeral":true,"clusterName":"east","serviceName":"DEFAULT_GROUP@@svc",
            "metadata":{},"instanceHeartBeatInterval":5000,"instanceHeartBeatTimeOut":15000,"ipDeleteTimeout":30000,
            "instanceIdGenerator":"simple"}],
          "lastRefTime":1700000000123,"checksum":"","allIPs":false,"reachProtectionThreshold":false,"valid":true}}
        """#

    // MARK: Defaults and common fields

    @Test(arguments: Self.requestNames)
    func defaultRequestWritesHeadersAndNamingModule(typeName: String) throws {
        let type = try #require(NacosPayloadRegistry.naming.request(named: typeName)).type
        let request = type.init()
        let object = try NamingJSON.encode(request)
        #expect(Set(object.keys) == Self.defaultKeys[typeName]!.union(["headers", "module"]))
        #expect(object["module"] as? String == "naming")
        #expect((object["headers"] as? [String: Any])?.isEmpty == true)
        #expect(object["requestId"] == nil)
        #expect(request.module == .naming)
    }

    @Test(arguments: Self.responseNames)
    func defaultResponseWritesResultErrorCodeAndSuccess(typeName: String) throws {
        let type = try #require(NacosPayloadRegistry.naming.responseType(named: typeName))
        let object = try NamingJSON.encode(type.init())
        #expect(Set(object.keys) == Self.defaultKeys[typeName]!.union(["resultCode", "errorCode", "success"]))
        #expect(object["resultCode"] as? Int == 200)
        #expect(object["errorCode"] as? Int == 0)
        #expect(object["success"] as? Bool == true)
    }

    @Test(arguments: Self.requestNames + Self.responseNames)
    func emptyAndNullBodiesDecode(typeName: String) throws {
        let registry = NacosPayloadRegistry.naming
        let nulls = #"""
            {"headers":null,"requestId":null,"namespace":null,"serviceName":null,"groupName":null,"type":null,
             "instance":null,"instances":null,"serviceInfo":null,"selector":null,"resultCode":null,"message":null}
            """#
        for json in ["{}", nulls] {
            let body = NacosByteBuffer(string: json)
            if typeName.hasSuffix("Request") {
                let request = try #require(try registry.decodeRequest(typeName: typeName, body: body) as? any NamingRequest)
                #expect(request.typeName == typeName)
                #expect(request.namespace == nil && request.serviceName == nil && request.groupName == nil)
                #expect(request.requestId == nil)
                #expect(request.headers.isEmpty)
            } else {
                let response = try registry.decodeResponse(typeName: typeName, body: body)
                #expect(response.typeName == typeName)
                #expect(response.resultCode == 200 && response.errorCode == 0 && response.message == nil)
            }
        }
    }

    @Test func headersAndRequestIdAreWritten() throws {
        var request = InstanceRequest(namespace: "dev", serviceName: "svc")
        request.headers = ["app": "demo", "accessToken": "t0k"]
        request.requestId = "7"
        let object = try NamingJSON.encode(request)
        #expect(object["headers"] as? [String: String] == ["app": "demo", "accessToken": "t0k"])
        #expect(object["requestId"] as? String == "7")
        #expect(object["module"] as? String == "naming")
        let decoded = try NamingJSON.roundTrip(request)
        #expect(decoded == request)
        #expect(decoded.header("APP") == "demo")
    }

    // MARK: InstanceRequest and friends

    @Test func registerBodyFromTheReference() throws {
        let request = try NamingJSON.decode(InstanceRequest.self, Self.registerBody)
        #expect(request.namespace == "public")
        #expect(request.serviceName == "svc")
        #expect(request.groupName == "DEFAULT_GROUP")
        #expect(request.type == InstanceRequest.registerType)
        #expect(request.headers.isEmpty)
        #expect(request.requestId == nil)
        let instance = try #require(request.instance)
        #expect(instance.ip == "10.0.0.5")
        #expect(instance.port == 8080)
        #expect(instance.weight == 1.0)
        #expect(instance.healthy && instance.enabled && instance.ephemeral)
        #expect(instance.clusterName == "DEFAULT")
        #expect(instance.serviceName == nil)
        #expect(instance.instanceId == nil)
        #expect(instance.metadata == [NamingDefaults.registerSourceKey: "SPRING_CLOUD"])

        #expect(
            try NamingJSON.keys(of: request)
                == ["namespace", "serviceName", "groupName", "type", "instance", "headers", "module"]
        )
        #expect(try NamingJSON.roundTrip(request) == request)
        #expect(NamingParamCheck.check(request) == nil)
    }

    @Test func instanceResponseFromTheReference() throws {
        let json = #"{"resultCode":200,"errorCode":0,"type":"registerInstance","success":true}"#
        let response = try NamingJSON.decode(InstanceResponse.self, json)
        #expect(response == InstanceResponse(type: "registerInstance"))
        #expect(response.success)
        #expect(try NamingJSON.keys(of: response) == ["resultCode", "errorCode", "type", "success"])
    }

    @Test func paramCheckRejectionEncodesAsAFailedResponse() throws {
        var response = InstanceResponse()
        let reason = try #require(NamingParamCheck.serviceName("a@@b"))
        response.setErrorInfo(.invalidParam, message: NamingParamCheck.message(for: reason))
        let object = try NamingJSON.encode(response)
        #expect(object["resultCode"] as? Int == 500)
        #expect(object["errorCode"] as? Int == 400)
        #expect(object["success"] as? Bool == false)
        #expect(
            object["message"] as? String
                == "Param check invalid:Param 'serviceName' is illegal, illegal characters should not appear in the param."
        )
        #expect(object["type"] == nil)
    }

    @Test func persistentInstanceRequestHasTheSameShape() throws {
        let body = Self.registerBody.replacingOccurrences(of: #""ephemeral":true"#, with: #""ephemeral":false"#)
        let request = try NamingJSON.decode(PersistentInstanceRequest.self, body)
        #expect(request.instance?.ephemeral == false)
        #expect(request.instance?.port == 8080)
        #expect(request.type == "registerInstance")
        #expect(try NamingJSON.roundTrip(request) == request)
        #expect(
            try NamingJSON.keys(of: request)
                == ["namespace", "serviceName", "groupName", "type", "instance", "headers", "module"]
        )
    }

    @Test func batchInstanceRequestFromTheJavaSDK() throws {
        let json = #"""
            {"headers":{"app":"unknown"},"namespace":"public","serviceName":"svc","groupName":"DEFAULT_GROUP",
             "type":"batchRegisterInstance","instances":[
              {"ip":"10.0.0.5","port":8080,"weight":1.0,"healthy":true,"enabled":true,"ephemeral":true,
               "clusterName":"c1","metadata":{},"instanceHeartBeatInterval":5000,"instanceHeartBeatTimeOut":15000,
               "ipDeleteTimeout":30000,"instanceIdGenerator":"simple"},
              {"ip":"10.0.0.6","port":"8081","weight":"0.5","healthy":"false","enabled":true,"ephemeral":true,
               "metadata":{"k":"v"}}],
             "module":"naming"}
            """#
        let request = try NamingJSON.decode(BatchInstanceRequest.self, json)
        #expect(request.type == BatchInstanceRequest.batchRegisterType)
        #expect(request.headers == ["app": "unknown"])
        let instances = try #require(request.instances)
        #expect(instances.count == 2)
        #expect(instances[0] == Instance(ip: "10.0.0.5", port: 8080, clusterName: "c1"))
        #expect(instances[1] == Instance(ip: "10.0.0.6", port: 8081, weight: 0.5, healthy: false, metadata: ["k": "v"]))
        #expect(try NamingJSON.roundTrip(request) == request)
        let object = try NamingJSON.encode(request)
        #expect((object["instances"] as? [[String: Any]])?.count == 2)
    }

    // MARK: Instance

    @Test func lenientInstanceScalars() throws {
        let json = #"""
            {"ip":"10.0.0.5","port":"8080","weight":"2","healthy":"true","enabled":"FALSE","ephemeral":0,
             "clusterName":"DEFAULT","metadata":{"n":5,"b":true,"gone":null}}
            """#
        let instance = try NamingJSON.decode(Instance.self, json)
        #expect(instance.port == 8080)
        #expect(instance.weight == 2.0)
        #expect(instance.healthy == true)
        #expect(instance.enabled == false)
        #expect(instance.ephemeral == false)
        #expect(instance.metadata == ["n": "5", "b": "true"])
        // Numbers for strings, as Jackson coerces them.
        let numericIp = try NamingJSON.decode(Instance.self, #"{"ip":127,"port":80.0,"instanceId":9}"#)
        #expect(numericIp.ip == "127")
        #expect(numericIp.port == 80)
        #expect(numericIp.instanceId == "9")
    }

    @Test func instanceUnknownFieldsAndNullsTakeDefaults() throws {
        let json = #"""
            {"ip":"10.0.0.5","port":8080,"weight":null,"healthy":null,"metadata":null,"clusterName":null,
             "instanceHeartBeatInterval":1,"instanceIdGenerator":"snowflake","somethingNew":{"x":[1,2]},"valid":true}
            """#
        let instance = try NamingJSON.decode(Instance.self, json)
        #expect(instance == Instance(ip: "10.0.0.5", port: 8080))
        // The derived fields are not read back: the beat interval stays the default.
        #expect(instance.instanceHeartBeatInterval == 5000)
        #expect(instance.instanceIdGenerator == "simple")
        #expect(try NamingJSON.decode(Instance.self, "{}") == Instance())
    }

    @Test func instanceEncodesDerivedTimingsAndOmitsNils() throws {
        let instance = Instance(ip: "10.0.0.5", port: 8080)
        let object = try NamingJSON.encode(instance)
        #expect(
            Set(object.keys) == [
                "ip", "port", "weight", "healthy", "enabled", "ephemeral", "metadata", "instanceHeartBeatInterval",
                "instanceHeartBeatTimeOut", "ipDeleteTimeout", "instanceIdGenerator",
            ]
        )
        #expect(object["instanceHeartBeatInterval"] as? Int == 5000)
        #expect(object["instanceHeartBeatTimeOut"] as? Int == 15000)
        #expect(object["ipDeleteTimeout"] as? Int == 30000)
        #expect(object["instanceIdGenerator"] as? String == "simple")
        #expect(object["weight"] as? Double == 1.0)
        #expect((object["metadata"] as? [String: String])?.isEmpty == true)

        let full = Instance(
            ip: "10.0.0.5", port: 8080, clusterName: "DEFAULT", serviceName: "DEFAULT_GROUP@@svc",
            instanceId: "10.0.0.5#8080#DEFAULT#DEFAULT_GROUP@@svc"
        )
        let fullObject = try NamingJSON.encode(full)
        #expect(fullObject["instanceId"] as? String == "10.0.0.5#8080#DEFAULT#DEFAULT_GROUP@@svc")
        #expect(fullObject["clusterName"] as? String == "DEFAULT")
        #expect(fullObject["serviceName"] as? String == "DEFAULT_GROUP@@svc")
        #expect(try NamingJSON.roundTrip(full) == full)
    }

    @Test func metadataOverridesTheDerivedFields() throws {
        let instance = Instance(
            ip: "10.0.0.5", port: 8080,
            metadata: [
                NamingDefaults.heartBeatIntervalKey: "1000", NamingDefaults.heartBeatTimeoutKey: "3000",
                NamingDefaults.ipDeleteTimeoutKey: "6000", NamingDefaults.instanceIdGeneratorKey: "snowflake",
            ]
        )
        #expect(instance.instanceHeartBeatInterval == 1000)
        #expect(instance.instanceHeartBeatTimeOut == 3000)
        #expect(instance.ipDeleteTimeout == 6000)
        let object = try NamingJSON.encode(instance)
        #expect(object["instanceHeartBeatInterval"] as? Int == 1000)
        #expect(object["instanceHeartBeatTimeOut"] as? Int == 3000)
        #expect(object["ipDeleteTimeout"] as? Int == 6000)
        #expect(object["instanceIdGenerator"] as? String == "snowflake")
        #expect(try NamingJSON.roundTrip(instance) == instance)
    }

    @Test(arguments: ["-1", "+1000", " 1000", "1000 ", "1e3", "10.5", "", "abc", "99999999999999999999"])
    func metadataTimingThatIsNotAPlainNumberKeepsTheDefault(value: String) {
        // Java reads the key only when it matches `^\d+$` (`NamingUtils.isNumber`).
        let instance = Instance(ip: "10.0.0.5", port: 1, metadata: [NamingDefaults.heartBeatIntervalKey: value])
        #expect(instance.instanceHeartBeatInterval == 5000)
    }

    @Test func uncoercibleInstanceFieldsAreMalformed() {
        for json in [#"{"port":"abc"}"#, #"{"weight":{"a":1}}"#, #"{"healthy":"maybe"}"#, #"{"metadata":{"a":{"b":1}}}"#] {
            let error = #expect(throws: NacosRemoteError.self, "\(json)") {
                try NamingJSON.decode(Instance.self, json)
            }
            #expect(error?.code == .malformedBody)
        }
        let error = #expect(throws: NacosRemoteError.self) {
            try NamingJSON.decode(InstanceRequest.self, #"{"instance":{"port":"x"}}"#)
        }
        #expect(error?.message.contains("port") == true)
    }

    // MARK: ServiceInfo and the query/subscribe/push messages

    @Test func queryServiceResponseWithHosts() throws {
        let response = try NamingJSON.decode(QueryServiceResponse.self, Self.queryResponseBody)
        #expect(response.success)
        let info = try #require(response.serviceInfo)
        #expect(info.name == "svc")
        #expect(info.groupName == "DEFAULT_GROUP")
        #expect(info.clusters == "")
        #expect(info.cacheMillis == 10000)
        #expect(info.lastRefTime == 1_700_000_000_123)
        #expect(info.checksum == "")
        #expect(info.valid)
        #expect(info.groupedName == "DEFAULT_GROUP@@svc")
        let hosts = try #require(info.hosts)
        #expect(hosts.count == 2)
        #expect(hosts[0].instanceId == "10.0.0.5#8080#DEFAULT#DEFAULT_GROUP@@svc")
        #expect(hosts[0].serviceName == "DEFAULT_GROUP@@svc")
        #expect(hosts[0].metadata == ["preserved.register.source": "SPRING_CLOUD"])
        #expect(hosts[1].weight == 2.5)
        #expect(hosts[1].healthy == false)
        #expect(hosts[1].clusterName == "east")
        #expect(info.hasUsableHosts)

        #expect(try NamingJSON.roundTrip(response) == response)
        let object = try NamingJSON.encode(response)
        #expect(Set(object.keys) == ["resultCode", "errorCode", "success", "serviceInfo"])
        let infoObject = try #require(object["serviceInfo"] as? [String: Any])
        #expect(
            Set(infoObject.keys) == [
                "name", "groupName", "clusters", "cacheMillis", "hosts", "lastRefTime", "checksum", "allIPs",
                "reachProtectionThreshold", "valid",
            ]
        )
        #expect(infoObject["valid"] as? Bool == true)
        #expect(infoObject["lastRefTime"] as? Int == 1_700_000_000_123)
        #expect((infoObject["hosts"] as? [[String: Any]])?.first?["instanceHeartBeatTimeOut"] as? Int == 15000)
    }

    @Test func nullHostsAreInvalidButMissingHostsAreEmpty() throws {
        let null = try NamingJSON.decode(ServiceInfo.self, #"{"name":"svc","hosts":null,"valid":true}"#)
        #expect(null.hosts == nil)
        #expect(null.valid == false)
        #expect(null.instances.isEmpty)
        #expect(null.hasUsableHosts == false)
        let object = try NamingJSON.encode(null)
        #expect(object["hosts"] == nil)
        #expect(object["valid"] as? Bool == false)

        // Java keeps the field's initial empty list when the key is absent.
        let missing = try NamingJSON.decode(ServiceInfo.self, #"{"name":"svc","valid":false}"#)
        #expect(missing.hosts == [])
        #expect(missing.valid)
        #expect(try NamingJSON.encode(missing)["valid"] as? Bool == true)
    }

    @Test func serviceInfoDefaultsAndLenientFields() throws {
        let info = try NamingJSON.decode(
            ServiceInfo.self,
            #"{"name":"svc","cacheMillis":"10000","lastRefTime":"123","allIPs":"true","reachProtectionThreshold":1,"x":{}}"#
        )
        #expect(info.cacheMillis == 10000)
        #expect(info.lastRefTime == 123)
        #expect(info.allIPs)
        #expect(info.reachProtectionThreshold)
        #expect(info.groupName == nil)
        #expect(info.clusters == nil)
        let empty = try NamingJSON.decode(ServiceInfo.self, "{}")
        #expect(empty.cacheMillis == 1000)
        #expect(empty.checksum == "")
        #expect(empty.valid)
        let object = try NamingJSON.encode(ServiceInfo(name: nil, groupName: nil, clusters: nil))
        #expect(
            Set(object.keys) == [
                "cacheMillis", "hosts", "lastRefTime", "checksum", "allIPs", "reachProtectionThreshold", "valid",
            ]
        )
        #expect(object["valid"] as? Bool == true)
    }

    @Test func serviceQueryRequestAcceptsHealthyOnlyAndHealthOnly() throws {
        let healthy = try NamingJSON.decode(ServiceQueryRequest.self, #"{"serviceName":"svc","healthyOnly":true}"#)
        #expect(healthy.healthyOnly)
        let health = try NamingJSON.decode(ServiceQueryRequest.self, #"{"serviceName":"svc","healthOnly":"true"}"#)
        #expect(health.healthyOnly)
        // `healthyOnly` wins when both are present.
        let both = try NamingJSON.decode(ServiceQueryRequest.self, #"{"healthyOnly":false,"healthOnly":true}"#)
        #expect(both.healthyOnly == false)
        #expect(try NamingJSON.decode(ServiceQueryRequest.self, "{}").healthyOnly == false)

        let object = try NamingJSON.encode(health)
        #expect(object["healthyOnly"] as? Bool == true)
        #expect(object["healthOnly"] == nil)
    }

    @Test func serviceQueryRequestFields() throws {
        let json = #"""
            {"headers":{},"namespace":"dev","serviceName":"svc","groupName":"G","cluster":"c1,c2","healthyOnly":false,
             "udpPort":"0","module":"naming"}
            """#
        let request = try NamingJSON.decode(ServiceQueryRequest.self, json)
        #expect(request == ServiceQueryRequest(namespace: "dev", serviceName: "svc", groupName: "G", cluster: "c1,c2"))
        #expect(try NamingJSON.roundTrip(request) == request)
        let nullCluster = try NamingJSON.decode(ServiceQueryRequest.self, #"{"cluster":null,"udpPort":null}"#)
        #expect(nullCluster.cluster == "")
        #expect(nullCluster.udpPort == 0)
    }

    @Test func subscribeServiceRequestFields() throws {
        let json = #"""
            {"headers":{"app":"demo"},"namespace":"public","serviceName":"svc","groupName":"DEFAULT_GROUP",
             "subscribe":true,"clusters":"","module":"naming"}
            """#
        let request = try NamingJSON.decode(SubscribeServiceRequest.self, json)
        #expect(request.subscribe)
        #expect(request.clusters == "")
        #expect(request.groupedServiceName == "DEFAULT_GROUP@@svc")
        #expect(try NamingJSON.roundTrip(request) == request)
        #expect(
            try NamingJSON.keys(of: request)
                == ["namespace", "serviceName", "groupName", "subscribe", "clusters", "headers", "module"]
        )
        let unsubscribe = try NamingJSON.decode(SubscribeServiceRequest.self, #"{"subscribe":"false","clusters":null}"#)
        #expect(unsubscribe.subscribe == false)
        #expect(unsubscribe.clusters == "")
        // A missing flag is Java's primitive default, `false`.
        #expect(try NamingJSON.decode(SubscribeServiceRequest.self, #"{"serviceName":"svc"}"#).subscribe == false)
    }

    @Test func subscribeServiceResponseFromTheReference() throws {
        let json = #"""
            {"resultCode":200,"errorCode":0,"message":"success","success":true,
             "serviceInfo":{"name":"svc","groupName":"DEFAULT_GROUP","clusters":"","cacheMillis":10000,"hosts":[],
              "lastRefTime":5,"checksum":"","allIPs":false,"reachProtectionThreshold":false,"valid":true}}
            """#
        let response = try NamingJSON.decode(SubscribeServiceResponse.self, json)
        #expect(response.message == "success")
        #expect(response.serviceInfo?.hosts == [])
        #expect(response.serviceInfo?.lastRefTime == 5)
        #expect(response.serviceInfo?.hasUsableHosts == false)
        #expect(try NamingJSON.roundTrip(response) == response)
    }

    @Test func notifySubscriberPushAndAck() throws {
        let info = ServiceInfo(
            name: "svc", groupName: "DEFAULT_GROUP", cacheMillis: 10000,
            hosts: [Instance(ip: "10.0.0.5", port: 8080, clusterName: "DEFAULT")], lastRefTime: 42
        )
        var push = NotifySubscriberRequest(serviceInfo: info)
        push.requestId = "101"
        let object = try NamingJSON.encode(push)
        #expect(Set(object.keys) == ["serviceInfo", "headers", "module", "requestId"])
        #expect(object["requestId"] as? String == "101")
        #expect(object["module"] as? String == "naming")
        #expect(try NamingJSON.roundTrip(push) == push)

        let ack = try NamingJSON.decode(
            NotifySubscriberResponse.self,
            #"{"resultCode":200,"errorCode":0,"requestId":"101","success":true}"#
        )
        #expect(ack.requestId == "101")
        #expect(ack.success)
        var reply = NotifySubscriberResponse()
        reply.requestId = "101"
        #expect(try NamingJSON.text(reply) == #"{"resultCode":200,"errorCode":0,"requestId":"101","success":true}"#)
    }

    @Test func serviceListRequestAndResponse() throws {
        let request = try NamingJSON.decode(
            ServiceListRequest.self,
            #"{"namespace":"public","groupName":"DEFAULT_GROUP","serviceName":"","pageNo":"2","pageSize":50,"selector":null}"#
        )
        #expect(request.pageNo == 2)
        #expect(request.pageSize == 50)
        #expect(request.selector == nil)
        #expect(try NamingJSON.roundTrip(request) == request)
        #expect(try NamingJSON.decode(ServiceListRequest.self, "{}").pageNo == 1)

        let response = try NamingJSON.decode(
            ServiceListResponse.self,
            #"{"resultCode":200,"errorCode":0,"count":"3","serviceNames":["a","b"],"success":true}"#
        )
        #expect(response == ServiceListResponse(count: 3, serviceNames: ["a", "b"]))
        #expect(try NamingJSON.decode(ServiceListResponse.self, #"{"serviceNames":null}"#).serviceNames == [])
        #expect(try NamingJSON.roundTrip(response) == response)
    }

    @Test func batchInstanceResponseRoundTrips() throws {
        let response = try NamingJSON.decode(
            BatchInstanceResponse.self,
            #"{"resultCode":500,"errorCode":400,"message":"bad","type":"batchRegisterInstance","success":true}"#
        )
        #expect(response.type == "batchRegisterInstance")
        #expect(response.success == false)
        #expect(response.message == "bad")
        #expect(try NamingJSON.roundTrip(response) == response)
        #expect(try NamingJSON.encode(response)["success"] as? Bool == false)
    }

    @Test func unknownFieldsAreIgnoredEverywhere() throws {
        let json = #"""
            {"namespace":"public","serviceName":"svc","future":{"a":[1,{"b":null}]},"list":[true],"type":"registerInstance",
             "instance":{"ip":"1.2.3.4","port":1,"newField":"x","metadata":{}},"module":"config","headers":{}}
            """#
        let request = try NamingJSON.decode(InstanceRequest.self, json)
        #expect(request.instance == Instance(ip: "1.2.3.4", port: 1))
        // The type fixes the module; the body's value is ignored.
        #expect(request.module == .naming)
        #expect(try NamingJSON.encode(request)["module"] as? String == "naming")

        let response = try NamingJSON.decode(
            QueryServiceResponse.self,
            #"{"serviceInfo":{"name":"svc","hosts":[{"ip":"1.2.3.4","port":1,"x":1}],"unknown":[1]},"extra":1}"#
        )
        #expect(response.serviceInfo?.hosts == [Instance(ip: "1.2.3.4", port: 1)])
    }
}
