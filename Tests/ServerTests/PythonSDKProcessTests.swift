import NacosClient
import NacosHTTP
import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// nacos-sdk-python 2.0.11 — its v2 asyncio naming client, a real, independent gRPC peer — against real
/// `nacos-server` processes (Tests/Peers/nacos_sdk_scenarios.py does the SDK's side and reports each check).
@Suite("nacos-sdk-python against nacos-server")
struct PythonSDKProcessTests {
    /// Runs `body` with a standalone server on a fixed loopback port `P` (the SDK dials `P + 1000`), retrying
    /// with other ports when a probed port was taken before the server bound it.
    private func withStandaloneServer(_ body: (Int, NacosHTTPClient) async throws -> Void) async throws {
        // The server and its peers count as one Python peer slot: the suite's start stays light.
        try await TestSlots.pythonPeers.withSlot {
            try await withEventLoopGroup { group in try await withStandaloneServerProcess(group: group, body) }
        }
    }

    /// Runs a scenario and expects every check to pass.
    private func expectScenario(_ arguments: [String], timeout: Duration = .seconds(150)) async throws {
        let outcome = try await PythonPeer.run("nacos_sdk_scenarios.py", arguments, timeout: timeout)
        #expect(outcome.succeeded, "\(outcome)")
        let checks = outcome.jsonLines.filter { $0["check"] != nil }
        #expect(!checks.isEmpty, "the scenario reported no check: \(outcome)")
        for check in checks where check["ok"] as? Bool != true {
            Issue.record("check \(check["check"] ?? "?") failed: \(check)")
        }
    }

    @Test func registerListSubscribeBatchIsolationAndDeregister() async throws {
        try await self.withStandaloneServer { port, http in
            // The scenario's custom namespace must exist: the server refuses writes into unknown ones.
            let created = try await http.send(
                ServerProcessTests.form(.post, "/nacos/v1/console/namespaces", "customNamespaceId=dev&namespaceName=dev")
            )
            #expect(created.status == .ok, "\(created.bodyText)")
            try await self.expectScenario(["--server", "127.0.0.1:\(port)", "--custom-namespace", "dev", "basic"])
        }
    }

    @Test func theServerRejectsInvalidPortsAndEmptyNamesAndKeepsServing() async throws {
        try await self.withStandaloneServer { port, _ in
            try await self.expectScenario(["--server", "127.0.0.1:\(port)", "invalid"])
        }
    }

    @Test func anIdleConnectionSurvivesThirtySecondsOfHealthChecks() async throws {
        try await self.withStandaloneServer { port, _ in
            try await self.expectScenario(["--server", "127.0.0.1:\(port)", "--timeout", "120", "idle", "30"])
        }
    }

    @Test func aKilledSDKProcessLosesItsInstancesAndSubscribersArePushed() async throws {
        try await self.withStandaloneServer { port, http in
            let service = "py-killed-\(UInt32.random(in: 0...UInt32.max))"
            try await withEventLoopGroup { group in
                // A Swift SDK subscriber over gRPC on the same server.
                var configuration = NamingClientConfiguration(serverAddresses: [.loopbackIPv4(port: port + 1000)], appName: "watcher")
                configuration.rpc.reconnectBackoffUnit = .milliseconds(20)
                let watcher = try NamingService(configuration: configuration, transport: NacosTCPTransport(group: group, logger: .disabled()), logger: .disabled())
                defer { watcher.shutdown() }
                #expect(await watcher.start())
                let events = SubscriptionRecorder()
                try await watcher.subscribe(serviceName: service, listener: events.listener)

                try await withPythonPeerProcess("nacos_sdk_scenarios.py", ["--server", "127.0.0.1:\(port)", "--timeout", "600", "hold", service, "10.8.0.1", "8080"]) { peer in
                    _ = try await peer.waitForLine(containing: "\"registered\"")
                    try await pollUntil(timeout: .seconds(15), "the subscriber to be pushed the Python instance") {
                        events.lastAddresses == ["10.8.0.1:8080"]
                    }
                    await peer.kill()  // SIGKILL: the SDK deregisters nothing.
                    try await pollUntil(timeout: .seconds(20), "the instance to be removed with its connection") {
                        let listed = try await http.send(HTTPRequest(method: .get, target: "/nacos/v1/ns/instance/list?serviceName=\(service)"))
                        return listed.status == .ok && !listed.bodyText.contains("10.8.0.1")
                    }
                    try await pollUntil(timeout: .seconds(15), "the subscriber to be pushed the removal") { events.lastAddresses == [] }
                }
            }
        }
    }

    /// The members' links to each other speak native (the default) or gRPC.
    @Test(arguments: ["native", "grpc"])
    func aThreeNodeClusterServesThePythonSDKOnEveryNode(clusterLinks: String) async throws {
        try await TestSlots.pythonPeers.withSlot {
            try await withEventLoopGroup { group in
                let arguments = ["--nacos.remote.client.cluster.protocol=\(clusterLinks)"]
                try await withClusterProcesses(count: 3, arguments: arguments, group: group) { cluster in
                    let servers = cluster.nodes.flatMap { ["--server", $0.memberAddress] }
                    try await self.expectScenario(servers + ["cluster"])
                }
            }
        }
    }
}
