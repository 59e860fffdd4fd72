import NacosHTTP
import NacosNaming
import NacosNamingAPI
import NacosTestKit
import NacosTransport
import Testing

/// The v1 instance endpoints (`/nacos/v1/ns/instance*`, reference §4.1–4.3): success paths, Nacos's
/// parameter forms and aliases, and every kind of error.
@Suite("OpenAPI v1 instances") struct OpenAPIV1InstanceTests {
    typealias Paths = OpenAPIPaths

    @Test(arguments: TransportKind.allCases)
    func registerListDetailAndDeregister(kind: TransportKind) async throws {
        try await OpenAPIHarness.run(kind) { harness in
            let registered = try await harness.post(Paths.v1Instance, [
                ("serviceName", "orders"), ("ip", "10.0.0.1"), ("port", "8080"), ("weight", "2.5"),
                ("clusterName", "c1"), ("metadata", #"{"zone":"a","n":1}"#),
            ])
            #expect(registered.status == 200)
            #expect(registered.text == "ok")
            #expect(registered.headers["Content-Type"]?.hasPrefix("text/plain") == true)

            let list = try await harness.get(Paths.v1List, [("serviceName", "orders")])
            #expect(list.status == 200)
            #expect(list.headers["Content-Type"]?.hasPrefix("application/json") == true)
            #expect(list.json["name"].string == "DEFAULT_GROUP@@orders")
            #expect(list.json["cacheMillis"].int == 3000)
            let host = list.json["hosts"][0]
            #expect(list.json["hosts"].array.count == 1)
            #expect(host["ip"].string == "10.0.0.1")
            #expect(host["port"].int == 8080)
            #expect(host["weight"].double == 2.5)
            #expect(host["clusterName"].string == "c1")
            #expect(host["healthy"].bool == true)
            #expect(host["enabled"].bool == true)
            #expect(host["ephemeral"].bool == true)
            #expect(host["metadata"]["zone"].string == "a")
            #expect(host["metadata"]["n"].string == "1")
            #expect(host["instanceId"].string?.isEmpty == false)

            let detail = try await harness.get(Paths.v1Instance, [("serviceName", "orders"), ("ip", "10.0.0.1"), ("port", "8080"), ("cluster", "c1")])
            #expect(detail.status == 200)
            #expect(detail.json["service"].string == "DEFAULT_GROUP@@orders")
            #expect(detail.json["ip"].string == "10.0.0.1")
            #expect(detail.json["port"].int == 8080)
            #expect(detail.json["clusterName"].string == "c1")
            #expect(detail.json["weight"].double == 2.5)
            #expect(detail.json["healthy"].bool == true)
            #expect(detail.json["instanceId"].string == host["instanceId"].string)
            #expect(detail.json["metadata"]["zone"].string == "a")

            let deleted = try await harness.delete(Paths.v1Instance, [("serviceName", "orders"), ("ip", "10.0.0.1"), ("port", "8080"), ("clusterName", "c1")])
            #expect(deleted.status == 200 && deleted.text == "ok")
            #expect(try await harness.hosts("orders").isEmpty)
            // Deleting what is not there is a no-op, as in Nacos.
            let again = try await harness.delete(Paths.v1Instance, [("serviceName", "orders"), ("ip", "10.0.0.1"), ("port", "8080")])
            #expect(again.status == 200 && again.text == "ok")
        }
    }

    @Test func queryStringAndFormBodyAreReadAlikeWithBooleansInAnyCase() async throws {
        try await OpenAPIHarness.run { harness in
            // The query string form (as a 1.x client sends it) and the form body both register.
            let byQuery = try await harness.call(.post, Paths.v1Instance, [
                ("serviceName", "forms"), ("ip", "10.0.0.1"), ("port", "1"), ("healthy", "FALSE"), ("enabled", "True"),
            ])
            #expect(byQuery.status == 200, "\(byQuery)")
            let byForm = try await harness.post(Paths.v1Instance, [
                ("serviceName", "forms"), ("ip", "10.0.0.2"), ("port", "2"), ("healthy", "True"), ("enable", "false"),
            ])
            #expect(byForm.status == 200, "\(byForm)")
            let byBoth = try await harness.call(.post, Paths.v1Instance + "?serviceName=forms&ip=10.0.0.3", headers: [
                ("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
            ], via: nil, body: "port=3&enabled=TRUE")
            #expect(byBoth.status == 200, "\(byBoth)")

            let hosts = try await harness.hosts("forms")
            // The instance registered with `enable=false` (the alias of `enabled`) is not listed.
            #expect(hosts.map { $0["ip"].string ?? "" }.sorted() == ["10.0.0.1", "10.0.0.3"])
            #expect(hosts.first { $0["ip"].string == "10.0.0.1" }?["healthy"].bool == false)
            #expect(try await harness.hosts("forms", [("healthyOnly", "TRUE")]).map { $0["ip"].string } == ["10.0.0.3"])

            let disabled = try await harness.get(Paths.v1Instance, [("serviceName", "forms"), ("ip", "10.0.0.2"), ("port", "2")])
            #expect(disabled.status == 200)
            #expect(disabled.json["enabled"].bool == false)
        }
    }

    @Test func clusterAliasesAndTheLiteralNone() async throws {
        try await OpenAPIHarness.run { harness in
            try await harness.register("clusters", ip: "10.0.0.1", port: 1, [("cluster", "alias")])
            try await harness.register("clusters", ip: "10.0.0.2", port: 2, [("clusterName", "None")])
            try await harness.register("clusters", ip: "10.0.0.3", port: 3, [("clusterName", "named"), ("cluster", "ignored")])
            let hosts = try await harness.hosts("clusters")
            let clusters = Dictionary(uniqueKeysWithValues: hosts.map { ($0["ip"].string ?? "", $0["clusterName"].string ?? "") })
            #expect(clusters == ["10.0.0.1": "alias", "10.0.0.2": "DEFAULT", "10.0.0.3": "named"])

            let filtered = try await harness.hosts("clusters", [("clusters", "alias,named")])
            #expect(filtered.map { $0["ip"].string ?? "" }.sorted() == ["10.0.0.1", "10.0.0.3"])
            let list = try await harness.get(Paths.v1List, [("serviceName", "clusters"), ("clusters", "alias")])
            #expect(list.json["clusters"].string == "alias")
            #expect(list.json["hosts"].array.count == 1)
        }
    }

    @Test func serviceNamesAreGroupedAsServiceNameFilterDoes() async throws {
        try await OpenAPIHarness.run { harness in
            try await harness.register("grp@@svc", ip: "10.0.0.1", port: 1)
            try await harness.register("svc", ip: "10.0.0.2", port: 2, [("groupName", "grp")])
            // A grouped name wins over groupName.
            try await harness.register("grp@@svc", ip: "10.0.0.3", port: 3, [("groupName", "other")])

            let list = try await harness.get(Paths.v1List, [("serviceName", "svc"), ("groupName", "grp")])
            #expect(list.json["name"].string == "grp@@svc")
            #expect(list.json["hosts"].array.count == 3)
            #expect(try await harness.hosts("grp@@svc").count == 3)
            #expect(try await harness.hosts("svc").isEmpty)
            #expect(try await harness.hosts("svc", [("groupName", "other")]).isEmpty)

            let format = "Param 'serviceName' is illegal, it should be format as 'groupName@@serviceName'"
            let noGroup = "Param 'serviceName' is illegal, groupName can't be empty"
            for (name, message) in [("@@svc", noGroup), (" @@svc", noGroup), ("grp@@", format), ("@@", format), ("a@@b@@c", format)] {
                let reply = try await harness.post(Paths.v1Instance, [("serviceName", name), ("ip", "10.0.0.9"), ("port", "9")])
                #expect(reply.status == 400, "\(name): \(reply)")
                #expect(reply.text == message, "\(name): \(reply)")
            }
            // The name is trimmed, as ServiceNameFilter does.
            try await harness.register("  padded ", ip: "10.0.0.9", port: 9)
            #expect(try await harness.hosts("padded").count == 1)
            let listBad = try await harness.get(Paths.v1List, [("serviceName", "@@svc")])
            #expect(listBad.status == 400)
        }
    }

    @Test func missingParametersAreNamedWithNacosText() async throws {
        try await OpenAPIHarness.run { harness in
            let cases: [(HTTPMethod, String, [(String, String)], String)] = [
                (.post, Paths.v1Instance, [("ip", "10.0.0.1"), ("port", "1")], "serviceName"),
                (.post, Paths.v1Instance, [("serviceName", "s"), ("port", "1")], "ip"),
                (.post, Paths.v1Instance, [("serviceName", "s"), ("ip", "10.0.0.1")], "port"),
                (.post, Paths.v1Instance, [("serviceName", "  "), ("ip", "10.0.0.1"), ("port", "1")], "serviceName"),
                (.delete, Paths.v1Instance, [("serviceName", "s"), ("ip", "10.0.0.1")], "port"),
                (.put, Paths.v1Instance, [("serviceName", "s"), ("port", "1")], "ip"),
                (.patch, Paths.v1Instance, [("serviceName", "s"), ("ip", "10.0.0.1")], "port"),
                (.get, Paths.v1Instance, [("serviceName", "s"), ("port", "1")], "ip"),
                (.get, Paths.v1List, [("clusters", "a")], "serviceName"),
                (.put, Paths.v1Beat, [("ip", "10.0.0.1"), ("port", "1")], "serviceName"),
                (.put, Paths.v1Beat, [("serviceName", "s"), ("port", "1")], "ip"),
            ]
            for (method, path, parameters, missing) in cases {
                let reply = try await harness.call(method, path, parameters, form: method != .get && method != .delete)
                #expect(reply.status == 400, "\(method) \(path): \(reply)")
                #expect(reply.text == "Param '\(missing)' is required.", "\(method) \(path): \(reply)")
            }
        }
    }

    @Test func badValuesAreRejectedWith400() async throws {
        try await OpenAPIHarness.run { harness in
            let base = [("serviceName", "values"), ("ip", "10.0.0.1")]
            let cases: [([(String, String)], String)] = [
                (base + [("port", "abc")], "Param 'port' must be an integer"),
                (base + [("port", "99999999999999999999999")], "Param 'port' must be an integer"),
                (base + [("port", "70000")], "Param check invalid:Param 'port' is illegal"),
                (base + [("port", "-1")], "Param check invalid:Param 'port' is illegal"),
                (base + [("port", "1"), ("healthy", "yes")], "Param 'healthy' must be true or false"),
                (base + [("port", "1"), ("enabled", "1")], "Param 'enabled' must be true or false"),
                (base + [("port", "1"), ("ephemeral", "maybe")], "Param 'ephemeral' must be true or false"),
                (base + [("port", "1"), ("weight", "heavy")], "Param 'weight' must be a number"),
                (base + [("port", "1"), ("weight", "nan")], "Param 'weight' must be a number"),
                (base + [("port", "1"), ("weight", "10000.5")], "instance format invalid: The weights range from 0.0 to 10000.0"),
                (base + [("port", "1"), ("weight", "-1")], "instance format invalid: The weights range from 0.0 to 10000.0"),
                (base + [("port", "1"), ("metadata", "novalue")], "Param 'metadata' must be a JSON object or 'key=value' pairs"),
                (base + [("port", "1"), ("metadata", #"{"a":"#)], "Param 'metadata' is not a valid JSON object"),
                (base + [("port", "1"), ("metadata", "=v")], "Param 'metadata' has a pair without a key"),
            ]
            for (parameters, prefix) in cases {
                let reply = try await harness.post(Paths.v1Instance, parameters)
                #expect(reply.status == 400, "\(parameters): \(reply)")
                #expect(reply.text.hasPrefix(prefix), "\(parameters): \(reply)")
            }
            #expect(try await harness.hosts("values").isEmpty)
            // Both metadata forms are accepted.
            try await harness.register("values", ip: "10.0.0.1", port: 1, [("metadata", "a=1, b = 2 ,")])
            #expect(try await harness.hosts("values").first?["metadata"]["b"].string == "2")
        }
    }

    @Test func illegalNamesGetTheParamCheckText() async throws {
        try await OpenAPIHarness.run { harness in
            let prefix = "Param check invalid:"
            let illegal = "is illegal, illegal characters should not appear in the param."
            let cases: [([(String, String)], String)] = [
                ([("serviceName", "bad name")], "\(prefix)Param 'serviceName' \(illegal)"),
                ([("serviceName", "s"), ("namespaceId", "ns!")], "\(prefix)Param 'namespaceId/tenant' \(illegal)"),
                ([("serviceName", "s"), ("groupName", "g/x")], "\(prefix)Param 'group' \(illegal)"),
                ([("serviceName", "s"), ("clusterName", "c,d")], "\(prefix)Param 'cluster' \(illegal)"),
                ([("serviceName", "s"), ("ip", "10.0.0.1 x")], "\(prefix)Param 'ip' \(illegal)"),
                (
                    [("serviceName", String(repeating: "s", count: 513))],
                    "\(prefix)Param 'serviceName' is illegal, the param length should not exceed 512."
                ),
                (
                    [("serviceName", "s"), ("metadata", "k=" + String(repeating: "v", count: 1024))],
                    "\(prefix)Param 'Metadata' is illegal, the param length should not exceed 1024."
                ),
            ]
            for (parameters, message) in cases {
                var all = [("ip", "10.0.0.1"), ("port", "1")]
                all.removeAll { name, _ in parameters.contains { $0.0 == name } }
                let reply = try await harness.post(Paths.v1Instance, parameters + all)
                #expect(reply.status == 400, "\(parameters.map(\.0)): \(reply)")
                #expect(reply.text == message, "\(parameters.map(\.0)): \(reply)")
            }
            // The instance rule of Nacos's checkInstanceIsLegal: a cluster name may not hold `_`.
            let underscore = try await harness.post(Paths.v1Instance, [("serviceName", "s"), ("ip", "10.0.0.1"), ("port", "1"), ("clusterName", "c_1")])
            #expect(underscore.status == 400)
            #expect(underscore.text == "Instance 'clusterName' should be characters with only 0-9a-zA-Z-. (current: c_1)")
            let illegalList = try await harness.get(Paths.v1List, [("serviceName", "s"), ("clusters", "ok,no pe")])
            #expect(illegalList.status == 400)
            #expect(illegalList.text == "\(prefix)Param 'cluster' \(illegal)")
        }
    }

    @Test func updateWritesTheOverlayAndPatchMergesIntoIt() async throws {
        try await OpenAPIHarness.run { harness in
            let missing = try await harness.put(Paths.v1Instance, [("serviceName", "overlay"), ("ip", "10.0.0.1"), ("port", "1")])
            #expect(missing.status == 400)
            #expect(missing.text.hasPrefix("service not found, namespace: public, service: "), "\(missing)")

            try await harness.register("overlay", ip: "10.0.0.1", port: 1, [("metadata", "origin=publish")])
            let update = try await harness.put(Paths.v1Instance, [
                ("serviceName", "overlay"), ("ip", "10.0.0.1"), ("port", "1"), ("weight", "3"), ("enabled", "false"),
                ("metadata", "origin=overlay"),
            ])
            #expect(update.status == 200 && update.text == "ok", "\(update)")
            #expect(try await harness.hosts("overlay").isEmpty, "a disabled instance is not listed")
            let detail = try await harness.get(Paths.v1Instance, [("serviceName", "overlay"), ("ip", "10.0.0.1"), ("port", "1")])
            #expect(detail.json["weight"].double == 3)
            #expect(detail.json["enabled"].bool == false)
            #expect(detail.json["metadata"]["origin"].string == "overlay")

            let patch = try await harness.patch(Paths.v1Instance, [
                ("serviceName", "overlay"), ("ip", "10.0.0.1"), ("port", "1"), ("enable", "true"), ("weight", "5"),
            ])
            #expect(patch.status == 200 && patch.text == "ok", "\(patch)")
            let host = try #require(try await harness.hosts("overlay").first)
            #expect(host["weight"].double == 5)
            #expect(host["metadata"]["origin"].string == "overlay", "a patch without metadata keeps it")

            let patchMetadata = try await harness.patch(Paths.v1Instance, [
                ("serviceName", "overlay"), ("ip", "10.0.0.1"), ("port", "1"), ("metadata", #"{"origin":"patch"}"#),
            ])
            #expect(patchMetadata.status == 200)
            #expect(try await harness.hosts("overlay").first?["metadata"]["origin"].string == "patch")

            let unknown = try await harness.patch(Paths.v1Instance, [("serviceName", "overlay"), ("ip", "10.0.0.9"), ("port", "1")])
            #expect(unknown.status == 404, "\(unknown)")
            let heavy = try await harness.patch(Paths.v1Instance, [("serviceName", "overlay"), ("ip", "10.0.0.1"), ("port", "1"), ("weight", "10001")])
            #expect(heavy.status == 400, "\(heavy)")
            let badBool = try await harness.patch(Paths.v1Instance, [("serviceName", "overlay"), ("ip", "10.0.0.1"), ("port", "1"), ("enabled", "nope")])
            #expect(badBool.status == 400, "\(badBool)")
        }
    }

    @Test func detailOfUnknownServiceOrInstanceIs404() async throws {
        try await OpenAPIHarness.run { harness in
            let noService = try await harness.get(Paths.v1Instance, [("serviceName", "ghost"), ("ip", "10.0.0.1"), ("port", "1")])
            #expect(noService.status == 404)
            #expect(noService.text == "no ips found for cluster DEFAULT in service DEFAULT_GROUP@@ghost")
            try await harness.register("present", ip: "10.0.0.1", port: 1)
            let noInstance = try await harness.get(Paths.v1Instance, [("serviceName", "present"), ("ip", "10.0.0.2"), ("port", "1")])
            #expect(noInstance.status == 404)
            #expect(noInstance.text == "no matched ip found!")
            let otherCluster = try await harness.get(Paths.v1Instance, [("serviceName", "present"), ("ip", "10.0.0.1"), ("port", "1"), ("clusterName", "x")])
            #expect(otherCluster.status == 404)
        }
    }

    @Test func wrongMethodIs405AndUnknownPathIs404() async throws {
        try await OpenAPIHarness.run { harness in
            let patchList = try await harness.call(.patch, Paths.v1List, [("serviceName", "s")])
            #expect(patchList.status == 405)
            #expect(patchList.headers["Allow"] == "GET, HEAD")
            let getBeat = try await harness.get(Paths.v1Beat, [("serviceName", "s")])
            #expect(getBeat.status == 405)
            #expect(getBeat.headers["Allow"] == "PUT")
            let postMetrics = try await harness.call(.post, Paths.v1 + "/operator/metrics")
            #expect(postMetrics.status == 405)
            let instance = try await harness.call(.options, Paths.v1Instance)
            #expect(instance.status == 405)
            #expect(instance.headers["Allow"] == "GET, HEAD, POST, PUT, PATCH, DELETE")
            let unknown = try await harness.get(Paths.v1 + "/nothing")
            #expect(unknown.status == 404)
            // A trailing slash names the same route.
            try await harness.register("slash", ip: "10.0.0.1", port: 1)
            let slashed = try await harness.get(Paths.v1List + "/", [("serviceName", "slash")])
            #expect(slashed.json["hosts"].array.count == 1)
        }
    }

    @Test func persistentInstancesAndManualHealth() async throws {
        try await OpenAPIHarness.run { harness in
            try await harness.register("stateful", ip: "10.0.0.1", port: 3306, [("ephemeral", "false")])
            let host = try #require(try await harness.hosts("stateful").first)
            #expect(host["ephemeral"].bool == false)

            let health = [("serviceName", "stateful"), ("ip", "10.0.0.1"), ("port", "3306")]
            // The cluster is actively checked (TCP by default): manual health is refused.
            let checked = try await harness.put(Paths.v1 + "/health", health + [("healthy", "false")])
            #expect(checked.status == 400)
            #expect(checked.text == "health check is still working, service: DEFAULT_GROUP@@stateful, cluster: DEFAULT")

            // PUT /cluster switches the cluster's check off (type NONE).
            let cluster = [("serviceName", "stateful"), ("clusterName", "DEFAULT"), ("checkPort", "80"), ("useInstancePort4Check", "true")]
            let clusterErrors: [([(String, String)], String)] = [
                (cluster, "Param 'healthChecker' is required."),
                (Array(cluster.dropLast()) + [("healthChecker", #"{"type":"NONE"}"#)], "Param 'useInstancePort4Check' is required."),
                (cluster + [("healthChecker", #"{"type":"PING"}"#)], "Param 'healthChecker' has an unknown type"),
                (cluster + [("healthChecker", "NONE")], "Param 'healthChecker' is not a valid JSON object"),
                ([("serviceName", "ghost"), ("clusterName", "DEFAULT"), ("checkPort", "80"), ("useInstancePort4Check", "true"), ("healthChecker", #"{"type":"NONE"}"#)], "service not found:DEFAULT_GROUP@@ghost"),
            ]
            for (parameters, prefix) in clusterErrors {
                let reply = try await harness.put(Paths.v1 + "/cluster", parameters)
                #expect(reply.status == 400, "\(parameters): \(reply)")
                #expect(reply.text.hasPrefix(prefix), "\(parameters): \(reply)")
            }
            let noCheck = try await harness.put(Paths.v1 + "/cluster", cluster + [("healthChecker", #"{"type":"none"}"#), ("metadata", "k=v")])
            #expect(noCheck.status == 200 && noCheck.text == "ok", "\(noCheck)")
            let serviceDetail = try await harness.get(Paths.v1Service, [("serviceName", "stateful")])
            #expect(serviceDetail.json["clusters"][0]["healthChecker"]["type"].string == "NONE")
            #expect(serviceDetail.json["clusters"][0]["metadata"]["k"].string == "v")

            let down = try await harness.put(Paths.v1 + "/health", health + [("healthy", "False")])
            #expect(down.status == 200 && down.text == "ok", "\(down)")
            let detail = try await harness.get(Paths.v1Instance, health)
            #expect(detail.json["healthy"].bool == false)
            #expect(try await harness.hosts("stateful", [("healthyOnly", "true")]).isEmpty)
            // With every instance unhealthy the protect threshold (0) is reached: all are listed as healthy.
            let protected = try await harness.get(Paths.v1List, [("serviceName", "stateful")])
            #expect(protected.json["reachProtectionThreshold"].bool == true)
            #expect(protected.json["hosts"][0]["healthy"].bool == true)
            let up = try await harness.put(Paths.v1 + "/health/instance", health + [("valid", "true")])
            #expect(up.status == 200, "\(up)")
            #expect(try await harness.hosts("stateful", [("healthyOnly", "true")]).count == 1)

            let missing = try await harness.put(Paths.v1 + "/health", health)
            #expect(missing.status == 400)
            #expect(missing.text == "Param 'healthy' is required.")
            let unknown = try await harness.put(Paths.v1 + "/health", [("serviceName", "stateful"), ("ip", "10.0.0.2"), ("port", "3306"), ("healthy", "true")])
            #expect(unknown.status == 404, "\(unknown)")

            // An ephemeral delete does not touch the persistent instance; `ephemeral=false` does.
            _ = try await harness.delete(Paths.v1Instance, health)
            #expect(try await harness.hosts("stateful").count == 1)
            let deleted = try await harness.delete(Paths.v1Instance, health + [("ephemeral", "false")])
            #expect(deleted.status == 200)
            #expect(try await harness.hosts("stateful").isEmpty)
        }
    }

    @Test func lightAndFullBeats() async throws {
        try await OpenAPIHarness.run { harness in
            let light = [("serviceName", "beats"), ("ip", "10.0.0.1"), ("port", "80")]
            let unknown = try await harness.put(Paths.v1Beat, light)
            #expect(unknown.status == 200)
            #expect(unknown.text == #"{"clientBeatInterval":5000,"code":20404,"lightBeatEnabled":true}"#)

            try await harness.register("beats", ip: "10.0.0.1", port: 80, [("metadata", "preserved.heart.beat.interval=1234")])
            let known = try await harness.put(Paths.v1Beat, light)
            #expect(known.json["code"].int == 10200)
            #expect(known.json["clientBeatInterval"].int == 1234)

            // A full beat for an unknown instance registers it from the beat (ip and port from the beat JSON).
            let beat = #"{"ip":"10.0.0.2","port":81,"serviceName":"beats","cluster":"c1","weight":2.0,"metadata":{"from":"beat"}}"#
            let full = try await harness.put(Paths.v1Beat, [("serviceName", "beats"), ("beat", beat)])
            #expect(full.json["code"].int == 10200, "\(full)")
            let registered = try #require(try await harness.hosts("beats").first { $0["ip"].string == "10.0.0.2" })
            #expect(registered["port"].int == 81)
            #expect(registered["clusterName"].string == "c1")
            #expect(registered["weight"].double == 2)
            #expect(registered["metadata"]["from"].string == "beat")

            // As in Nacos, the beat JSON's ip, port and cluster win over the parameters.
            let override = #"{"ip":"10.0.0.6","port":86,"cluster":"c6"}"#
            let overridden = try await harness.put(Paths.v1Beat, [
                ("serviceName", "beats"), ("ip", "10.0.0.5"), ("port", "85"), ("clusterName", "c5"), ("beat", override),
            ])
            #expect(overridden.json["code"].int == 10200, "\(overridden)")
            let hosts = try await harness.hosts("beats")
            #expect(hosts.contains { $0["ip"].string == "10.0.0.6" && $0["port"].int == 86 && $0["clusterName"].string == "c6" })
            #expect(!hosts.contains { $0["ip"].string == "10.0.0.5" })
            let outOfRange = try await harness.put(Paths.v1Beat, [("serviceName", "beats"), ("beat", #"{"ip":"10.0.0.7","port":70000}"#)])
            #expect(outOfRange.status == 400)
            #expect(outOfRange.text.hasPrefix("Param check invalid:Param 'port' is illegal"), "\(outOfRange)")
            #expect(try await harness.hosts("beats").count == 3)

            let badJSON = try await harness.put(Paths.v1Beat, [("serviceName", "beats"), ("beat", "{nope")])
            #expect(badJSON.status == 400)
            #expect(badJSON.text.hasPrefix("Param 'beat' is not a valid beat JSON"))
            let badPort = try await harness.put(Paths.v1Beat, light.dropLast() + [("port", "x")])
            #expect(badPort.status == 400)
            let badCluster = try await harness.put(Paths.v1Beat, light + [("clusterName", "a b")])
            #expect(badCluster.status == 400)

            // The v2 beat answers the same bare JSON.
            let v2 = try await harness.put(Paths.v2Instance + "/beat", light)
            #expect(v2.json["code"].int == 10200)
            #expect(v2.json.keys.sorted() == ["clientBeatInterval", "code", "lightBeatEnabled"])

            // lightBeatEnabled follows the switch.
            let switched = try await harness.put(Paths.v1 + "/operator/switches", [("entry", "lightBeatEnabled"), ("value", "false")])
            #expect(switched.status == 200)
            #expect(try await harness.put(Paths.v1Beat, light).json["lightBeatEnabled"].bool == false)
        }
    }
}
