import NacosNamingAPI
import NacosRemote
import Testing

/// Java's reason texts (`DefaultParamChecker`, 2.5.1).
private enum Reason {
    static func tooLong(_ param: String, _ max: Int) -> String {
        "Param '\(param)' is illegal, the param length should not exceed \(max)."
    }

    static func illegal(_ param: String) -> String {
        "Param '\(param)' is illegal, illegal characters should not appear in the param."
    }

    static let port = "Param 'port' is illegal, the value should be between 0 and 65535."

    static func metadata(_ limit: Int) -> String {
        "Param 'Metadata' is illegal, the param length should not exceed \(limit)."
    }
}

/// One row of a check table: the value and the expected reason (`nil` = valid).
struct CheckCase: Sendable, CustomTestStringConvertible {
    let value: String?
    let reason: String?

    init(_ value: String?, _ reason: String?) {
        self.value = value
        self.reason = reason
    }

    var testDescription: String {
        let shown = self.value.map { $0.count > 24 ? "\($0.prefix(12))…(\($0.utf16.count))" : $0 } ?? "nil"
        return "\(shown.debugDescription) → \(self.reason == nil ? "valid" : "invalid")"
    }
}

@Suite struct NamingParamCheckTests {
    static let namespaceCases: [CheckCase] = [
        CheckCase(nil, nil),
        CheckCase("", nil),
        CheckCase("   ", nil),
        CheckCase("public", nil),
        CheckCase("dev-ns_01", nil),
        CheckCase("e2b3c4d5-1111-2222-3333-444455556666", nil),
        CheckCase(String(repeating: "n", count: 64), nil),
        CheckCase(String(repeating: "n", count: 65), Reason.tooLong("namespaceId/tenant", 64)),
        CheckCase("dev.ns", Reason.illegal("namespaceId/tenant")),
        CheckCase("dev ns", Reason.illegal("namespaceId/tenant")),
        CheckCase(" dev", Reason.illegal("namespaceId/tenant")),
        CheckCase("dev:1", Reason.illegal("namespaceId/tenant")),
        CheckCase("命名", Reason.illegal("namespaceId/tenant")),
        CheckCase("é", Reason.illegal("namespaceId/tenant")),
        // Blank is Java's `Character.isWhitespace`: these pass unchecked...
        CheckCase("\u{1C}\u{1F}\u{0B}", nil),
        CheckCase("\u{3000}\u{2028}\u{1680}", nil),
        // ...but the no-break spaces are not whitespace to Java, so they are checked and rejected.
        CheckCase("\u{00A0}", Reason.illegal("namespaceId/tenant")),
        CheckCase("\u{202F}", Reason.illegal("namespaceId/tenant")),
        // Length is checked before characters.
        CheckCase(String(repeating: "#", count: 65), Reason.tooLong("namespaceId/tenant", 64)),
    ]

    static let serviceNameCases: [CheckCase] = [
        CheckCase(nil, nil),
        CheckCase("", nil),
        CheckCase(" \t ", nil),
        CheckCase("svc", nil),
        CheckCase("com.example.OrderService:1.0.0:", nil),
        CheckCase("providers:com.foo.Bar::", nil),
        CheckCase("a@b", nil),
        CheckCase("a@b@c", nil),
        CheckCase("svc@", nil),
        CheckCase("服", nil),  // Java checks only `@` and line breaks on the first character.
        CheckCase(" svc", nil),
        CheckCase("ṡvc-ü", nil),  // Only U+4E00–U+9FA5 is excluded.
        CheckCase(String(repeating: "s", count: 512), nil),
        CheckCase(String(repeating: "s", count: 513), Reason.tooLong("serviceName", 512)),
        CheckCase("@svc", Reason.illegal("serviceName")),
        CheckCase("@", Reason.illegal("serviceName")),
        CheckCase("@@svc", Reason.illegal("serviceName")),
        CheckCase("DEFAULT_GROUP@@svc", Reason.illegal("serviceName")),
        CheckCase("svc@@", Reason.illegal("serviceName")),
        CheckCase("a@@@b", Reason.illegal("serviceName")),
        CheckCase("服务", Reason.illegal("serviceName")),
        CheckCase("svc服务", Reason.illegal("serviceName")),
        CheckCase("svc\u{4E00}", Reason.illegal("serviceName")),
        CheckCase("svc\u{9FA5}", Reason.illegal("serviceName")),
        CheckCase("svc\u{9FA6}", nil),  // Java's range ends at U+9FA5.
        CheckCase("svc\u{4DFF}", nil),
        CheckCase("svc name", Reason.illegal("serviceName")),
        CheckCase("svc ", Reason.illegal("serviceName")),
        CheckCase("svc\tname", Reason.illegal("serviceName")),
        CheckCase("svc\nname", Reason.illegal("serviceName")),
        CheckCase("\nsvc", Reason.illegal("serviceName")),
        // Java's `\s` is ASCII only, so a no-break or ideographic space passes.
        CheckCase("svc\u{00A0}x", nil),
        CheckCase("svc\u{3000}x", nil),
    ]

    static let groupNameCases: [CheckCase] = [
        CheckCase(nil, nil),
        CheckCase("", nil),
        CheckCase("  ", nil),
        CheckCase("DEFAULT_GROUP", nil),
        CheckCase("my-group:v1.2", nil),
        CheckCase(String(repeating: "g", count: 128), nil),
        CheckCase(String(repeating: "g", count: 129), Reason.tooLong("group", 128)),
        CheckCase("my group", Reason.illegal("group")),
        CheckCase("G@@x", Reason.illegal("group")),
        CheckCase("g/1", Reason.illegal("group")),
        CheckCase("组", Reason.illegal("group")),
    ]

    static let clustersCases: [CheckCase] = [
        CheckCase(nil, nil),
        CheckCase("", nil),
        CheckCase(" ", nil),
        CheckCase("DEFAULT", nil),
        CheckCase("cluster1,cluster2", nil),
        CheckCase("c_1,c-2,C3", nil),
        CheckCase("a,,b", nil),
        CheckCase("a, ,b", nil),
        CheckCase("a,", nil),
        CheckCase(",", nil),
        CheckCase(String(repeating: "c", count: 64) + ",x", nil),
        CheckCase("x," + String(repeating: "c", count: 65), Reason.tooLong("cluster", 64)),
        CheckCase("bad cluster", Reason.illegal("cluster")),
        CheckCase("a, b", Reason.illegal("cluster")),
        CheckCase("good,bad.one", Reason.illegal("cluster")),
        CheckCase("good,集群", Reason.illegal("cluster")),
        // Items are checked one by one; the first failing one is reported.
        CheckCase("ok,b@d", Reason.illegal("cluster")),
        CheckCase("b@d," + String(repeating: "c", count: 65), Reason.illegal("cluster")),
        CheckCase(String(repeating: "c", count: 65) + ",b@d", Reason.tooLong("cluster", 64)),
    ]

    static let clusterCases: [CheckCase] = [
        CheckCase(nil, nil),
        CheckCase("", nil),
        CheckCase("  ", nil),
        CheckCase("DEFAULT", nil),
        CheckCase("my_cluster-1", nil),
        CheckCase(String(repeating: "c", count: 64), nil),
        CheckCase(String(repeating: "c", count: 65), Reason.tooLong("cluster", 64)),
        CheckCase("cluster1,cluster2", Reason.illegal("cluster")),
        CheckCase("bad cluster", Reason.illegal("cluster")),
        CheckCase(" DEFAULT", Reason.illegal("cluster")),
    ]

    static let ipCases: [CheckCase] = [
        CheckCase(nil, nil),
        CheckCase("", nil),
        CheckCase("10.0.0.5", nil),
        CheckCase("fe80::1%eth0", nil),
        CheckCase("my-host.example.com", nil),
        // Not a real address check: anything without CJK or whitespace passes.
        CheckCase("anything-goes!@#", nil),
        CheckCase("10.0.0.5 x", Reason.illegal("ip")),
        CheckCase(String(repeating: "1", count: 128), nil),
        CheckCase(String(repeating: "1", count: 129), Reason.tooLong("ip", 128)),
        CheckCase("10.0.0.5 ", Reason.illegal("ip")),
        CheckCase("\t10.0.0.5", Reason.illegal("ip")),
        CheckCase("主机", Reason.illegal("ip")),
        CheckCase("h\u{9FA6}", nil),
    ]

    @Test(arguments: Self.namespaceCases)
    func namespace(_ row: CheckCase) {
        #expect(NamingParamCheck.namespace(row.value) == row.reason)
    }

    @Test(arguments: Self.serviceNameCases)
    func serviceName(_ row: CheckCase) {
        #expect(NamingParamCheck.serviceName(row.value) == row.reason)
    }

    @Test(arguments: Self.groupNameCases)
    func groupName(_ row: CheckCase) {
        #expect(NamingParamCheck.groupName(row.value) == row.reason)
    }

    @Test(arguments: Self.clustersCases)
    func clusters(_ row: CheckCase) {
        #expect(NamingParamCheck.clusters(row.value) == row.reason)
    }

    @Test(arguments: Self.clusterCases)
    func cluster(_ row: CheckCase) {
        #expect(NamingParamCheck.cluster(row.value) == row.reason)
    }

    @Test(arguments: Self.ipCases)
    func ip(_ row: CheckCase) {
        #expect(NamingParamCheck.ip(row.value) == row.reason)
    }

    @Test(arguments: [(-1, false), (0, true), (1, true), (8848, true), (65535, true), (65536, false), (Int.min, false), (Int.max, false)])
    func port(_ port: Int, valid: Bool) {
        #expect(NamingParamCheck.port(port) == (valid ? nil : Reason.port))
    }

    @Test func lengthsCountUTF16CodeUnitsAsJavaDoes() {
        // "😀" is one character but two UTF-16 code units, like Java's `String.length()`.
        let emoji32 = String(repeating: "😀", count: 32)
        #expect(NamingParamCheck.ip(emoji32) == nil)
        #expect(NamingParamCheck.ip(String(repeating: "😀", count: 64)) == nil)
        #expect(NamingParamCheck.ip(String(repeating: "😀", count: 65)) == Reason.tooLong("ip", 128))
        #expect(NamingParamCheck.serviceName("s" + String(repeating: "😀", count: 256)) == Reason.tooLong("serviceName", 512))
        #expect(NamingParamCheck.serviceName(String(repeating: "😀", count: 256)) == nil)
        #expect(NamingParamCheck.metadata(["k": String(repeating: "😀", count: 512)]) == Reason.metadata(1024))
        #expect(NamingParamCheck.metadata(["": String(repeating: "😀", count: 512)]) == nil)
    }

    @Test func metadataTotalLength() {
        #expect(NamingParamCheck.metadata(nil) == nil)
        #expect(NamingParamCheck.metadata([:]) == nil)
        let exactly = ["key": String(repeating: "v", count: 1021)]
        #expect(NamingParamCheck.metadata(exactly) == nil)
        let over = ["key": String(repeating: "v", count: 1022)]
        #expect(NamingParamCheck.metadata(over) == Reason.metadata(1024))
        // Keys and values of every entry add up.
        var many: [String: String] = [:]
        for index in 0..<100 { many["k\(index < 10 ? "0" : "")\(index)"] = "1234567" }  // 100 × (3 + 7) = 1000
        #expect(NamingParamCheck.metadata(many) == nil)
        many["extra"] = String(repeating: "x", count: 19)  // 1000 + 5 + 19 = 1024
        #expect(NamingParamCheck.metadata(many) == nil)
        many["extra"] = String(repeating: "x", count: 20)
        #expect(NamingParamCheck.metadata(many) == Reason.metadata(1024))
        // Blank keys and values do not count.
        #expect(NamingParamCheck.metadata(["   ": String(repeating: "v", count: 1024), "k": " "]) == Reason.metadata(1024))
        #expect(NamingParamCheck.metadata(["k": String(repeating: " ", count: 2000)]) == nil)
        // The limit is configurable, and the reason names it.
        #expect(NamingParamCheck.metadata(["ab": "cd"], limit: 4) == nil)
        #expect(NamingParamCheck.metadata(["ab": "cde"], limit: 4) == Reason.metadata(4))
        #expect(NamingParamCheck.metadata(over, limit: 4096) == nil)
    }

    @Test func constants() {
        #expect(NamingParamCheck.messagePrefix == "Param check invalid:")
        #expect(NamingParamCheck.message(for: "x") == "Param check invalid:x")
        #expect(NamingParamCheck.defaultMetadataLimit == 1024)
        #expect(NamingParamCheck.portRange == 0...65535)
    }

    // MARK: Whole requests

    static let goodInstance = Instance(
        ip: "10.0.0.5", port: 8080, clusterName: "DEFAULT", metadata: ["preserved.register.source": "SPRING_CLOUD"]
    )

    @Test func validRequestsPass() {
        let requests: [any NamingRequest] = [
            InstanceRequest(namespace: "public", serviceName: "svc", groupName: "DEFAULT_GROUP", type: "registerInstance", instance: Self.goodInstance),
            InstanceRequest(serviceName: "svc", type: "deregisterInstance"),
            PersistentInstanceRequest(namespace: "dev", serviceName: "svc", instance: Self.goodInstance),
            BatchInstanceRequest(serviceName: "svc", instances: [Self.goodInstance, Instance(ip: "10.0.0.6", port: 1)]),
            BatchInstanceRequest(serviceName: "svc", instances: nil),
            SubscribeServiceRequest(namespace: "public", serviceName: "svc", clusters: "c1,c2"),
            ServiceQueryRequest(serviceName: "svc", cluster: "c1,c2", udpPort: 53000),
            ServiceListRequest(namespace: "public", groupName: "DEFAULT_GROUP"),
            NotifySubscriberRequest(serviceName: "svc", serviceInfo: ServiceInfo(name: "svc")),
            InstanceRequest(),
        ]
        for request in requests {
            #expect(NamingParamCheck.check(request) == nil, "\(request.typeName)")
        }
    }

    @Test func commonFieldsAreCheckedForEveryRequest() {
        let requests: [any NamingRequest] = [
            InstanceRequest(), BatchInstanceRequest(), PersistentInstanceRequest(), SubscribeServiceRequest(),
            ServiceQueryRequest(), ServiceListRequest(), NotifySubscriberRequest(),
        ]
        for var request in requests {
            request.namespace = "bad ns"
            #expect(NamingParamCheck.check(request) == Reason.illegal("namespaceId/tenant"), "\(request.typeName)")
            request.namespace = "ok"
            request.serviceName = "G@@svc"
            #expect(NamingParamCheck.check(request) == Reason.illegal("serviceName"), "\(request.typeName)")
            request.serviceName = "svc"
            request.groupName = String(repeating: "g", count: 129)
            #expect(NamingParamCheck.check(request) == Reason.tooLong("group", 128), "\(request.typeName)")
            request.groupName = "G"
            #expect(NamingParamCheck.check(request) == nil, "\(request.typeName)")
        }
    }

    @Test func instanceFieldsOfInstanceRequests() {
        for makeRequest in [
            { (instance: Instance) -> any NamingRequest in InstanceRequest(serviceName: "svc", instance: instance) },
            { (instance: Instance) -> any NamingRequest in PersistentInstanceRequest(serviceName: "svc", instance: instance) },
        ] {
            var instance = Self.goodInstance
            instance.ip = "10.0.0. 5"
            #expect(NamingParamCheck.check(makeRequest(instance)) == Reason.illegal("ip"))
            instance = Self.goodInstance
            instance.port = 65536
            #expect(NamingParamCheck.check(makeRequest(instance)) == Reason.port)
            instance.port = -1
            #expect(NamingParamCheck.check(makeRequest(instance)) == Reason.port)
            instance = Self.goodInstance
            instance.clusterName = "bad cluster"
            #expect(NamingParamCheck.check(makeRequest(instance)) == Reason.illegal("cluster"))
            // The instance's cluster is one name: a comma is illegal there.
            instance.clusterName = "c1,c2"
            #expect(NamingParamCheck.check(makeRequest(instance)) == Reason.illegal("cluster"))
            // The param check allows `_`; only `illegalReason` rejects it.
            instance.clusterName = "my_cluster"
            #expect(NamingParamCheck.check(makeRequest(instance)) == nil)
            instance = Self.goodInstance
            instance.metadata = ["k": String(repeating: "v", count: 1024)]
            #expect(NamingParamCheck.check(makeRequest(instance)) == Reason.metadata(1024))
            #expect(NamingParamCheck.check(makeRequest(instance), metadataLimit: 2048) == nil)
            // The instance's own service name is not taken by these extractors.
            instance = Self.goodInstance
            instance.serviceName = "DEFAULT_GROUP@@svc"
            #expect(NamingParamCheck.check(makeRequest(instance)) == nil)
        }
    }

    @Test func fieldsAreCheckedInJavasOrder() {
        var instance = Self.goodInstance
        instance.clusterName = "bad cluster"
        instance.ip = "bad ip"
        instance.port = -1
        instance.metadata = ["k": String(repeating: "v", count: 2000)]
        var request = InstanceRequest(namespace: "bad ns", serviceName: "@svc", groupName: "bad group", instance: instance)
        let expected = [
            Reason.illegal("namespaceId/tenant"), Reason.illegal("serviceName"), Reason.illegal("group"),
            Reason.illegal("cluster"), Reason.illegal("ip"), Reason.port, Reason.metadata(1024),
        ]
        for reason in expected {
            #expect(NamingParamCheck.check(request) == reason)
            // Fix the field just reported, exposing the next one.
            if request.namespace == "bad ns" {
                request.namespace = "ns"
            } else if request.serviceName == "@svc" {
                request.serviceName = "svc"
            } else if request.groupName == "bad group" {
                request.groupName = "G"
            } else if request.instance?.clusterName == "bad cluster" {
                request.instance?.clusterName = "c"
            } else if request.instance?.ip == "bad ip" {
                request.instance?.ip = "1.1.1.1"
            } else if request.instance?.port == -1 {
                request.instance?.port = 1
            } else {
                request.instance?.metadata = [:]
            }
        }
        #expect(NamingParamCheck.check(request) == nil)
    }

    @Test func batchRequestChecksEveryInstanceIncludingItsServiceName() {
        var bad = Self.goodInstance
        bad.port = 70000
        let request = BatchInstanceRequest(serviceName: "svc", instances: [Self.goodInstance, bad])
        #expect(NamingParamCheck.check(request) == Reason.port)

        var grouped = Self.goodInstance
        grouped.serviceName = "DEFAULT_GROUP@@svc"
        #expect(NamingParamCheck.check(BatchInstanceRequest(serviceName: "svc", instances: [grouped])) == Reason.illegal("serviceName"))
        grouped.serviceName = "svc"
        #expect(NamingParamCheck.check(BatchInstanceRequest(serviceName: "svc", instances: [grouped])) == nil)

        var cjkIp = Self.goodInstance
        cjkIp.ip = "主机"
        #expect(NamingParamCheck.check(BatchInstanceRequest(serviceName: "svc", instances: [cjkIp])) == Reason.illegal("ip"))

        var bigMetadata = Self.goodInstance
        bigMetadata.metadata = ["k": String(repeating: "v", count: 100)]
        let small = BatchInstanceRequest(serviceName: "svc", instances: [bigMetadata])
        #expect(NamingParamCheck.check(small, metadataLimit: 50) == Reason.metadata(50))
        #expect(NamingParamCheck.check(small) == nil)
        // The request's own fields come first.
        #expect(NamingParamCheck.check(BatchInstanceRequest(namespace: "x y", serviceName: "svc", instances: [bad])) == Reason.illegal("namespaceId/tenant"))
    }

    @Test func subscribeChecksClusters() {
        #expect(NamingParamCheck.check(SubscribeServiceRequest(serviceName: "svc", clusters: "")) == nil)
        #expect(NamingParamCheck.check(SubscribeServiceRequest(serviceName: "svc", clusters: "cluster1,cluster2")) == nil)
        #expect(NamingParamCheck.check(SubscribeServiceRequest(serviceName: "svc", clusters: "ok,bad cluster")) == Reason.illegal("cluster"))
        let long = String(repeating: "c", count: 65)
        #expect(NamingParamCheck.check(SubscribeServiceRequest(serviceName: "svc", clusters: long)) == Reason.tooLong("cluster", 64))
    }

    @Test func serviceQueryChecksClusterListAndUdpPort() {
        #expect(NamingParamCheck.check(ServiceQueryRequest(serviceName: "svc", cluster: "cluster1,cluster2")) == nil)
        #expect(NamingParamCheck.check(ServiceQueryRequest(serviceName: "svc", cluster: "a;b")) == Reason.illegal("cluster"))
        #expect(NamingParamCheck.check(ServiceQueryRequest(serviceName: "svc", udpPort: 65535)) == nil)
        #expect(NamingParamCheck.check(ServiceQueryRequest(serviceName: "svc", udpPort: 65536)) == Reason.port)
        #expect(NamingParamCheck.check(ServiceQueryRequest(serviceName: "svc", udpPort: -1)) == Reason.port)
    }

    @Test func listAndNotifyCheckOnlyTheCommonFields() {
        var list = ServiceListRequest(namespace: "public", groupName: "DEFAULT_GROUP", pageNo: -5, pageSize: 100_000)
        list.selector = "not checked at all"
        #expect(NamingParamCheck.check(list) == nil)
        let notify = NotifySubscriberRequest(
            serviceName: "svc",
            serviceInfo: ServiceInfo(name: "服务", hosts: [Instance(ip: "bad ip", port: -1)])
        )
        #expect(NamingParamCheck.check(notify) == nil)
    }

    @Test func decodedRegisterBodiesAreChecked() throws {
        let body = #"""
            {"headers":{},"namespace":"public","serviceName":"svc","groupName":"DEFAULT_GROUP","type":"registerInstance",
             "instance":{"ip":"10.0.0.5","port":"70000","clusterName":"DEFAULT"},"module":"naming"}
            """#
        let request = try NamingJSON.decode(InstanceRequest.self, body)
        let reason = try #require(NamingParamCheck.check(request))
        #expect(NamingParamCheck.message(for: reason) == "Param check invalid:" + Reason.port)
    }
}
