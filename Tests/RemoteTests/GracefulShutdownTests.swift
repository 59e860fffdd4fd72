import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// `NacosRpcServer.shutdown(gracePeriod:)`: no new connections, new requests refused with 300, requests in
/// flight answered before the connections close, and the wait bounded by the grace period.
@Suite struct GracefulShutdownTests {
    @Test(arguments: TransportKind.allCases)
    func requestInFlightIsAnsweredAfterShutdownBegins(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let (peer, connectionId) = try await harness.setUpPeer()
            let address = harness.address
            let slowCallId = peer.makeCallId()
            try peer.send(TestSlowRequest(), callId: slowCallId)
            try await waitUntil("the slow handler to start") { harness.probe.gate.entered == 1 }

            let shutdown = Task { await harness.server.shutdown(gracePeriod: .seconds(30)) }
            try await waitUntil("shutdown to begin") { harness.server.status == .stopping }

            // New requests on the open connection are refused; the connection stays registered meanwhile.
            let refused = try await peer.callExpectingError(TestEchoRequest(text: "late"))
            #expect(refused.errorCode == 300)
            #expect(refused.resultCode == 500)
            #expect(refused.message == "Server is shutting down,please try later.")
            #expect(try await peer.callExpectingError(ServerCheckRequest()).errorCode == 300)
            #expect(harness.probe.callCount(TestEchoRequest.typeName) == 0)
            #expect(harness.manager.isRegistered(connectionId))
            #expect(!peer.isClosed)
            // Nothing listens any more.
            await #expect(throws: (any Error).self) {
                let late = try await RawRpcPeer.connect(harness.transport, to: address)
                late.close()
            }
            #expect(harness.server.inFlightRequestCount == 1)
            #expect(harness.server.status == .stopping)

            // The slow handler's answer still arrives, then everything closes.
            harness.probe.gate.open()
            let response = try await peer.waitForResponse(callId: slowCallId).decodeResponse(as: TestEchoResponse.self)
            #expect(response.success && response.text == "slow")
            await shutdown.value
            #expect(harness.server.status == .stopped)
            #expect(harness.server.openConnectionCount == 0)
            #expect(!harness.manager.isRegistered(connectionId))
            try await peer.waitForClose()

            let metrics = harness.server.requestMetrics
            #expect(metrics.count(of: TestSlowRequest.typeName, result: .success) == 1)
            #expect(metrics.count(of: TestEchoRequest.typeName, result: .failure(errorCode: 300)) == 1)
            #expect(metrics.inFlightCount == 0)
        }
    }

    @Test func shutdownWaitsForTheGracePeriodAtMostWhenAHandlerHangs() async throws {
        let clock = NacosManualClock()
        try await withServer(.inMemory, clock: clock) { harness in
            let (peer, _) = try await harness.setUpPeer()
            let slowCallId = peer.makeCallId()
            try peer.send(TestSlowRequest(), callId: slowCallId)
            try await waitUntil("the slow handler to start") { harness.probe.gate.entered == 1 }

            let shutdown = Task { await harness.server.shutdown(gracePeriod: .seconds(5)) }
            try await waitUntil("the grace timer") { clock.pendingTimerCount == 1 }
            clock.advance(by: .milliseconds(4_999))
            #expect(harness.server.status == .stopping)
            clock.advance(by: .milliseconds(1))
            await shutdown.value

            #expect(harness.server.status == .stopped)
            try await peer.waitForClose()
            #expect(peer.response(callId: slowCallId) == nil)
            try await harness.logs.waitForMessage(containing: "with 1 request(s) still unanswered")
            // The handler finishing later is harmless: its response is dropped and the count settles.
            harness.probe.gate.open()
            try await waitUntil("the late handler to finish") { harness.server.inFlightRequestCount == 0 }
            #expect(peer.response(callId: slowCallId) == nil)
        }
    }

    @Test func shutdownReturnsWithinTheBoundOnTheSystemClock() async throws {
        try await withServer(.tcp) { harness in
            let (peer, _) = try await harness.setUpPeer()
            try peer.send(TestSlowRequest(), callId: peer.makeCallId())
            try await waitUntil("the slow handler to start") { harness.probe.gate.entered == 1 }
            let clock = ContinuousClock()
            let started = clock.now
            await harness.server.shutdown(gracePeriod: .milliseconds(100))
            let elapsed = started.duration(to: clock.now)
            #expect(elapsed >= .milliseconds(50))
            #expect(elapsed < .seconds(5))
            #expect(harness.server.status == .stopped)
            try await peer.waitForClose()
            harness.probe.gate.open()
        }
    }

    @Test func shutdownWithNothingInFlightDoesNotWait() async throws {
        let clock = NacosManualClock()
        try await withServer(.inMemory, clock: clock) { harness in
            let (peer, _) = try await harness.setUpPeer()
            _ = try await peer.call(TestEchoRequest(text: "done"), as: TestEchoResponse.self)
            try await waitUntil("the echo recorded") { harness.server.inFlightRequestCount == 0 }
            // The manual clock never moves: returning proves no grace timer was waited for.
            await harness.server.shutdown(gracePeriod: .seconds(60))
            #expect(harness.server.status == .stopped)
            try await peer.waitForClose()
        }
    }

    @Test func aSecondShutdownWithoutGraceCutsTheWaitShort() async throws {
        let clock = NacosManualClock()
        try await withServer(.inMemory, clock: clock) { harness in
            let (peer, _) = try await harness.setUpPeer()
            try peer.send(TestSlowRequest(), callId: peer.makeCallId())
            try await waitUntil("the slow handler to start") { harness.probe.gate.entered == 1 }
            let graceful = Task { await harness.server.shutdown(gracePeriod: .seconds(60)) }
            try await waitUntil("the grace timer") { clock.pendingTimerCount == 1 }
            await harness.server.shutdown()
            await graceful.value
            #expect(harness.server.status == .stopped)
            try await peer.waitForClose()
            harness.probe.gate.open()
        }
    }

    @Test func cancellingTheShutdownTaskEndsTheWait() async throws {
        let clock = NacosManualClock()
        try await withServer(.inMemory, clock: clock) { harness in
            let (peer, _) = try await harness.setUpPeer()
            try peer.send(TestSlowRequest(), callId: peer.makeCallId())
            try await waitUntil("the slow handler to start") { harness.probe.gate.entered == 1 }
            let graceful = Task { await harness.server.shutdown(gracePeriod: .seconds(60)) }
            try await waitUntil("the grace timer") { clock.pendingTimerCount == 1 }
            graceful.cancel()
            await graceful.value
            #expect(harness.server.status == .stopped)
            try await peer.waitForClose()
            harness.probe.gate.open()
        }
    }

    @Test func setUpsDuringShutdownAreRefused() async throws {
        try await withServer(.inMemory) { harness in
            let (busy, _) = try await harness.setUpPeer()
            // Connected before shutdown, set up after it began.
            let sdk = try await harness.connect()
            _ = try await sdk.serverCheck()
            let member = try await harness.connect()
            _ = try await member.serverCheck()
            try busy.send(TestSlowRequest(), callId: busy.makeCallId())
            try await waitUntil("the slow handler to start") { harness.probe.gate.entered == 1 }
            let shutdown = Task { await harness.server.shutdown(gracePeriod: .seconds(30)) }
            try await waitUntil("shutdown to begin") { harness.server.status == .stopping }

            // An SDK client is told to reconnect elsewhere; a cluster member is just closed.
            try sdk.sendSetup()
            try await sdk.waitForPush(ConnectResetRequest.self)
            try await sdk.waitForClose()
            try member.sendSetup(labels: RawRpcPeer.clusterLabels)
            try await member.waitForClose()
            #expect(member.received.filter { $0.kind == .request }.isEmpty)
            #expect(harness.manager.connectionCount == 1)
            #expect(harness.manager.connectionMetrics.resetCount == 1)

            harness.probe.gate.open()
            await shutdown.value
            #expect(harness.manager.connectionCount == 0)
        }
    }
}
