import NacosAuth
import NacosHTTP
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTransport
import Testing

/// The console's catalog routes: `GET /nacos/v1/ns/catalog/services` (counts, protect threshold, filters,
/// paging, what a caller may read) and `GET /nacos/v1/ns/catalog/instances` (every instance, paged).
@Suite("OpenAPI console catalog") struct OpenAPICatalogTests {
    static let services = "/nacos/v1/ns/catalog/services"
    static let instances = "/nacos/v1/ns/catalog/instances"

    @Test func serviceSummariesCountInstancesClustersAndHealth() async throws {
        let api = try await InProcessOpenAPI()
        try api.register("orders", ip: "10.0.0.1", cluster: "east")
        try api.register("orders", ip: "10.0.0.2", healthy: false, cluster: "west")
        try api.register("orders", ip: "10.0.0.3", enabled: false, cluster: "west")
        try api.register("billing", group: "PAY", ip: "10.0.1.1")

        let reply = await api.get(Self.services)
        #expect(reply.status == 200, "\(reply)")
        #expect(reply.json.keys == ["count", "serviceList"])
        #expect(reply.json["count"].int == 2)
        let list = reply.json["serviceList"].array
        // Sorted by group, then name: DEFAULT_GROUP before PAY.
        #expect(list.map { $0["name"].string } == ["orders", "billing"])
        let orders = list[0]
        #expect(orders.keys == ["name", "groupName", "clusterCount", "ipCount", "healthyInstanceCount", "triggerFlag"])
        #expect(orders["groupName"].string == "DEFAULT_GROUP")
        #expect(orders["clusterCount"].int == 2)
        #expect(orders["ipCount"].int == 3, "disabled instances count")
        #expect(orders["healthyInstanceCount"].int == 2, "the disabled one is healthy, the unhealthy one is not")
        #expect(orders["triggerFlag"].string == "false")
        #expect(list[1]["groupName"].string == "PAY")
        #expect(list[1]["ipCount"].int == 1)
        #expect(list[1]["healthyInstanceCount"].int == 1)
        #expect(list[1]["clusterCount"].int == 1)
    }

    @Test func triggerFlagFollowsTheProtectThreshold() async throws {
        let api = try await InProcessOpenAPI()
        try api.register("guarded", ip: "10.0.0.1")
        try api.register("guarded", ip: "10.0.0.2")
        let threshold = await api.call(.put, "/nacos/v1/ns/service", [("serviceName", "guarded"), ("protectThreshold", "0.6")])
        #expect(threshold.status == 200, "\(threshold)")
        func flag() async -> String? {
            await api.get(Self.services, [("serviceNameParam", "guarded")]).json["serviceList"][0]["triggerFlag"].string
        }
        #expect(await flag() == "false", "2 of 2 healthy is above 0.6")
        try api.register("guarded", ip: "10.0.0.2", healthy: false)
        #expect(await flag() == "true", "1 of 2 healthy is at most 0.6")
        // The flag says what subscribers get: every instance served as healthy.
        let hosts = await api.get("/nacos/v1/ns/instance/list", [("serviceName", "guarded")]).json["hosts"].array
        #expect(hosts.count == 2 && hosts.allSatisfy { $0["healthy"].bool == true })
        try api.register("guarded", ip: "10.0.0.2", healthy: true)
        #expect(await flag() == "false")
        // A threshold of 1 trips even with every instance healthy (healthy / total <= threshold).
        _ = await api.call(.put, "/nacos/v1/ns/service", [("serviceName", "guarded"), ("protectThreshold", "1")])
        #expect(await flag() == "true", "2 of 2 healthy is at most 1.0")
    }

    @Test func filtersPagingAndEmptyServices() async throws {
        let api = try await InProcessOpenAPI()
        for index in 0..<25 {
            try api.register("svc-\(index < 10 ? "0" : "")\(index)", group: index.isMultiple(of: 2) ? "EVEN" : "ODD", ip: "10.0.2.\(index + 1)")
        }
        let created = await api.call(.post, "/nacos/v1/ns/service", [("serviceName", "empty-one"), ("groupName", "EVEN")])
        #expect(created.status == 200, "\(created)")

        let first = await api.get(Self.services)
        #expect(first.json["count"].int == 26)
        #expect(first.json["serviceList"].array.count == 10, "the default page size is 10")
        #expect(first.json["serviceList"][0]["name"].string == "empty-one")
        #expect(first.json["serviceList"][0]["ipCount"].int == 0)
        #expect(first.json["serviceList"][0]["triggerFlag"].string == "false")
        #expect(first.json["serviceList"][1]["name"].string == "svc-00")

        let withInstances = await api.get(Self.services, [("hasIpCount", "true"), ("pageSize", "100")])
        #expect(withInstances.json["count"].int == 25)
        #expect(!withInstances.json["serviceList"].array.contains { $0["name"].string == "empty-one" })
        let evenThenOdd = withInstances.json["serviceList"].array.map { "\($0["groupName"].string ?? "")/\($0["name"].string ?? "")" }
        #expect(evenThenOdd == evenThenOdd.sorted(), "sorted by group then name")
        #expect(evenThenOdd.first == "EVEN/svc-00" && evenThenOdd.last == "ODD/svc-23")

        let third = await api.get(Self.services, [("pageNo", "3"), ("pageSize", "10")])
        #expect(third.json["count"].int == 26)
        // EVEN holds empty-one and the 13 even services (items 0–13), ODD the 12 odd ones (14–25).
        #expect(third.json["serviceList"].array.map { $0["name"].string } == ["svc-13", "svc-15", "svc-17", "svc-19", "svc-21", "svc-23"])
        let beyond = await api.get(Self.services, [("pageNo", "9")])
        #expect(beyond.json["count"].int == 26)
        #expect(beyond.json["serviceList"].array.isEmpty)

        let byName = await api.get(Self.services, [("serviceNameParam", "svc-1")])
        #expect(byName.json["count"].int == 10, "svc-1 and svc-10 … svc-19 match the substring, not svc-01")
        #expect(byName.json["serviceList"].array.allSatisfy { $0["name"].string?.contains("svc-1") == true })
        let byGroup = await api.get(Self.services, [("groupNameParam", "DD"), ("pageSize", "500")])
        #expect(byGroup.json["count"].int == 12)
        #expect(byGroup.json["serviceList"].array.allSatisfy { $0["groupName"].string == "ODD" })
        let both = await api.get(Self.services, [("groupNameParam", "EVEN"), ("serviceNameParam", "-2")])
        #expect(both.json["serviceList"].array.map { $0["name"].string } == ["svc-20", "svc-22", "svc-24"])
        let otherNamespace = await api.get(Self.services, [("namespaceId", "dev")])
        #expect(otherNamespace.status == 200 && otherNamespace.json["count"].int == 0)
    }

    @Test func thePageOrderIsGroupThenName() async throws {
        let api = try await InProcessOpenAPI()
        for (index, (group, name)) in [("B", "a"), ("A", "z"), ("A", "b"), ("C", "a"), ("B", "c")].enumerated() {
            try api.register(name, group: group, ip: "10.0.3.\(index + 1)")
        }
        let page1 = await api.get(Self.services, [("pageSize", "2")])
        let page2 = await api.get(Self.services, [("pageSize", "2"), ("pageNo", "2")])
        let page3 = await api.get(Self.services, [("pageSize", "2"), ("pageNo", "3")])
        let names = (page1.json["serviceList"].array + page2.json["serviceList"].array + page3.json["serviceList"].array)
            .map { "\($0["groupName"].string!)@@\($0["name"].string!)" }
        #expect(names == ["A@@b", "A@@z", "B@@a", "B@@c", "C@@a"])
        #expect(page3.json["count"].int == 5)
    }

    @Test func badParametersAreClear400s() async throws {
        let api = try await InProcessOpenAPI()
        let cases: [([(String, String)], String)] = [
            ([("pageNo", "0")], "Param 'pageNo' must be between 1 and \(Int.max), got 0."),
            ([("pageNo", "x")], "Param 'pageNo' must be an integer, got 'x'."),
            ([("pageSize", "501")], "Param 'pageSize' must be between 1 and 500, got 501."),
            ([("pageSize", "0")], "Param 'pageSize' must be between 1 and 500, got 0."),
            ([("hasIpCount", "yes")], "Param 'hasIpCount' must be true or false, got 'yes'."),
        ]
        for (parameters, text) in cases {
            let reply = await api.get(Self.services, parameters)
            #expect(reply.status == 400 && reply.text == text, "\(parameters): \(reply)")
        }
        let badNamespace = await api.get(Self.services, [("namespaceId", "bad namespace!")])
        #expect(badNamespace.status == 400 && badNamespace.text.hasPrefix("Param check invalid:"), "\(badNamespace)")

        let missing = await api.get(Self.instances)
        #expect(missing.status == 400 && missing.text == "Param 'serviceName' is required.", "\(missing)")
        let unknown = await api.get(Self.instances, [("serviceName", "ghost")])
        #expect(unknown.status == 404 && unknown.text == "service DEFAULT_GROUP@@ghost is not found!", "\(unknown)")
        try api.register("present", ip: "10.0.4.1")
        let bigPage = await api.get(Self.instances, [("serviceName", "present"), ("pageSize", "1000")])
        #expect(bigPage.status == 400 && bigPage.text == "Param 'pageSize' must be between 1 and 500, got 1000.", "\(bigPage)")
        let badCluster = await api.get(Self.instances, [("serviceName", "present"), ("clusterName", "bad cluster!")])
        #expect(badCluster.status == 400 && badCluster.text.hasPrefix("Param check invalid:"), "\(badCluster)")
    }

    @Test func instancesListDisabledAndUnhealthyOnesPaged() async throws {
        let api = try await InProcessOpenAPI()
        try api.register("orders", group: "SHOP", ip: "10.0.5.1", port: 80, cluster: "east", metadata: ["zone": "a"])
        try api.register("orders", group: "SHOP", ip: "10.0.5.2", port: 80, healthy: false, cluster: "east")
        try api.register("orders", group: "SHOP", ip: "10.0.5.3", port: 80, enabled: false, cluster: "west")

        let all = await api.get(Self.instances, [("serviceName", "orders"), ("groupName", "SHOP")])
        #expect(all.status == 200, "\(all)")
        #expect(all.json.keys == ["count", "list"])
        #expect(all.json["count"].int == 3)
        let list = all.json["list"].array
        #expect(list.map { $0["ip"].string } == ["10.0.5.1", "10.0.5.2", "10.0.5.3"])
        let first = list[0]
        for key in ["ip", "port", "weight", "healthy", "enabled", "ephemeral", "clusterName", "serviceName", "metadata", "instanceId"] {
            #expect(first[key].exists, "field \(key) in \(first)")
        }
        #expect(first["port"].int == 80)
        #expect(first["weight"].double == 1)
        #expect(first["ephemeral"].bool == true)
        #expect(first["clusterName"].string == "east")
        #expect(first["serviceName"].string == "SHOP@@orders")
        #expect(first["metadata"]["zone"].string == "a")
        #expect(first["instanceId"].string == "10.0.5.1#80#east#SHOP@@orders")
        #expect(list[1]["healthy"].bool == false)
        #expect(list[2]["enabled"].bool == false)
        // The subscriber's list leaves the disabled instance out; the catalog does not.
        let subscribed = await api.get("/nacos/v1/ns/instance/list", [("serviceName", "orders"), ("groupName", "SHOP")])
        #expect(subscribed.json["hosts"].array.count == 2)

        let west = await api.get(Self.instances, [("serviceName", "orders"), ("groupName", "SHOP"), ("clusterName", "west")])
        #expect(west.json["count"].int == 1 && west.json["list"][0]["ip"].string == "10.0.5.3")
        let noSuchCluster = await api.get(Self.instances, [("serviceName", "orders"), ("groupName", "SHOP"), ("clusterName", "north")])
        #expect(noSuchCluster.status == 200 && noSuchCluster.json["count"].int == 0 && noSuchCluster.json["list"].array.isEmpty)
        let page2 = await api.get(Self.instances, [("serviceName", "SHOP@@orders"), ("pageNo", "2"), ("pageSize", "2")])
        #expect(page2.json["count"].int == 3)
        #expect(page2.json["list"].array.map { $0["ip"].string } == ["10.0.5.3"])
        let wrongGroup = await api.get(Self.instances, [("serviceName", "orders")])
        #expect(wrongGroup.status == 404)
    }

    @Test func aPageOfTenAmongTenThousandServicesIsFast() async throws {
        let api = try await InProcessOpenAPI()
        for index in 0..<10_000 {
            try api.register("service-\(index)", group: "G\(index % 7)", ip: "10.\(index / 65_536).\((index / 256) % 256).\(index % 256)", port: 9000)
        }
        _ = await api.get(Self.services)  // builds the instance caches once
        let clock = ContinuousClock()
        var reply: OpenAPIReply?
        let elapsed = await clock.measure {
            reply = await api.get(Self.services, [("pageNo", "500"), ("pageSize", "10"), ("hasIpCount", "true")])
        }
        #expect(reply?.json["count"].int == 10_000)
        #expect(reply?.json["serviceList"].array.count == 10)
        #expect(reply?.body.count ?? 0 < 2_000, "a page of 10 writes 10 summaries")
        #expect(elapsed < .seconds(1), "a page took \(elapsed)")
        let filtered = await api.get(Self.services, [("serviceNameParam", "service-999"), ("pageSize", "500")])
        #expect(filtered.json["count"].int == 11, "service-999 and service-9990 … service-9999")
    }

    // MARK: - Auth

    @Test func theServiceListShowsOnlyWhatTheCallerMayRead() async throws {
        let fixture = try await AuthOpenAPIFixture.make()
        try await fixture.auth.createUser(username: "reader", password: "reader-password")
        try await fixture.auth.addRole("ROLE_READER", to: "reader")
        try await fixture.auth.addPermission(role: "ROLE_READER", resource: "dev:TEAM:*", action: "r")
        let reader = try await fixture.auth.login(username: "reader", password: "reader-password", ip: "127.0.0.1").accessToken
        let admin = [("Authorization", "Bearer \(fixture.adminToken)")]
        for (group, name) in [("TEAM", "alpha"), ("TEAM", "beta"), ("OTHER", "gamma"), ("DEFAULT_GROUP", "delta")] {
            let reply = await fixture.call(.post, "/nacos/v1/ns/instance", query: "namespaceId=dev&groupName=\(group)&serviceName=\(name)&ip=10.0.6.1&port=\(name.count + 1000)", headers: admin)
            #expect(reply.bodyText == "ok", "\(reply.bodyText)")
        }
        func names(_ token: String, namespace: String = "dev") async -> (Int?, [String]) {
            let reply = await fixture.call(.get, Self.services, query: "namespaceId=\(namespace)&pageSize=100", headers: [("Authorization", "Bearer \(token)")])
            let json = OpenAPIReply(reply).json
            return (json["count"].int, json["serviceList"].array.compactMap { $0["name"].string })
        }
        #expect(await names(fixture.adminToken) == (4, ["delta", "gamma", "alpha", "beta"]))
        #expect(await names(fixture.devToken) == (4, ["delta", "gamma", "alpha", "beta"]), "rw on dev:*:* reads everything in dev")
        #expect(await names(reader) == (2, ["alpha", "beta"]), "r on dev:TEAM:* reads only TEAM")
        #expect(await names(fixture.nobodyToken) == (0, []))
        #expect(await names(fixture.devToken, namespace: "public") == (0, []))
        // Another node sees everything; without a token auth refuses before the handler.
        let server = await fixture.call(.get, Self.services, query: "namespaceId=dev", headers: [AuthOpenAPIFixture.identity])
        #expect(OpenAPIReply(server).json["count"].int == 4)
        #expect(await fixture.call(.get, Self.services, query: "namespaceId=dev").status.code == 403)
        // The instances of a service need read on it.
        let instances = "namespaceId=dev&groupName=TEAM&serviceName=alpha"
        #expect(await fixture.call(.get, Self.instances, query: instances, headers: [("Authorization", "Bearer \(reader)")]).status.code == 200)
        let other = await fixture.call(.get, Self.instances, query: "namespaceId=dev&groupName=OTHER&serviceName=gamma", headers: [("Authorization", "Bearer \(reader)")])
        #expect(other.status.code == 403 && other.bodyText == "authorization failed!")
        #expect(await fixture.call(.get, Self.instances, query: instances, headers: [("Authorization", "Bearer \(fixture.nobodyToken)")]).status.code == 403)
    }

    @Test func withAuthOnTheServerStateIsOpenAndSaysSo() async throws {
        let fixture = try await AuthOpenAPIFixture.make()
        // The console asks before anyone signed in: no token needed.
        let state = await fixture.call(.get, "/nacos/v1/console/server/state", query: "")
        #expect(state.status.code == 200, "\(state.bodyText)")
        #expect(OpenAPIReply(state).json["auth_enabled"].string == "true")
        #expect(OpenAPIReply(state).json["login_page_enabled"].string == "true")
    }
}
