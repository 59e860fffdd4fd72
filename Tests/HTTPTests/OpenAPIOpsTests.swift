import NacosHTTP
import NacosNaming
import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// The node endpoints: the connection loader (`/nacos/v2/core/loader/*`, reference §5.1), the liveness
/// and readiness probes, and the Prometheus pages.
@Suite("OpenAPI loader, probes and metrics") struct OpenAPIOpsTests {
    typealias Paths = OpenAPIPaths

    @Test func loaderEndpointsOnASingleNode() async throws {
        try await OpenAPIHarness.run(rpc: true) { harness in
            let empty = try await harness.get(Paths.loader + "/current")
            #expect(empty.status == 200)
            #expect(empty.json.keys.isEmpty, "\(empty)")

            let (_, connectionId) = try await harness.connectSDK(app: "loader-app")
            let current = try await harness.get(Paths.loader + "/current")
            #expect(current.json.keys == [connectionId], "\(current)")
            let meta = current.json[connectionId]["metaInfo"]
            #expect(meta["connectionId"].string == connectionId)
            #expect(meta["clientIp"].string == "10.0.0.7")
            #expect(meta["appName"].string == "loader-app")
            #expect(meta["labels"]["source"].string == "sdk")
            #expect(current.json[connectionId]["traced"].bool == false)

            let cluster = try await harness.get(Paths.loader + "/cluster")
            #expect(cluster.status == 200)
            #expect(cluster.json["memberCount"].int == 1)
            #expect(cluster.json["metricsCount"].int == 1)
            #expect(cluster.json["completed"].bool == true)
            #expect(cluster.json["total"].int == 1)
            #expect(cluster.json["max"].int == 1)
            #expect(cluster.json["min"].int == 1)
            #expect(cluster.json["avg"].int == 1)
            #expect(cluster.json["threshold"].int == 1)
            #expect(cluster.json["detail"][0]["address"].string == "127.0.0.1:8848")
            #expect(cluster.json["detail"][0]["metric"]["sdkConCount"].string == "1")
            #expect(cluster.json["detail"][0]["metric"]["conCount"].string == "1")

            let smart = try await harness.get(Paths.loader + "/smartReloadCluster")
            #expect(smart.status == 200 && smart.text == "Ok", "\(smart)")
            let smartFactor = try await harness.get(Paths.loader + "/smartReloadCluster", [("loaderFactor", "0.5"), ("force", "true")])
            #expect(smartFactor.text == "Ok")
            for factor in ["2", "-1", "x", "nan"] {
                let reply = try await harness.get(Paths.loader + "/smartReloadCluster", [("loaderFactor", factor)])
                #expect(reply.status == 400, "\(factor): \(reply)")
            }

            let reload = try await harness.get(Paths.loader + "/reloadCurrent", [("count", "5"), ("redirectAddress", "10.0.0.2:8848")])
            #expect(reload.status == 200 && reload.text == "success", "\(reload)")
            let noCount = try await harness.get(Paths.loader + "/reloadCurrent")
            #expect(noCount.status == 400)
            #expect(noCount.text == "Param 'count' is required.")
            for count in ["-1", "many", "99999999999999999999"] {
                let reply = try await harness.get(Paths.loader + "/reloadCurrent", [("count", count)])
                #expect(reply.status == 400, "\(count): \(reply)")
            }

            let noId = try await harness.get(Paths.loader + "/reloadClient")
            #expect(noId.status == 400)
            #expect(noId.text == "Param 'connectionId' is required.")
            let unknown = try await harness.get(Paths.loader + "/reloadClient", [("connectionId", "nobody")])
            #expect(unknown.text == "success")
            #expect(harness.manager.connectionMetrics.resetCount == 0)
            let resetOne = try await harness.get(Paths.loader + "/reloadClient", [("connectionId", connectionId), ("redirectAddress", "10.0.0.2:8848")])
            #expect(resetOne.status == 200 && resetOne.text == "success", "\(resetOne)")
            #expect(harness.manager.connectionMetrics.resetCount == 1)

            // Every loader endpoint is a GET, even those that act.
            let post = try await harness.call(.post, Paths.loader + "/reloadCurrent", [("count", "1")])
            #expect(post.status == 405)
        }
    }

    @Test func aReloadForAnotherMemberIsRelayedToIt() async throws {
        let relayed = Mutex<[String]>([])
        let accepts = Mutex(true)
        try await OpenAPIHarness.run(context: { context in
            context.requestReload = { from, count, to in
                relayed.withLock { $0.append("\(from) \(count) \(to)") }
                return accepts.withLock { $0 }
            }
        }) { harness in
            let other = try await harness.get(Paths.loader + "/reloadCurrent", [("count", "3"), ("serverAddress", "10.0.0.9:8848")])
            #expect(other.status == 200 && other.text == "success", "\(other)")
            let redirected = try await harness.get(
                Paths.loader + "/reloadCurrent",
                [("count", "0"), ("serverAddress", "10.0.0.9:8848"), ("redirectAddress", "10.0.0.2:8848")]
            )
            #expect(redirected.text == "success")
            accepts.withLock { $0 = false }
            let refused = try await harness.get(Paths.loader + "/reloadCurrent", [("count", "3"), ("serverAddress", "10.0.0.9:8848")])
            #expect(refused.status == 200 && refused.text == "Fail", "\(refused)")
            // This node's own address is applied here, not relayed.
            let here = try await harness.get(Paths.loader + "/reloadCurrent", [("count", "3"), ("serverAddress", "127.0.0.1:8848")])
            #expect(here.text == "success")
            #expect(relayed.withLock { $0 } == ["10.0.0.9:8848 3 ", "10.0.0.9:8848 0 10.0.0.2:8848", "10.0.0.9:8848 3 "])
        }
    }

    @Test func serverStateTellsTheConsoleTheVersionModeAndAuth() async throws {
        try await OpenAPIHarness.run(context: { $0.serverVersion = "9.8.7" }) { harness in
            let state = try await harness.get("/nacos/v1/console/server/state")
            #expect(state.status == 200)
            #expect(state.json["version"].string == "9.8.7")
            #expect(state.json["standalone_mode"].string == "standalone")
            #expect(state.json["function_mode"].string == "naming")
            #expect(state.json["auth_enabled"].string == "false", "\(state)")
            #expect(state.json["login_page_enabled"].string == "false")
            let nodes = try await harness.get("/nacos/v1/core/cluster/nodes")
            #expect(nodes.json["data"][0]["extendInfo"]["version"].string == "9.8.7", "\(nodes)")
        }
    }

    @Test func probesFollowReadiness() async throws {
        try await OpenAPIHarness.run { harness in
            let liveness = try await harness.get("/nacos/v1/console/health/liveness")
            #expect(liveness.status == 200 && liveness.text == "OK")
            let readiness = try await harness.get("/nacos/v1/console/health/readiness")
            #expect(readiness.status == 200 && readiness.text == "OK")
            let liveness2 = try await harness.get("/nacos/v2/console/health/liveness")
            #expect(liveness2.isEnvelope(status: 200, code: 0, message: "success"))
            let readiness2 = try await harness.get("/nacos/v2/console/health/readiness")
            #expect(readiness2.isEnvelope(status: 200, code: 0, message: "success"))
            #expect(readiness2.json["data"].string == "ok")

            harness.readiness.isReady = false
            let notReady = try await harness.get("/nacos/v1/console/health/readiness")
            #expect(notReady.status == 503)
            #expect(notReady.text == "Nacos is not ready")
            let notReady2 = try await harness.get("/nacos/v2/console/health/readiness")
            #expect(notReady2.isEnvelope(status: 503, code: 30000, message: "server error"), "\(notReady2)")
            #expect(notReady2.json["data"].string == "Nacos is not ready")
            // Liveness does not depend on readiness.
            #expect(try await harness.get("/nacos/v1/console/health/liveness").status == 200)
            let head = try await harness.call(.head, "/nacos/v1/console/health/readiness")
            #expect(head.status == 503)
            #expect(head.body.isEmpty)
            harness.readiness.isReady = true
            #expect(try await harness.get("/nacos/v2/console/health/readiness").status == 200)
        }
    }

    @Test(arguments: TransportKind.allCases)
    func prometheusPagesChangeAfterARegister(kind: TransportKind) async throws {
        try await OpenAPIHarness.run(kind, rpc: true) { harness in
            for path in ["/metrics", "/nacos/actuator/prometheus"] {
                let page = try await harness.get(path)
                #expect(page.status == 200)
                #expect(page.headers["Content-Type"] == PrometheusExposition.contentType)
                let text = page.text
                for family in [
                    "nacos_connections", "nacos_connections_ejected_total", "nacos_connections_reset_total",
                    "nacos_connections_rejected_total", "nacos_naming_clients", "nacos_naming_services", "nacos_naming_instances",
                    "nacos_naming_subscribers", "nacos_rpc_requests_in_flight", "nacos_push_total", "nacos_push_deferred_total",
                    "nacos_push_duration_seconds",
                ] {
                    #expect(text.contains("# TYPE \(family) "), "\(path) lacks \(family)")
                }
                #expect(text.contains("\nnacos_naming_instances 0\n"))
                #expect(text.contains("\nnacos_naming_services 0\n"))
            }

            try await harness.register("metered", ip: "10.0.0.1", port: 1)
            try await harness.register("metered", ip: "10.0.0.2", port: 1)
            _ = try await harness.connectSDK()
            for path in ["/metrics", "/nacos/actuator/prometheus"] {
                let text = try await harness.get(path).text
                #expect(text.contains("\nnacos_naming_instances 2\n"), "\(text)")
                #expect(text.contains("\nnacos_naming_services 1\n"))
                #expect(text.contains(#"nacos_naming_clients{kind="ephemeral_ipport"} 2"#))
                #expect(text.contains(#"nacos_connections{module="naming",source="sdk"} 1"#), "\(text)")
                #expect(text.contains("# TYPE nacos_rpc_requests_total counter"))
                #expect(text.contains(#"nacos_udp_push_total"#) == false, "the harness has no UDP executor")
            }
            let post = try await harness.call(.post, "/metrics")
            #expect(post.status == 405)
        }
    }
}
