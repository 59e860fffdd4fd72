import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// The ejector's detection of idle connections (reference §2.4, §5.3): idle ≥ keepAliveTime → ClientDetectionRequest;
/// success keeps the connection, silence or failure for detectionTimeout unregisters it. Driven by a manual clock.
@Suite struct EjectionTests {
    @Test(arguments: TransportKind.allCases)
    func idleConnectionThatAnswersStays(_ kind: TransportKind) async throws {
        let clock = NacosManualClock()
        try await withServer(kind, clock: clock) { harness in
            let listener = RecordingListener(name: "L")
            harness.manager.addListener(listener)
            let (peer, id) = try await harness.setUpPeer()
            clock.advance(by: harness.manager.configuration.keepAliveTime)
            let eject = Task { await harness.manager.ejectOnce() }
            let (payload, probe) = try await peer.waitForPush(ClientDetectionRequest.self)
            #expect(payload.callId == 0 && probe.requestId != nil)
            try peer.answer(payload, with: ClientDetectionResponse())
            await eject.value
            #expect(harness.manager.isRegistered(id))
            #expect(harness.manager.ejectedConnectionCount == 0)
            #expect(listener.disconnected.isEmpty)
            #expect(harness.manager.connection(id)?.meta.lastActiveTime == clock.nowMillis())
            #expect(!peer.isClosed)

            // Refreshed: the next pass does not probe it again.
            await harness.manager.ejectOnce()
            _ = try await peer.call(HealthCheckRequest(), callId: 2, as: HealthCheckResponse.self)
            #expect(peer.pushes(ClientDetectionRequest.self).count == 1)
        }
    }

    @Test(arguments: TransportKind.allCases)
    func silentIdleConnectionIsEjectedAfterTheDetectionTimeout(_ kind: TransportKind) async throws {
        let clock = NacosManualClock()
        try await withServer(kind, clock: clock) { harness in
            let listener = RecordingListener(name: "L")
            harness.manager.addListener(listener)
            let (silent, silentId) = try await harness.setUpPeer()
            clock.advance(by: .seconds(15))
            // Active 15 s later: not idle when the ejector runs at 20 s.
            let (busy, busyId) = try await harness.setUpPeer()
            clock.advance(by: .seconds(5))

            let eject = Task { await harness.manager.ejectOnce() }
            try await silent.waitForPush(ClientDetectionRequest.self)
            try await waitUntil("the detection timer") { clock.pendingTimerCount > 0 }
            #expect(harness.manager.isRegistered(silentId))
            clock.advance(by: .milliseconds(4_999))
            #expect(harness.manager.isRegistered(silentId))
            clock.advance(by: .milliseconds(1))
            await eject.value

            #expect(!harness.manager.isRegistered(silentId))
            try await waitUntil("the disconnect event") { listener.disconnected == [silentId] }
            #expect(harness.manager.ejectedConnectionCount == 1)
            try await silent.waitForClose()
            try await harness.logs.waitForMessage(containing: "ejecting connection \(silentId)")

            #expect(harness.manager.isRegistered(busyId))
            #expect(busy.pushes(ClientDetectionRequest.self).isEmpty)
            #expect(!busy.isClosed)
        }
    }

    @Test func idleConnectionAnsweringWithAFailureIsEjected() async throws {
        let clock = NacosManualClock()
        try await withServer(.inMemory, clock: clock) { harness in
            let (peer, id) = try await harness.setUpPeer()
            clock.advance(by: .seconds(20))
            let eject = Task { await harness.manager.ejectOnce() }
            let (payload, _) = try await peer.waitForPush(ClientDetectionRequest.self)
            try peer.answer(payload, with: ErrorResponse.build(code: .clientError, message: "Handle server request error"))
            await eject.value
            #expect(!harness.manager.isRegistered(id))
            #expect(harness.manager.ejectedConnectionCount == 1)
            try await peer.waitForClose()
        }
    }

    @Test func idleConnectionsAreProbedConcurrently() async throws {
        let clock = NacosManualClock()
        try await withServer(.inMemory, clock: clock) { harness in
            let (answering, answeringId) = try await harness.setUpPeer()
            let (silent, silentId) = try await harness.setUpPeer()
            clock.advance(by: .seconds(20))
            let eject = Task { await harness.manager.ejectOnce() }
            // Both probes are out before either answer or timeout.
            let (payload, _) = try await answering.waitForPush(ClientDetectionRequest.self)
            try await silent.waitForPush(ClientDetectionRequest.self)
            try await waitUntil("both detection timers") { clock.pendingTimerCount == 2 }
            try answering.answer(payload, with: ClientDetectionResponse())
            // The answer cancels its timer; only the silent connection's remains.
            try await waitUntil("the answer to arrive") { clock.pendingTimerCount == 1 }
            clock.advance(by: .seconds(5))
            await eject.value
            #expect(harness.manager.isRegistered(answeringId))
            #expect(!harness.manager.isRegistered(silentId))
            #expect(harness.manager.ejectedConnectionCount == 1)
        }
    }

    @Test func startRunsTheEjectorOnTheClock() async throws {
        let clock = NacosManualClock()
        try await withServer(.inMemory, clock: clock) { harness in
            let listener = RecordingListener(name: "L")
            harness.manager.addListener(listener)
            let (peer, id) = try await harness.setUpPeer()
            clock.advance(by: .seconds(20))
            harness.manager.start()
            try await waitUntil("the ejector's first sleep") { clock.pendingTimerCount > 0 }
            clock.advance(by: harness.manager.configuration.ejectorInitialDelay)
            try await peer.waitForPush(ClientDetectionRequest.self)
            // The detection timer joins the ejector's own (none yet: it sleeps after the pass).
            try await waitUntil("the detection timer") { clock.pendingTimerCount > 0 }
            clock.advance(by: harness.manager.configuration.detectionTimeout)
            try await waitUntil("the ejection") { !harness.manager.isRegistered(id) }
            try await waitUntil("the disconnect event") { listener.disconnected == [id] }
            #expect(harness.manager.ejectedConnectionCount == 1)
            try await peer.waitForClose()
        }
    }
}
