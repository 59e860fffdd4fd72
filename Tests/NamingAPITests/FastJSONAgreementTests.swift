import Foundation
import NacosNamingAPI
import NacosRemote
import NacosTransport
import Testing

/// The hand-written codecs (`NacosFastJSONCodable`) agree with the `Codable` ones on every naming message.
@Suite("Fast JSON agrees with Codable")
struct FastJSONAgreementTests {
    static let instance = Instance(
        ip: "10.0.0.5",
        port: 8080,
        weight: 2.5,
        healthy: false,
        enabled: true,
        ephemeral: true,
        clusterName: "c-1",
        serviceName: "G@@svc",
        metadata: ["preserved.heart.beat.timeout": "6000", "k": "v \"quoted\"\n"],
        instanceId: "10.0.0.5#8080#c-1#G@@svc"
    )
    static let info = ServiceInfo(
        name: "svc",
        groupName: "G",
        clusters: "c-1",
        cacheMillis: 10_000,
        hosts: [instance, Instance(ip: "10.0.0.6", port: 1)],
        lastRefTime: 1_700_000_000_123,
        reachProtectionThreshold: true
    )

    /// The object Foundation's encoder makes of `value`, with whole-number doubles written as Jackson does.
    private func foundationJSON(_ value: some Encodable) throws -> NSDictionary {
        let data = try JSONEncoder().encode(value)
        return try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
    }

    private func fastJSON(_ value: some NacosFastJSONCodable) throws -> NSDictionary {
        var writer = NacosJSONWriter()
        value.writeJSON(to: &writer)
        return try #require(try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? NSDictionary)
    }

    private func agree<T: NacosFastJSONCodable & Codable & Equatable>(_ value: T) throws {
        #expect(try self.fastJSON(value) == self.foundationJSON(value), "\(T.self) encodes differently")
        var writer = NacosJSONWriter()
        value.writeJSON(to: &writer)
        let fast = try T(jsonObject: try NacosJSONParser.parseObject(writer.buffer))
        let slow = try JSONDecoder().decode(T.self, from: Data(writer.bytes))
        #expect(fast == value, "\(T.self) does not round-trip")
        #expect(fast == slow, "\(T.self) decodes differently")
    }

    @Test("every naming message and model type")
    func everyType() throws {
        var request = InstanceRequest(namespace: "ns", serviceName: "svc", groupName: "G", type: "registerInstance", instance: Self.instance)
        request.headers = ["app": "demo"]
        request.requestId = "7"
        try self.agree(request)
        try self.agree(PersistentInstanceRequest(serviceName: "svc", type: "deregisterInstance", instance: Self.instance))
        try self.agree(BatchInstanceRequest(serviceName: "svc", type: "batchRegisterInstance", instances: [Self.instance, Instance(ip: "1.2.3.4", port: 1)]))
        try self.agree(SubscribeServiceRequest(namespace: "ns", serviceName: "svc", groupName: "G", subscribe: true, clusters: "a,b"))
        try self.agree(ServiceQueryRequest(serviceName: "svc", cluster: "a", healthyOnly: true, udpPort: 53))
        try self.agree(ServiceListRequest(groupName: "G", pageNo: 3, pageSize: 7, selector: "{}"))
        var push = NotifySubscriberRequest()
        push.serviceInfo = Self.info
        push.requestId = "42"
        try self.agree(push)
        try self.agree(InstanceResponse(type: "registerInstance"))
        var failed = BatchInstanceResponse()
        failed.setErrorInfo(.invalidParam, message: "Param check invalid:bad")
        try self.agree(failed)
        try self.agree(SubscribeServiceResponse(serviceInfo: Self.info))
        try self.agree(QueryServiceResponse(serviceInfo: ServiceInfo(name: "empty", hosts: [])))
        try self.agree(ServiceListResponse(count: 3, serviceNames: ["a", "b"]))
        try self.agree(Self.instance)
        try self.agree(Self.info)
    }

    @Test("lenient Java-shaped bodies decode the same on both paths")
    func lenientBodies() throws {
        let body = #"""
            {"serviceName":"svc","type":"registerInstance","unknown":{"x":[1]},"headers":null,
             "instance":{"ip":"10.0.0.1","port":"8080","weight":"3","healthy":"false","enabled":1,
                         "metadata":{"a":1,"b":null,"c":true},"clusterName":null}}
            """#
        let fast = try InstanceRequest(jsonObject: try NacosJSONParser.parseObject(NacosByteBuffer(string: body)))
        let slow = try JSONDecoder().decode(InstanceRequest.self, from: Data(body.utf8))
        #expect(fast == slow)
        #expect(fast.instance?.port == 8080 && fast.instance?.weight == 3 && fast.instance?.healthy == false)
        #expect(fast.instance?.metadata == ["a": "1", "c": "true"])
        let query = try ServiceQueryRequest(jsonObject: try NacosJSONParser.parseObject(NacosByteBuffer(string: #"{"healthOnly":true}"#)))
        #expect(query.healthyOnly)
        let missingHosts = try ServiceInfo(jsonObject: try NacosJSONParser.parseObject(NacosByteBuffer(string: #"{"name":"x"}"#)))
        #expect(missingHosts.hosts == [])
        let nullHosts = try ServiceInfo(jsonObject: try NacosJSONParser.parseObject(NacosByteBuffer(string: #"{"hosts":null}"#)))
        #expect(nullHosts.hosts == nil)
    }

    @Test("a wrongly typed field fails with malformedBody naming the field")
    func wrongTypes() {
        do {
            _ = try NacosJSON.decode(InstanceRequest.self, from: NacosByteBuffer(string: #"{"instance":{"port":[80]}}"#))
            Issue.record("decoded a port given as an array")
        } catch {
            #expect(error.code == .malformedBody)
            #expect(error.message.contains("port"))
        }
    }
}
