import Foundation
import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// Connection limits and traced IPs from the limit rule, given in the configuration or read from the rule
/// file (reference §5.2, Nacos 2.0.x `ConnectionLimitRule`).
@Suite struct ConnectionLimitTests {
    static func configuration(_ rule: NacosConnectionLimitRule) -> NacosConnectionManagerConfiguration {
        var configuration = NacosConnectionManagerConfiguration()
        configuration.limitRule = rule
        return configuration
    }

    @Test(arguments: TransportKind.allCases)
    func perClientIpLimitRejectsTheThirdConnection(_ kind: TransportKind) async throws {
        let rule = NacosConnectionLimitRule(countLimitPerClientIp: ["1.2.3.4": 2])
        try await withServer(kind, managerConfiguration: Self.configuration(rule)) { harness in
            let listener = RecordingListener(name: "L")
            harness.manager.addListener(listener)
            let (first, firstId) = try await harness.setUpPeer(clientIp: "1.2.3.4")
            _ = try await harness.setUpPeer(clientIp: "1.2.3.4")
            // The third is closed right after its ConnectionSetupRequest, and never registered.
            let (rejected, rejectedId) = try await harness.rejectedPeer(clientIp: "1.2.3.4")
            #expect(!harness.manager.isRegistered(rejectedId))
            #expect(rejected.pushes(SetupAckRequest.self).isEmpty)
            #expect(harness.manager.connectionCount(forClientIp: "1.2.3.4") == 2)
            try await waitUntil("two connect events") { listener.connected.count == 2 }
            #expect(!listener.connected.contains(rejectedId))
            try await harness.logs.waitForMessage(containing: "connections from 1.2.3.4 reached the limit of 2")

            // Other IPs are not limited by that rule.
            _ = try await harness.setUpPeer(clientIp: "5.6.7.8")
            _ = try await harness.setUpPeer(clientIp: "5.6.7.8")
            _ = try await harness.setUpPeer(clientIp: "5.6.7.8")
            #expect(harness.manager.connectionCount(forClientIp: "5.6.7.8") == 3)

            // A slot freed by a close is available again.
            first.close()
            try await waitUntil("unregistration") { !harness.manager.isRegistered(firstId) }
            _ = try await harness.setUpPeer(clientIp: "1.2.3.4")
            #expect(harness.manager.connectionCount(forClientIp: "1.2.3.4") == 2)
        }
    }

    @Test func perClientIpDefaultAndPerAppLimits() async throws {
        let rule = NacosConnectionLimitRule(
            countLimitPerClientIpDefault: 1,
            countLimitPerClientIp: ["1.1.1.1": 3],
            countLimitPerClientApp: ["big": 2]
        )
        try await withServer(.inMemory, managerConfiguration: Self.configuration(rule)) { harness in
            // The IP's own rule wins over the default.
            for _ in 0..<3 { _ = try await harness.setUpPeer(clientIp: "1.1.1.1") }
            _ = try await harness.rejectedPeer(clientIp: "1.1.1.1")
            // The default applies to other IPs.
            _ = try await harness.setUpPeer(clientIp: "2.2.2.2")
            _ = try await harness.rejectedPeer(clientIp: "2.2.2.2")
            // An application rule applies when the IP has none.
            let big = ["source": "sdk", "module": "naming", "AppName": "big"]
            _ = try await harness.setUpPeer(clientIp: "3.3.3.3", labels: big)
            _ = try await harness.setUpPeer(clientIp: "3.3.3.3", labels: big)
            _ = try await harness.rejectedPeer(clientIp: "3.3.3.3", labels: big)
            #expect(harness.manager.connectionCount == 6)
        }
    }

    @Test(arguments: TransportKind.allCases)
    func totalLimitRejectsSdkConnectionsButNeverClusterOnes(_ kind: TransportKind) async throws {
        let rule = NacosConnectionLimitRule(countLimit: 2, countLimitPerClientIp: ["1.2.3.4": 1])
        try await withServer(kind, managerConfiguration: Self.configuration(rule)) { harness in
            _ = try await harness.setUpPeer(clientIp: "10.0.0.1")
            _ = try await harness.setUpPeer(clientIp: "10.0.0.2")
            let (_, rejectedId) = try await harness.rejectedPeer(clientIp: "10.0.0.3")
            #expect(!harness.manager.isRegistered(rejectedId))
            try await harness.logs.waitForMessage(containing: "connection count reached the limit of 2")

            // Cluster connections are never limited, by the total or by their IP's rule.
            _ = try await harness.setUpPeer(clientIp: "10.0.0.3", labels: RawRpcPeer.clusterLabels)
            _ = try await harness.setUpPeer(clientIp: "1.2.3.4", labels: RawRpcPeer.clusterLabels)
            _ = try await harness.setUpPeer(clientIp: "1.2.3.4", labels: RawRpcPeer.clusterLabels)
            #expect(harness.manager.connectionCount == 5)
            #expect(harness.manager.sdkConnectionCount == 2)
        }
    }

    @Test func ruleFileIsReadByStartAndReloadedWhenChanged() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nacos-limit-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("limitRule")
        func write(_ text: String) throws { try Data(text.utf8).write(to: file, options: .atomic) }

        try write(#"{"monitorIpList":[],"countLimit":-1,"countLimitPerClientIp":{"1.2.3.4":2},"extra":"ignored"}"#)
        var configuration = NacosConnectionManagerConfiguration()
        configuration.limitRuleFile = file.path
        let clock = NacosManualClock()
        try await withServer(.inMemory, clock: clock, managerConfiguration: configuration) { harness in
            let manager = harness.manager
            #expect(manager.limitRule == NacosConnectionLimitRule())
            manager.start()
            #expect(manager.limitRule.countLimitPerClientIp == ["1.2.3.4": 2])
            #expect(manager.reloadLimitRuleIfChanged() == false)

            _ = try await harness.setUpPeer(clientIp: "1.2.3.4")
            _ = try await harness.setUpPeer(clientIp: "1.2.3.4")
            _ = try await harness.rejectedPeer(clientIp: "1.2.3.4")

            // Raising the limit admits the third connection.
            try write(#"{"countLimitPerClientIp":{"1.2.3.4":3},"countLimit":"10"}"#)
            #expect(manager.reloadLimitRuleIfChanged())
            #expect(manager.limitRule.countLimit == 10)
            _ = try await harness.setUpPeer(clientIp: "1.2.3.4")
            #expect(manager.connectionCount(forClientIp: "1.2.3.4") == 3)

            // An invalid file keeps the rule in force.
            try write(#"{"countLimitPerClientIp": {"1.2.3.4": 1"#)
            #expect(manager.reloadLimitRuleIfChanged() == false)
            #expect(manager.limitRule.countLimitPerClientIp == ["1.2.3.4": 3])
            try await harness.logs.waitForMessage(containing: "is invalid, keeping the rule in force")

            // The watcher picks up a change by itself every limitRuleCheckInterval.
            try write(#"{"countLimitPerClientIp":{"1.2.3.4":4}}"#)
            try await waitUntil("the watcher and the ejector to sleep") { clock.pendingTimerCount >= 2 }
            clock.advance(by: configuration.limitRuleCheckInterval)
            try await waitUntil("the watcher to reload the rule") { manager.limitRule.countLimitPerClientIp == ["1.2.3.4": 4] }

            // A deleted file restores the configured rule.
            try FileManager.default.removeItem(at: file)
            #expect(manager.reloadLimitRuleIfChanged())
            #expect(manager.limitRule == NacosConnectionLimitRule())
        }
    }

    @Test func ruleFileToleratesCountsWrittenAsStrings() throws {
        let rule = try NacosJSON.decode(
            NacosConnectionLimitRule.self,
            from: NacosByteBuffer(string: #"{"countLimit":"3","countLimitPerClientIpDefault":"1","monitorIpList":null,"unknown":1}"#)
        )
        #expect(rule == NacosConnectionLimitRule(countLimit: 3, countLimitPerClientIpDefault: 1))
    }

    /// Jackson coerces `"2"` into an `Integer` map value; so does the rule decoder.
    @Test
    func perIpAndPerAppCountsWrittenAsStringsAreAccepted() throws {
        let rule = try NacosJSON.decode(
            NacosConnectionLimitRule.self,
            from: NacosByteBuffer(string: #"{"countLimitPerClientIp":{"1.2.3.4":"2"},"countLimitPerClientApp":{"app":"3"}}"#)
        )
        #expect(rule.countLimitPerClientIp == ["1.2.3.4": 2])
        #expect(rule.countLimitPerClientApp == ["app": 3])
    }

    @Test(arguments: TransportKind.allCases)
    func monitorIpListMarksConnectionsTraced(_ kind: TransportKind) async throws {
        let rule = NacosConnectionLimitRule(monitorIpList: ["1.2.3.4"])
        try await withServer(kind, managerConfiguration: Self.configuration(rule)) { harness in
            let (peer, traced) = try await harness.setUpPeer(clientIp: "1.2.3.4")
            let (_, plain) = try await harness.setUpPeer(clientIp: "5.6.7.8")
            #expect(harness.manager.connection(traced)?.isTraced == true)
            #expect(harness.manager.connection(plain)?.isTraced == false)
            // Traced connections log every payload in and out.
            _ = try await peer.call(TestEchoRequest(text: "trace-me"), callId: 2, as: TestEchoResponse.self)
            try await harness.logs.waitForMessage(containing: "[traced] receive request TestEchoRequest")
            try await harness.logs.waitForMessage(containing: "[traced] send response TestEchoResponse")

            // A new rule moves the flags of registered connections.
            harness.manager.applyLimitRule(NacosConnectionLimitRule(monitorIpList: ["5.6.7.8"]))
            #expect(harness.manager.connection(traced)?.isTraced == false)
            #expect(harness.manager.connection(plain)?.isTraced == true)
        }
    }
}
