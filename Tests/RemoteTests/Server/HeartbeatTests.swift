import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// The optional server heartbeat: a connection idle for one heartbeat gets a HealthCheckRequest push, one
/// that sent nothing for three heartbeats is closed. Driven by a manual clock.
@Suite struct HeartbeatTests {
    static func withHeartbeatServer(_ kind: TransportKind, clock: NacosManualClock, _ body: (ServerHarness) async throws -> Void) async throws {
        try await withServer(kind, clock: clock, configure: { $0.heartbeat = .seconds(60) }, body)
    }

    @Test(arguments: TransportKind.allCases)
    func silentConnectionIsPingedThenClosedAfterThreeHeartbeats(_ kind: TransportKind) async throws {
        let clock = NacosManualClock()
        try await Self.withHeartbeatServer(kind, clock: clock) { harness in
            let listener = RecordingListener(name: "L")
            harness.manager.addListener(listener)
            let (peer, id) = try await harness.setUpPeer()
            let bare = try await harness.connect()
            try await waitUntil("both heartbeat timers") { clock.pendingTimerCount == 2 }

            clock.advance(by: .seconds(59))
            #expect(peer.pushes(HealthCheckRequest.self).isEmpty)
            clock.advance(by: .seconds(1))
            let (payload, ping) = try await peer.waitForPush(HealthCheckRequest.self)
            #expect(payload.callId == 0)
            #expect(ping.requestId != nil)
            try await waitUntil("the next heartbeat timers") { clock.pendingTimerCount == 2 }

            clock.advance(by: .seconds(60))
            try await peer.waitForPush(HealthCheckRequest.self, count: 2)
            try await waitUntil("the next heartbeat timers") { clock.pendingTimerCount == 2 }
            #expect(!peer.isClosed && !bare.isClosed)
            #expect(harness.manager.isRegistered(id))

            // 180 s without a frame from the peer: closed, unregistered, and no more timers.
            clock.advance(by: .seconds(60))
            try await peer.waitForClose()
            try await bare.waitForClose()
            try await waitUntil("unregistration") { !harness.manager.isRegistered(id) }
            try await waitUntil("the disconnect event") { listener.disconnected == [id] }
            #expect(peer.pushes(HealthCheckRequest.self).count == 2)
            try await waitUntil("the server to drop both connections") { harness.server.openConnectionCount == 0 }
            #expect(clock.pendingTimerCount == 0)
            try await harness.logs.waitForMessage(containing: "nothing received for 180000 ms")
        }
    }

    @Test(arguments: TransportKind.allCases)
    func trafficFromThePeerPostponesPingsAndClose(_ kind: TransportKind) async throws {
        let clock = NacosManualClock()
        try await Self.withHeartbeatServer(kind, clock: clock) { harness in
            let (peer, id) = try await harness.setUpPeer()
            try await waitUntil("the heartbeat timer") { clock.pendingTimerCount == 1 }

            // Active 30 s in: at 60 s the connection has been idle for only 30 s, so no ping.
            clock.advance(by: .seconds(30))
            _ = try await peer.call(HealthCheckRequest(), callId: 2, as: HealthCheckResponse.self)
            clock.advance(by: .seconds(30))
            try await waitUntil("the rescheduled heartbeat timer") { clock.pendingTimerCount == 1 }
            // At 120 s it has been idle 90 s: pinged.
            clock.advance(by: .seconds(60))
            let (payload, _) = try await peer.waitForPush(HealthCheckRequest.self)
            try await waitUntil("the rescheduled heartbeat timer") { clock.pendingTimerCount == 1 }
            // Answering the ping counts as traffic: at 180 s (idle 60 s since the answer) pinged, not closed.
            try peer.answer(payload, with: HealthCheckResponse())
            _ = try await peer.call(HealthCheckRequest(), callId: 3, as: HealthCheckResponse.self)
            clock.advance(by: .seconds(60))
            try await peer.waitForPush(HealthCheckRequest.self, count: 2)
            try await waitUntil("the rescheduled heartbeat timer") { clock.pendingTimerCount == 1 }
            #expect(!peer.isClosed)
            // 240 s: idle 120 s; 300 s: idle 180 s → closed.
            clock.advance(by: .seconds(60))
            try await peer.waitForPush(HealthCheckRequest.self, count: 3)
            try await waitUntil("the rescheduled heartbeat timer") { clock.pendingTimerCount == 1 }
            #expect(!peer.isClosed)
            clock.advance(by: .seconds(60))
            try await peer.waitForClose()
            try await waitUntil("unregistration") { !harness.manager.isRegistered(id) }
        }
    }

    @Test func noHeartbeatByDefault() async throws {
        let clock = NacosManualClock()
        try await withServer(.inMemory, clock: clock) { harness in
            #expect(harness.server.configuration.heartbeat == nil)
            let (peer, id) = try await harness.setUpPeer()
            #expect(clock.pendingTimerCount == 0)
            clock.advance(by: .seconds(600))
            _ = try await peer.call(HealthCheckRequest(), callId: 2, as: HealthCheckResponse.self)
            #expect(peer.pushes(HealthCheckRequest.self).isEmpty)
            #expect(harness.manager.isRegistered(id))
        }
    }
}
