import NacosHTTP
import NacosNaming
import NacosTestKit
import NacosTransport
import Testing

/// The v2 naming Open API (`/nacos/v2/ns/*`, reference §4.6): the `{code, message, data}` envelope for
/// success and for every error, with Nacos's detail codes, and the `/v2/ns/client/*` views.
@Suite("OpenAPI v2") struct OpenAPIV2Tests {
    typealias Paths = OpenAPIPaths

    @Test(arguments: TransportKind.allCases)
    func instanceLifecycleInTheEnvelope(kind: TransportKind) async throws {
        try await OpenAPIHarness.run(kind) { harness in
            let instance = [("serviceName", "v2svc"), ("groupName", "G"), ("ip", "10.0.0.1"), ("port", "9000")]
            let registered = try await harness.post(Paths.v2Instance, instance + [("clusterName", "c1"), ("metadata", #"{"v":"2"}"#)])
            #expect(registered.isEnvelope(status: 200, code: 0, message: "success"), "\(registered)")
            #expect(registered.json["data"].string == "ok")
            #expect(registered.headers["Content-Type"]?.hasPrefix("application/json") == true)

            let list = try await harness.get(Paths.v2List, [("serviceName", "v2svc"), ("groupName", "G")])
            #expect(list.isEnvelope(status: 200, code: 0, message: "success"), "\(list)")
            #expect(list.json["data"]["name"].string == "G@@v2svc")
            #expect(list.json["data"]["hosts"][0]["ip"].string == "10.0.0.1")
            #expect(list.json["data"]["hosts"][0]["metadata"]["v"].string == "2")
            let otherCluster = try await harness.get(Paths.v2List, [("serviceName", "v2svc"), ("groupName", "G"), ("clusterName", "c2")])
            #expect(otherCluster.json["data"]["hosts"].array.isEmpty)

            let detail = try await harness.get(Paths.v2Instance, instance + [("clusterName", "c1")])
            #expect(detail.isEnvelope(status: 200, code: 0, message: "success"), "\(detail)")
            #expect(detail.json["data"]["serviceName"].string == "G@@v2svc")
            #expect(detail.json["data"]["port"].int == 9000)
            #expect(detail.json["data"]["clusterName"].string == "c1")

            let updated = try await harness.put(Paths.v2Instance, instance + [("clusterName", "c1"), ("weight", "7")])
            #expect(updated.isEnvelope(status: 200, code: 0, message: "success"), "\(updated)")
            let patched = try await harness.patch(Paths.v2Instance, instance + [("clusterName", "c1"), ("metadata", "p=1")])
            #expect(patched.json["data"].string == "ok", "\(patched)")
            let host = try await harness.get(Paths.v2List, [("serviceName", "G@@v2svc")]).json["data"]["hosts"][0]
            #expect(host["weight"].double == 7)
            #expect(host["metadata"]["p"].string == "1")

            let deleted = try await harness.delete(Paths.v2Instance, instance + [("clusterName", "c1")])
            #expect(deleted.isEnvelope(status: 200, code: 0, message: "success"), "\(deleted)")
            #expect(try await harness.get(Paths.v2List, [("serviceName", "G@@v2svc")]).json["data"]["hosts"].array.isEmpty)
        }
    }

    @Test func errorsCarryNacosDetailCodes() async throws {
        try await OpenAPIHarness.run { harness in
            let base = [("serviceName", "errs"), ("ip", "10.0.0.1"), ("port", "1")]
            try await harness.register("present", ip: "10.0.0.1", port: 1)
            _ = try await harness.post(Paths.v2Service, [("serviceName", "empty")])
            _ = try await harness.post(Paths.v2Service, [("serviceName", "full2")])
            try await harness.register("full2", ip: "10.0.0.1", port: 2, [("ephemeral", "false")])

            let cases: [(HTTPMethod, String, [(String, String)], Int, Int, String, String)] = [
                (.post, Paths.v2Instance, [("ip", "10.0.0.1"), ("port", "1")], 400, 10000, "parameter missing", "Param 'serviceName' is required."),
                (.post, Paths.v2Instance, [("serviceName", "errs"), ("ip", "10.0.0.1")], 400, 10000, "parameter missing", "Param 'port' is required."),
                (.post, Paths.v2Instance, base + [("healthy", "perhaps")], 400, 20002, "parameter validate error", "Param 'healthy' must be true or false, got 'perhaps'."),
                (.post, Paths.v2Instance, [("serviceName", "bad name"), ("ip", "10.0.0.1"), ("port", "1")], 400, 20002, "parameter validate error",
                 "Param check invalid:Param 'serviceName' is illegal, illegal characters should not appear in the param."),
                (.post, Paths.v2Instance, base + [("weight", "10001")], 400, 21001, "weight error", "instance format invalid: The weights range from 0.0 to 10000.0"),
                (.post, Paths.v2Instance, base + [("clusterName", "c_1")], 400, 21004, "instance error",
                 "Instance 'clusterName' should be characters with only 0-9a-zA-Z-. (current: c_1)"),
                (.put, Paths.v2Instance, [("serviceName", "ghost"), ("ip", "10.0.0.1"), ("port", "1")], 400, 21004, "instance error",
                 "service not found, namespace: public, service: Service{namespace='public', group='DEFAULT_GROUP', name='ghost', ephemeral=true}"),
                (.get, Paths.v2Instance, [("serviceName", "ghost"), ("ip", "10.0.0.1"), ("port", "1")], 404, 20004, "resource not found",
                 "no ips found for cluster DEFAULT in service DEFAULT_GROUP@@ghost"),
                (.get, Paths.v2Instance, [("serviceName", "present"), ("ip", "10.0.0.9"), ("port", "1")], 404, 20004, "resource not found", "no matched ip found!"),
                (.patch, Paths.v2Instance, [("serviceName", "present"), ("ip", "10.0.0.9"), ("port", "1")], 404, 20004, "resource not found", "no matched ip found!"),
                (.get, Paths.v2List, [("groupName", "G")], 400, 10000, "parameter missing", "Param 'serviceName' is required."),
                (.post, Paths.v2Service, [("serviceName", "empty")], 400, 21007, "service already exist", "specified service DEFAULT_GROUP@@empty already exists!"),
                (.get, Paths.v2Service, [("serviceName", "ghost")], 400, 21008, "service not exist",
                 "service not found, namespace: public, serviceName: DEFAULT_GROUP@@ghost"),
                (.put, Paths.v2Service, [("serviceName", "ghost")], 400, 21008, "service not exist", "service DEFAULT_GROUP@@ghost not found!"),
                (.delete, Paths.v2Service, [("serviceName", "ghost")], 400, 21008, "service not exist", "service DEFAULT_GROUP@@ghost not found!"),
                (.delete, Paths.v2Service, [("serviceName", "full2")], 400, 21009, "service delete failure",
                 "Service DEFAULT_GROUP@@full2 is not empty, can't be delete. Please unregister instance first"),
                (.post, Paths.v2Service, [("serviceName", "sel"), ("selector", #"{"type":"magic"}"#)], 400, 21006, "selector error", "not match any type of selector!"),
                (.get, Paths.v2Service + "/list", [("pageNo", "0")], 400, 20002, "parameter validate error", "Param 'pageNo' must be between 1 and \(Int.max), got 0."),
                (.put, Paths.v2 + "/operator/switches", [("entry", "nope"), ("value", "1")], 400, 20002, "parameter validate error", "unknown switch entry: nope"),
                (.put, Paths.v2 + "/operator/switches", [("entry", "pushEnabled")], 400, 10000, "parameter missing", "Param 'value' is required."),
            ]
            for (method, path, parameters, status, code, message, data) in cases {
                let reply = try await harness.call(method, path, parameters, form: method != .get)
                #expect(reply.isEnvelope(status: status, code: code, message: message), "\(method) \(path) \(parameters): \(reply)")
                #expect(reply.json["data"].string == data, "\(method) \(path): \(reply)")
            }
            // The router's own answers stay plain: a wrong method is 405 with Allow.
            let wrongMethod = try await harness.call(.post, Paths.v2List)
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.headers["Allow"] == "GET, HEAD")
        }
    }

    @Test func listSubscribesByIpAndPortAndLimitsAnswer503() async throws {
        var naming = OpenAPIHarness.fastNaming
        naming.maxInstanceMetadataCount = 1
        try await OpenAPIHarness.run(naming: naming) { harness in
            let agent = [("User-Agent", "Nacos-Java-Client:v1.4.1")]
            let list = try await harness.get(Paths.v2List, [("serviceName", "limited"), ("ip", "127.0.0.1"), ("port", "5560")], headers: agent)
            #expect(list.json["data"]["cacheMillis"].int == 10_000, "\(list)")
            let subscribers = try await harness.get(Paths.v1Service + "/subscribers", [("serviceName", "limited")])
            #expect(subscribers.json["subscribers"][0]["addrStr"].string == "127.0.0.1:5560")
            let badPort = try await harness.get(Paths.v2List, [("serviceName", "limited"), ("ip", "127.0.0.1"), ("port", "x")], headers: agent)
            #expect(badPort.isEnvelope(status: 400, code: 20002, message: "parameter validate error"), "\(badPort)")
            #expect(badPort.json["data"].string == "Param 'port' must be an integer, got 'x'.")

            // The overlay store is full: the registry's 503 reaches the caller as 503.
            try await harness.register("limited", ip: "10.0.0.1", port: 1)
            try await harness.register("limited", ip: "10.0.0.2", port: 1)
            let first = try await harness.put(Paths.v2Instance, [("serviceName", "limited"), ("ip", "10.0.0.1"), ("port", "1"), ("weight", "2")])
            #expect(first.json["data"].string == "ok", "\(first)")
            let second = try await harness.put(Paths.v2Instance, [("serviceName", "limited"), ("ip", "10.0.0.2"), ("port", "1"), ("weight", "2")])
            #expect(second.isEnvelope(status: 503, code: 30000, message: "server error"), "\(second)")
            #expect(second.json["data"].string == "too many instance metadata entries, the limit is 1.")
            let v1 = try await harness.put(Paths.v1Instance, [("serviceName", "limited"), ("ip", "10.0.0.2"), ("port", "1"), ("weight", "2")])
            #expect(v1.status == 503)
            #expect(v1.text == "too many instance metadata entries, the limit is 1.")
        }
    }

    @Test func serviceOperationsInTheEnvelope() async throws {
        try await OpenAPIHarness.run { harness in
            let created = try await harness.post(Paths.v2Service, [("serviceName", "svc2"), ("groupName", "G"), ("protectThreshold", "0.3"), ("metadata", "a=b")])
            #expect(created.isEnvelope(status: 200, code: 0, message: "success"), "\(created)")
            let detail = try await harness.get(Paths.v2Service, [("serviceName", "svc2"), ("groupName", "G")])
            #expect(detail.json["data"]["name"].string == "svc2")
            #expect(detail.json["data"]["groupName"].string == "G")
            #expect(detail.json["data"]["protectThreshold"].double == 0.3)
            #expect(detail.json["data"]["metadata"]["a"].string == "b")
            // v2 update does not require protectThreshold and keeps it when absent.
            let updated = try await harness.put(Paths.v2Service, [("serviceName", "svc2"), ("groupName", "G"), ("metadata", "a=c")])
            #expect(updated.json["data"].string == "ok", "\(updated)")
            let after = try await harness.get(Paths.v2Service, [("serviceName", "G@@svc2")])
            #expect(after.json["data"]["protectThreshold"].double == 0.3)
            #expect(after.json["data"]["metadata"]["a"].string == "c")
            for index in 0..<25 {
                _ = try await harness.post(Paths.v2Service, [("serviceName", "bulk\(index)"), ("groupName", "G")])
            }
            let page = try await harness.get(Paths.v2Service + "/list", [("groupName", "G")])
            #expect(page.json["data"]["count"].int == 26)
            #expect(page.json["data"]["services"].array.count == 20, "the default page size is 20")
            let second = try await harness.get(Paths.v2Service + "/list", [("groupName", "G"), ("pageNo", "2")])
            #expect(second.json["data"]["services"].array.count == 6)
            let deleted = try await harness.delete(Paths.v2Service, [("serviceName", "svc2"), ("groupName", "G")])
            #expect(deleted.isEnvelope(status: 200, code: 0, message: "success"), "\(deleted)")
        }
    }

    @Test func operatorAndHealthInTheEnvelope() async throws {
        try await OpenAPIHarness.run { harness in
            try await harness.register("ops", ip: "10.0.0.1", port: 1, [("ephemeral", "false")])
            let metrics = try await harness.get(Paths.v2 + "/operator/metrics")
            #expect(metrics.isEnvelope(status: 200, code: 0, message: "success"), "\(metrics)")
            #expect(metrics.json["data"]["status"].string == "UP")
            #expect(metrics.json["data"]["instanceCount"].int == 1)
            #expect(metrics.json["data"]["serviceCount"].int == 1)

            let switches = try await harness.get(Paths.v2 + "/operator/switches")
            #expect(switches.json["data"]["pushEnabled"].bool == true)
            let changed = try await harness.put(Paths.v2 + "/operator/switches", [("entry", "checkTimes"), ("value", "5")])
            #expect(changed.json["data"].string == "ok", "\(changed)")
            #expect(try await harness.get(Paths.v2 + "/operator/switches").json["data"]["checkTimes"].int == 5)

            let health = [("serviceName", "ops"), ("ip", "10.0.0.1"), ("port", "1")]
            let refused = try await harness.put(Paths.v2 + "/health/instance", health + [("healthy", "false")])
            #expect(refused.status == 400)
            #expect(refused.json["data"].string == "health check is still working, service: DEFAULT_GROUP@@ops, cluster: DEFAULT")
            _ = try await harness.put(Paths.v1 + "/cluster", [
                ("serviceName", "ops"), ("clusterName", "DEFAULT"), ("checkPort", "0"), ("useInstancePort4Check", "true"),
                ("healthChecker", #"{"type":"NONE"}"#),
            ])
            let done = try await harness.put(Paths.v2 + "/health/instance", health + [("healthy", "false")])
            #expect(done.isEnvelope(status: 200, code: 0, message: "success"), "\(done)")
            #expect(try await harness.get(Paths.v2Instance, health).json["data"]["healthy"].bool == false)
            let missing = try await harness.put(Paths.v2 + "/health/instance", health)
            #expect(missing.isEnvelope(status: 400, code: 10000, message: "parameter missing"), "\(missing)")
        }
    }

    @Test func clientViews() async throws {
        try await OpenAPIHarness.run(rpc: true) { harness in
            let client = Paths.v2 + "/client"
            try await harness.register("viewed", ip: "10.0.0.1", port: 8080, [("clusterName", "c1")])
            _ = try await harness.get(
                Paths.v1List,
                [("serviceName", "viewed"), ("udpPort", "5555"), ("clientIP", "127.0.0.1"), ("app", "shop")],
                headers: [("User-Agent", "Nacos-Java-Client:v1.4.1")]
            )
            let (_, connectionId) = try await harness.connectSDK(app: "sdk-app")

            let ids = try await harness.get(client + "/list")
            #expect(ids.isEnvelope(status: 200, code: 0, message: "success"), "\(ids)")
            let idList = ids.json["data"].array.compactMap(\.string)
            #expect(Set(idList).isSuperset(of: ["10.0.0.1:8080#true", "127.0.0.1:5555#true", connectionId]), "\(idList)")

            let detail = try await harness.get(client, [("clientId", "10.0.0.1:8080#true")])
            #expect(detail.json["data"]["clientId"].string == "10.0.0.1:8080#true")
            #expect(detail.json["data"]["ephemeral"].bool == true)
            #expect(detail.json["data"]["clientType"].string == "ipPort")
            #expect(detail.json["data"]["clientIp"].string == "10.0.0.1")
            #expect(detail.json["data"]["clientPort"].string == "8080")
            #expect((detail.json["data"]["lastUpdatedTime"].int ?? 0) > 0)

            let sdk = try await harness.get(client, [("clientId", connectionId)])
            #expect(sdk.json["data"]["clientType"].string == "connection")
            #expect(sdk.json["data"]["appName"].string == "sdk-app")
            #expect(sdk.json["data"]["clientIp"].string == "10.0.0.7")

            let published = try await harness.get(client + "/publish/list", [("clientId", "10.0.0.1:8080#true")])
            let publication = published.json["data"][0]
            #expect(published.json["data"].array.count == 1)
            #expect(publication["namespace"].string == "public")
            #expect(publication["group"].string == "DEFAULT_GROUP")
            #expect(publication["serviceName"].string == "viewed")
            #expect(publication["registeredInstance"]["ip"].string == "10.0.0.1")
            #expect(publication["registeredInstance"]["port"].int == 8080)
            #expect(publication["registeredInstance"]["cluster"].string == "c1")

            let subscribed = try await harness.get(client + "/subscribe/list", [("clientId", "127.0.0.1:5555#true")])
            #expect(subscribed.json["data"][0]["serviceName"].string == "viewed")
            #expect(subscribed.json["data"][0]["subscriberInfo"]["app"].string == "shop")
            #expect(subscribed.json["data"][0]["subscriberInfo"]["agent"].string == "Nacos-Java-Client:v1.4.1")
            #expect(subscribed.json["data"][0]["subscriberInfo"]["addr"].string == "127.0.0.1:5555")

            let publishers = try await harness.get(client + "/service/publisher/list", [("serviceName", "viewed")])
            #expect(publishers.json["data"].array.map { $0["clientId"].string } == ["10.0.0.1:8080#true"])
            #expect(publishers.json["data"][0]["port"].int == 8080)
            let filtered = try await harness.get(client + "/service/publisher/list", [("serviceName", "viewed"), ("ip", "10.0.0.2")])
            #expect(filtered.json["data"].array.isEmpty)
            let subscribers = try await harness.get(client + "/service/subscriber/list", [("serviceName", "viewed"), ("port", "5555")])
            #expect(subscribers.json["data"].array.map { $0["clientId"].string } == ["127.0.0.1:5555#true"])

            let unknown = try await harness.get(client, [("clientId", "nobody")])
            #expect(unknown.isEnvelope(status: 404, code: 20004, message: "resource not found"), "\(unknown)")
            let unknownPublish = try await harness.get(client + "/publish/list", [("clientId", "nobody")])
            #expect(unknownPublish.status == 404)
            let missing = try await harness.get(client + "/subscribe/list")
            #expect(missing.isEnvelope(status: 400, code: 10000, message: "parameter missing"), "\(missing)")
            let badPort = try await harness.get(client + "/service/subscriber/list", [("serviceName", "viewed"), ("port", "x")])
            #expect(badPort.isEnvelope(status: 400, code: 20002, message: "parameter validate error"), "\(badPort)")
        }
    }
}
