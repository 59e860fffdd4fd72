import NacosHTTP
import NacosNaming
import NacosTestKit
import Testing

/// The v1 service, subscriber and operator endpoints (reference §4.5): service CRUD and paging, the
/// subscribers of a service, metrics, and switches that act at once.
@Suite("OpenAPI v1 services and operator") struct OpenAPIV1ServiceTests {
    typealias Paths = OpenAPIPaths

    @Test func serviceCreateDetailUpdateListAndDelete() async throws {
        try await OpenAPIHarness.run { harness in
            let created = try await harness.post(Paths.v1Service, [
                ("serviceName", "catalog"), ("protectThreshold", "0.5"), ("metadata", "owner=team"),
            ])
            #expect(created.status == 200 && created.text == "ok", "\(created)")
            let duplicate = try await harness.post(Paths.v1Service, [("serviceName", "catalog")])
            #expect(duplicate.status == 400)
            #expect(duplicate.text == "specified service DEFAULT_GROUP@@catalog already exists!")

            let detail = try await harness.get(Paths.v1Service, [("serviceName", "catalog")])
            #expect(detail.status == 200)
            #expect(detail.json["namespaceId"].string == "public")
            #expect(detail.json["groupName"].string == "DEFAULT_GROUP")
            #expect(detail.json["name"].string == "catalog")
            #expect(detail.json["protectThreshold"].double == 0.5)
            #expect(detail.json["metadata"]["owner"].string == "team")
            #expect(detail.json["selector"]["type"].string == "none")
            #expect(detail.json["clusters"].array.isEmpty)

            let noThreshold = try await harness.put(Paths.v1Service, [("serviceName", "catalog")])
            #expect(noThreshold.status == 400)
            #expect(noThreshold.text == "Param 'protectThreshold' is required.")
            for bad in ["2", "-0.1", "abc", "inf"] {
                let reply = try await harness.put(Paths.v1Service, [("serviceName", "catalog"), ("protectThreshold", bad)])
                #expect(reply.status == 400, "\(bad): \(reply)")
            }
            let updated = try await harness.put(Paths.v1Service, [
                ("serviceName", "catalog"), ("protectThreshold", "0.8"), ("metadata", #"{"owner":"ops"}"#),
            ])
            #expect(updated.status == 200 && updated.text == "ok", "\(updated)")
            let after = try await harness.get(Paths.v1Service, [("serviceName", "catalog")])
            #expect(after.json["protectThreshold"].double == 0.8)
            #expect(after.json["metadata"]["owner"].string == "ops")
            // A selector is parsed as Nacos's parseSelector does and kept.
            let label = #"{"type":"label","expression":"CONSUMER.label.zone = PROVIDER.label.zone"}"#
            let selected = try await harness.put(Paths.v1Service, [("serviceName", "catalog"), ("protectThreshold", "0.8"), ("selector", label)])
            #expect(selected.status == 200, "\(selected)")
            let withSelector = try await harness.get(Paths.v1Service, [("serviceName", "catalog")])
            #expect(withSelector.json["selector"]["type"].string == "label")
            #expect(withSelector.json["selector"]["expression"].string == "CONSUMER.label.zone = PROVIDER.label.zone")
            #expect(withSelector.json["metadata"]["owner"].string == "ops", "an update without metadata keeps it")
            for (selector, prefix) in [("k=v", "Param 'selector' is not a valid selector JSON"), (#"{"type":"magic"}"#, "not match any type of selector!"), ("{}", "not match any type of selector!")] {
                let reply = try await harness.put(Paths.v1Service, [("serviceName", "catalog"), ("protectThreshold", "0.8"), ("selector", selector)])
                #expect(reply.status == 400, "\(selector): \(reply)")
                #expect(reply.text.hasPrefix(prefix), "\(selector): \(reply)")
            }
            let unknownUpdate = try await harness.put(Paths.v1Service, [("serviceName", "nope"), ("protectThreshold", "0.1")])
            #expect(unknownUpdate.status == 400)
            #expect(unknownUpdate.text == "service DEFAULT_GROUP@@nope not found!")
            let unknownDetail = try await harness.get(Paths.v1Service, [("serviceName", "nope")])
            #expect(unknownDetail.status == 400)
            #expect(unknownDetail.text == "service not found, namespace: public, serviceName: DEFAULT_GROUP@@nope")

            // The service is persistent (created through the API): an ephemeral instance is refused.
            let ephemeral = try await harness.post(Paths.v1Instance, [("serviceName", "catalog"), ("ip", "10.0.0.1"), ("port", "1")])
            #expect(ephemeral.status == 400)
            #expect(ephemeral.text == "Current service DEFAULT_GROUP@@catalog is persistent service, can't register ephemeral instance.")
            try await harness.register("catalog", ip: "10.0.0.1", port: 1, [("ephemeral", "false"), ("clusterName", "east")])
            let withCluster = try await harness.get(Paths.v1Service, [("serviceName", "catalog")])
            #expect(withCluster.json["clusters"][0]["name"].string == "east")
            #expect(withCluster.json["clusters"][0]["healthChecker"]["type"].string == "TCP")

            let busy = try await harness.delete(Paths.v1Service, [("serviceName", "catalog")])
            #expect(busy.status == 400)
            #expect(busy.text == "Service DEFAULT_GROUP@@catalog is not empty, can't be delete. Please unregister instance first")
            _ = try await harness.delete(Paths.v1Instance, [("serviceName", "catalog"), ("ip", "10.0.0.1"), ("port", "1"), ("ephemeral", "false"), ("clusterName", "east")])
            let deleted = try await harness.delete(Paths.v1Service, [("serviceName", "catalog")])
            #expect(deleted.status == 200 && deleted.text == "ok", "\(deleted)")
            #expect(try await harness.get(Paths.v1Service, [("serviceName", "catalog")]).status == 400)
            let deleteAgain = try await harness.delete(Paths.v1Service, [("serviceName", "catalog")])
            #expect(deleteAgain.status == 400)
            #expect(deleteAgain.text == "service DEFAULT_GROUP@@catalog not found!")
        }
    }

    @Test func serviceListPagesByGroupAndNamespace() async throws {
        try await OpenAPIHarness.run { harness in
            for name in ["c", "a", "b"] {
                try await harness.register(name, port: 1)
            }
            try await harness.register("other", port: 1, [("groupName", "G2")])
            try await harness.registry.namespaceOperator.create(id: "dev", name: "dev", description: "")
            try await harness.register("tenant", port: 1, [("namespaceId", "dev")])

            let page = try await harness.get(Paths.v1Service + "/list", [("pageNo", "1"), ("pageSize", "2")])
            #expect(page.status == 200)
            #expect(page.json["count"].int == 3)
            #expect(page.json["doms"].array.map { $0.string ?? "" } == ["a", "b"])
            let second = try await harness.get(Paths.v1Service + "/list", [("pageNo", "2"), ("pageSize", "2")])
            #expect(second.json["doms"].array.map { $0.string ?? "" } == ["c"])
            let beyond = try await harness.get(Paths.v1Service + "/list", [("pageNo", "9"), ("pageSize", "2")])
            #expect(beyond.json["count"].int == 3)
            #expect(beyond.json["doms"].array.isEmpty)
            let group = try await harness.get(Paths.v1Service + "/list", [("pageNo", "1"), ("pageSize", "10"), ("groupName", "G2")])
            #expect(group.json["doms"].array.map { $0.string ?? "" } == ["other"])
            let namespace = try await harness.get(Paths.v1Service + "/list", [("pageNo", "1"), ("pageSize", "10"), ("namespaceId", "dev")])
            #expect(namespace.json["doms"].array.map { $0.string ?? "" } == ["tenant"])

            let noPage = try await harness.get(Paths.v1Service + "/list", [("pageSize", "2")])
            #expect(noPage.status == 400)
            #expect(noPage.text == "Param 'pageNo' is required.")
            let noSize = try await harness.get(Paths.v1Service + "/list", [("pageNo", "1")])
            #expect(noSize.text == "Param 'pageSize' is required.")
            for (pageNo, pageSize) in [("0", "1"), ("1", "0"), ("x", "1"), ("1", "1000000"), ("1", "-5")] {
                let reply = try await harness.get(Paths.v1Service + "/list", [("pageNo", pageNo), ("pageSize", pageSize)])
                #expect(reply.status == 400, "\(pageNo)/\(pageSize): \(reply)")
            }
            let badGroup = try await harness.get(Paths.v1Service + "/list", [("pageNo", "1"), ("pageSize", "1"), ("groupName", "a b")])
            #expect(badGroup.status == 400)
            #expect(badGroup.text.hasPrefix("Param check invalid:"))
        }
    }

    @Test func subscribersOfAServiceArePaged() async throws {
        try await OpenAPIHarness.run { harness in
            let agent = [("User-Agent", "Nacos-Java-Client:v1.4.1")]
            for port in [5555, 5556] {
                let list = try await harness.get(
                    Paths.v1List,
                    [("serviceName", "watched"), ("udpPort", String(port)), ("clientIP", "127.0.0.1"), ("app", "shop"), ("clusters", "c1")],
                    headers: agent
                )
                #expect(list.status == 200)
                #expect(list.json["cacheMillis"].int == 10_000, "a UDP subscriber is given the push cache time")
            }
            let reply = try await harness.get(Paths.v1Service + "/subscribers", [("serviceName", "watched")])
            #expect(reply.status == 200)
            #expect(reply.json["count"].int == 2)
            let first = reply.json["subscribers"][0]
            #expect(first["addrStr"].string == "127.0.0.1:5555")
            #expect(first["agent"].string == "Nacos-Java-Client:v1.4.1")
            #expect(first["app"].string == "shop")
            #expect(first["ip"].string == "127.0.0.1")
            #expect(first["port"].int == 5555)
            #expect(first["namespaceId"].string == "public")
            #expect(first["serviceName"].string == "DEFAULT_GROUP@@watched")
            #expect(first["cluster"].string == "c1")

            let paged = try await harness.get(Paths.v1Service + "/subscribers", [("serviceName", "watched"), ("pageNo", "2"), ("pageSize", "1")])
            #expect(paged.json["count"].int == 2)
            #expect(paged.json["subscribers"].array.map { $0["port"].int } == [5556])
            let missing = try await harness.get(Paths.v1Service + "/subscribers")
            #expect(missing.text == "Param 'serviceName' is required.")
            let badAggregation = try await harness.get(Paths.v1Service + "/subscribers", [("serviceName", "watched"), ("aggregation", "x")])
            #expect(badAggregation.status == 400)

            // A client whose agent is below the push version gates (or unknown) is not subscribed.
            let old = try await harness.get(
                Paths.v1List,
                [("serviceName", "watched"), ("udpPort", "5557"), ("clientIP", "127.0.0.1")],
                headers: [("User-Agent", "curl/8.0")]
            )
            #expect(old.json["cacheMillis"].int == 3000)
            #expect(try await harness.get(Paths.v1Service + "/subscribers", [("serviceName", "watched")]).json["count"].int == 2)
            let badPort = try await harness.get(Paths.v1List, [("serviceName", "watched"), ("udpPort", "70000")], headers: agent)
            #expect(badPort.status == 400)
            let badIP = try await harness.get(Paths.v1List, [("serviceName", "watched"), ("udpPort", "5558"), ("clientIP", "1.2.3.4 x")], headers: agent)
            #expect(badIP.status == 400)
            #expect(badIP.text.hasPrefix("Param 'clientIP' is illegal"), "\(badIP)")
        }
    }

    @Test func operatorMetricsOnlyStatusAndFull() async throws {
        try await OpenAPIHarness.run { harness in
            try await harness.register("m1", ip: "10.0.0.1", port: 1)
            try await harness.register("m1", ip: "10.0.0.2", port: 1)
            try await harness.register("m2", ip: "10.0.0.3", port: 1, [("ephemeral", "false")])
            for prefix in ["/operator", "/ops"] {
                let status = try await harness.get(Paths.v1 + prefix + "/metrics")
                #expect(status.status == 200)
                #expect(status.text == #"{"status":"UP"}"#)
                let full = try await harness.get(Paths.v1 + prefix + "/metrics", [("onlyStatus", "FALSE")])
                #expect(full.status == 200)
                #expect(full.json["status"].string == "UP")
                #expect(full.json["serviceCount"].int == 2)
                #expect(full.json["instanceCount"].int == 3)
                #expect(full.json["ephemeralIpPortClientCount"].int == 2)
                #expect(full.json["persistentIpPortClientCount"].int == 1)
                #expect(full.json["connectionBasedClientCount"].int == 0)
                #expect(full.json["clientCount"].int == 3)
                #expect(full.json["responsibleInstanceCount"].int == 3)
                for key in ["subscribeCount", "responsibleClientCount", "cpu", "load", "mem"] {
                    #expect(full.json[key].exists, "\(key)")
                }
            }
            let bad = try await harness.get(Paths.v1 + "/operator/metrics", [("onlyStatus", "nope")])
            #expect(bad.status == 400)
        }
    }

    @Test func switchesAreReadAndChangedLive() async throws {
        try await OpenAPIHarness.run { harness in
            let switches = try await harness.get(Paths.v1 + "/operator/switches")
            #expect(switches.status == 200)
            #expect(switches.json["pushEnabled"].bool == true)
            #expect(switches.json["clientBeatInterval"].int == 5000)
            #expect(switches.json["defaultCacheMillis"].int == 3000)
            #expect(switches.json["defaultPushCacheMillis"].int == 10_000)
            #expect(switches.json["lightBeatEnabled"].bool == true)
            #expect(switches.json["defaultInstanceEphemeral"].bool == true)
            #expect(switches.json["pushJavaVersion"].string == "0.1.0")

            // clientBeatInterval reaches the beat answer at once.
            let interval = try await harness.put(Paths.v1 + "/operator/switches", [("entry", "clientBeatInterval"), ("value", "2000")])
            #expect(interval.status == 200 && interval.text == "ok", "\(interval)")
            #expect(try await harness.get(Paths.v1 + "/ops/switches").json["clientBeatInterval"].int == 2000)
            let beat = try await harness.put(Paths.v1Beat, [("serviceName", "s"), ("ip", "10.0.0.1"), ("port", "1")])
            #expect(beat.json["clientBeatInterval"].int == 2000)

            // pushEnabled=false: a 1.x client listing with a UDP port is not subscribed any more.
            let agent = [("User-Agent", "Nacos-Java-Client:v1.4.1")]
            let listing = [("serviceName", "pushed"), ("udpPort", "6000"), ("clientIP", "127.0.0.1")]
            let off = try await harness.put(Paths.v1 + "/ops/switches", [("entry", "pushEnabled"), ("value", "FALSE")])
            #expect(off.status == 200)
            let unsubscribed = try await harness.get(Paths.v1List, listing, headers: agent)
            #expect(unsubscribed.json["cacheMillis"].int == 3000)
            #expect(try await harness.get(Paths.v1Service + "/subscribers", [("serviceName", "pushed")]).json["count"].int == 0)
            _ = try await harness.put(Paths.v1 + "/operator/switches", [("entry", "pushEnabled"), ("value", "true")])
            let subscribed = try await harness.get(Paths.v1List, listing, headers: agent)
            #expect(subscribed.json["cacheMillis"].int == 10_000)
            #expect(try await harness.get(Paths.v1Service + "/subscribers", [("serviceName", "pushed")]).json["count"].int == 1)

            // defaultInstanceEphemeral=false: a registration without `ephemeral` is persistent.
            _ = try await harness.put(Paths.v1 + "/operator/switches", [("entry", "defaultInstanceEphemeral"), ("value", "false")])
            try await harness.register("durable", ip: "10.0.0.1", port: 1)
            #expect(try await harness.hosts("durable").first?["ephemeral"].bool == false)

            let errors: [([(String, String)], String)] = [
                ([("value", "1")], "Param 'entry' is required."),
                ([("entry", "pushEnabled")], "Param 'value' is required."),
                ([("entry", "noSuchSwitch"), ("value", "1")], "unknown switch entry: noSuchSwitch"),
                ([("entry", "pushEnabled"), ("value", "yes")], "illegal value for pushEnabled, it should be true or false, got: yes"),
                ([("entry", "clientBeatInterval"), ("value", "-5")], "clientBeatInterval must be positive: -5"),
            ]
            for (parameters, message) in errors {
                let reply = try await harness.put(Paths.v1 + "/operator/switches", parameters)
                #expect(reply.status == 400, "\(parameters): \(reply)")
                #expect(reply.text == message, "\(parameters): \(reply)")
            }
            #expect(try await harness.get(Paths.v1 + "/operator/switches").json["pushEnabled"].bool == true)
        }
    }
}
