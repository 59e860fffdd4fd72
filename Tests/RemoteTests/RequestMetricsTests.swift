import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// The server's request metrics (counts by request type and result, handling latency, requests in flight)
/// and the connection manager's connection metrics.
@Suite struct RequestMetricsTests {
    @Test(arguments: TransportKind.allCases)
    func requestsAreCountedByTypeAndResult(_ kind: TransportKind) async throws {
        try await withServer(kind, configureHandlers: { $0.addFilter(DenyTokenFilter()) }) { harness in
            let (peer, _) = try await harness.setUpPeer()
            for _ in 0..<3 {
                _ = try await peer.call(TestEchoRequest(text: "hi"), as: TestEchoResponse.self)
            }
            let denied = try await peer.call(TestEchoRequest(text: "no", headers: ["token": "deny"]), as: TestEchoResponse.self)
            #expect(denied.errorCode == 403)
            #expect(try await peer.callExpectingError(TestInvalidParamRequest()).errorCode == 400)
            #expect(try await peer.callExpectingError(TestCrashRequest()).errorCode == 500)
            _ = try await peer.call(HealthCheckRequest(), as: HealthCheckResponse.self)
            // A type without a handler counts under "unknown", whatever the client calls it.
            let unknownCallId = peer.makeCallId()
            try peer.send(NacosPayload(kind: .request, callId: unknownCallId, type: "NoSuchRequest", body: NacosByteBuffer(string: "{}")))
            #expect(try await peer.waitForResponse(callId: unknownCallId).decodeResponse(as: ErrorResponse.self).errorCode == 302)
            // A connection that never set up is refused with 301, counted under the request's type.
            let bare = try await harness.connect()
            #expect(try await bare.callExpectingError(TestEchoRequest(text: "x")).errorCode == 301)

            // Recorded just after the response is sent.
            try await waitUntil("every request recorded") { harness.server.requestMetrics.totalCount == 10 }
            let metrics = harness.server.requestMetrics
            #expect(metrics.count(of: TestEchoRequest.typeName, result: .success) == 3)
            #expect(metrics.count(of: TestEchoRequest.typeName, result: .failure(errorCode: 403)) == 1)
            #expect(metrics.count(of: TestEchoRequest.typeName, result: .failure(errorCode: 301)) == 1)
            #expect(metrics.count(of: TestEchoRequest.typeName) == 5)
            #expect(metrics.count(of: TestInvalidParamRequest.typeName, result: .failure(errorCode: 400)) == 1)
            #expect(metrics.count(of: TestCrashRequest.typeName, result: .failure(errorCode: 500)) == 1)
            #expect(metrics.count(of: HealthCheckRequest.typeName, result: .success) == 1)
            #expect(metrics.count(of: ServerCheckRequest.typeName, result: .success) == 1)
            #expect(metrics.count(of: NacosRequestMetrics.unknownRequestType, result: .failure(errorCode: 302)) == 1)
            #expect(metrics.requestTypes["NoSuchRequest"] == nil)
            #expect(metrics.inFlightCount == 0)
            // Every answered request has a latency; every type the server knows is listed, answered or not.
            for (type, typeMetrics) in metrics.requestTypes {
                #expect(typeMetrics.latency.count == typeMetrics.count, "\(type)")
            }
            #expect(metrics.requestTypes[TestSlowRequest.typeName]?.count == 0)
            #expect(metrics.requestTypes[ServerReloadRequest.typeName] != nil)
        }
    }

    @Test func requestsRefusedWhileStartingAreCounted() async throws {
        try await withServer(.inMemory, startMode: .boundOnly) { harness in
            let peer = try await harness.connect()
            #expect(try await peer.callExpectingError(ServerCheckRequest()).errorCode == 300)
            #expect(try await peer.callExpectingError(TestEchoRequest(text: "x")).errorCode == 300)
            try await waitUntil("both refusals recorded") { harness.server.requestMetrics.totalCount == 2 }
            let metrics = harness.server.requestMetrics
            #expect(metrics.count(of: ServerCheckRequest.typeName, result: .failure(errorCode: 300)) == 1)
            #expect(metrics.count(of: TestEchoRequest.typeName, result: .failure(errorCode: 300)) == 1)
        }
    }

    @Test func slowRequestIsInFlightUntilAnsweredAndItsLatencyRecorded() async throws {
        try await withServer(.inMemory) { harness in
            let (peer, _) = try await harness.setUpPeer()
            let clock = ContinuousClock()
            let sent = clock.now
            let callId = peer.makeCallId()
            try peer.send(TestSlowRequest(), callId: callId)
            try await waitUntil("the handler to start") { harness.probe.gate.entered == 1 }
            #expect(harness.server.inFlightRequestCount == 1)
            #expect(harness.server.requestMetrics.inFlightCount == 1)
            #expect(harness.server.requestMetrics.count(of: TestSlowRequest.typeName) == 0)

            harness.probe.gate.open()
            _ = try await peer.waitForResponse(callId: callId)
            let roundTrip = sent.duration(to: clock.now)
            try await waitUntil("the slow request recorded") {
                harness.server.requestMetrics.count(of: TestSlowRequest.typeName, result: .success) == 1
            }
            #expect(harness.server.inFlightRequestCount == 0)
            let latency = try #require(harness.server.requestMetrics.requestTypes[TestSlowRequest.typeName]?.latency)
            #expect(latency.count == 1)
            // Handling happened inside the test's round trip.
            #expect(latency.sum > .zero)
            #expect(latency.sum <= roundTrip)
        }
    }

    @Test func snapshotsOfTwoServersMerge() {
        var fast = NacosLatencyHistogram()
        fast.record(.microseconds(300))
        var slow = NacosLatencyHistogram()
        slow.record(.milliseconds(40))
        let sdk = NacosRequestMetrics(
            requestTypes: [
                "InstanceRequest": .init(resultCounts: [.success: 2, .failure(errorCode: 400): 1], latency: fast),
                "HealthCheckRequest": .init(resultCounts: [.success: 5]),
            ],
            inFlightCount: 1
        )
        let cluster = NacosRequestMetrics(
            requestTypes: ["InstanceRequest": .init(resultCounts: [.success: 1], latency: slow), "DistroDataRequest": .init()],
            inFlightCount: 2
        )
        let merged = sdk.merging(cluster)
        #expect(merged.count(of: "InstanceRequest", result: .success) == 3)
        #expect(merged.count(of: "InstanceRequest", result: .failure(errorCode: 400)) == 1)
        #expect(merged.count(of: "HealthCheckRequest") == 5)
        #expect(merged.requestTypes["DistroDataRequest"]?.count == 0)
        #expect(merged.requestTypes["InstanceRequest"]?.latency == fast.merging(slow))
        #expect(merged.totalCount == 9)
        #expect(merged.inFlightCount == 3)
        #expect(merged.sortedRequestTypes == ["DistroDataRequest", "HealthCheckRequest", "InstanceRequest"])
    }

    @Test func resultLabelsAndOrder() {
        #expect(NacosRequestResult(resultCode: 200, errorCode: 0) == .success)
        #expect(NacosRequestResult(resultCode: 500, errorCode: 302) == .failure(errorCode: 302))
        #expect(NacosRequestResult(resultCode: 400, errorCode: 400) == .failure(errorCode: 400))
        #expect(NacosRequestResult(resultCode: 500, errorCode: 0) == .error)
        #expect(NacosRequestResult(ErrorResponse.build(code: .noHandler, message: nil)) == .failure(errorCode: 302))
        let results: [NacosRequestResult] = [.error, .failure(errorCode: 500), .success, .failure(errorCode: -401)]
        #expect(results.sorted().map(\.label) == ["success", "-401", "500", "error"])
    }

    // MARK: - Connections

    @Test(arguments: TransportKind.allCases)
    func connectionsAreCountedBySourceAndModule(_ kind: TransportKind) async throws {
        let rule = NacosConnectionLimitRule(countLimitPerClientIp: ["9.9.9.9": 1])
        var configuration = NacosConnectionManagerConfiguration()
        configuration.limitRule = rule
        try await withServer(kind, managerConfiguration: configuration) { harness in
            let (naming, namingId) = try await harness.setUpPeer()
            _ = try await harness.setUpPeer(labels: ["source": "SDK", "module": "Config"])
            _ = try await harness.setUpPeer(labels: RawRpcPeer.clusterLabels)
            _ = try await harness.setUpPeer(labels: ["source": "sdk", "module": "made-up-\(kind)"])
            _ = try await harness.setUpPeer(labels: ["module": "naming"])
            _ = try await harness.setUpPeer(clientIp: "9.9.9.9")
            _ = try await harness.rejectedPeer(clientIp: "9.9.9.9")

            var metrics = harness.manager.connectionMetrics
            typealias Group = NacosConnectionMetrics.Group
            #expect(
                metrics.connectionCounts == [
                    Group(source: "sdk", module: "naming"): 2,
                    Group(source: "sdk", module: "config"): 1,
                    Group(source: "cluster", module: "none"): 1,
                    Group(source: "sdk", module: "other"): 1,
                    Group(source: "unknown", module: "naming"): 1,
                ]
            )
            #expect(metrics.totalCount == harness.manager.connectionCount)
            #expect(metrics.count(source: "sdk") == harness.manager.sdkConnectionCount)
            #expect(metrics.count(module: "naming") == 3)
            #expect(metrics.rejectedCount == 1)
            #expect(metrics.ejectedCount == 0 && metrics.resetCount == 0)
            #expect(metrics.sortedGroups.first == Group(source: "cluster", module: "none"))

            naming.close()
            try await waitUntil("unregistration") { !harness.manager.isRegistered(namingId) }
            metrics = harness.manager.connectionMetrics
            #expect(metrics.connectionCounts[Group(source: "sdk", module: "naming")] == 1)
            #expect(metrics.totalCount == 5)
        }
    }

    @Test func resetsAndEjectionsAreCounted() async throws {
        let clock = NacosManualClock()
        try await withServer(.inMemory, clock: clock) { harness in
            let (moved, movedId) = try await harness.setUpPeer()
            let reset = Task { await harness.manager.loadSingle(movedId, redirectAddress: "10.0.0.9:8848") }
            let (payload, _) = try await moved.waitForPush(ConnectResetRequest.self)
            try moved.answer(payload, with: ConnectResetResponse())
            #expect(await reset.value)
            #expect(harness.manager.connectionMetrics.resetCount == 1)

            let (silent, silentId) = try await harness.setUpPeer()
            clock.advance(by: harness.manager.configuration.keepAliveTime)
            let eject = Task { await harness.manager.ejectOnce() }
            try await silent.waitForPush(ClientDetectionRequest.self)
            try await moved.waitForPush(ClientDetectionRequest.self)
            try moved.answer(moved.pushes(ClientDetectionRequest.self)[0], with: ClientDetectionResponse())
            // Both detection timers were armed before their pushes were sent; the answered one is cancelled.
            try await waitUntil("the answered detection") { clock.pendingTimerCount == 1 }
            clock.advance(by: harness.manager.configuration.detectionTimeout)
            await eject.value
            #expect(!harness.manager.isRegistered(silentId))
            let metrics = harness.manager.connectionMetrics
            #expect(metrics.ejectedCount == 1)
            #expect(metrics.ejectedCount == harness.manager.ejectedConnectionCount)
            #expect(metrics.resetCount == 1)
            #expect(metrics.totalCount == 1)
        }
    }
}
