import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// ConnectionSetupRequest, SetupAck, and server pushes answered on the same connection (reference §2.2,
/// §2.3; §9 scenario 2, `GrpcBiStreamRequestAcceptorTest`), over every transport.
@Suite struct ServerHandshakeTests {
    static let kinds = TransportKind.allCases

    @Test(arguments: kinds)
    func connectionSetupGetsNoResponseAndRegisters(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let listener = RecordingListener(name: "L")
            harness.manager.addListener(listener)
            let peer = try await harness.connect(clientIp: "10.9.8.7")
            let connectionId = try await peer.handshake(tenant: "ns-1")
            try await waitUntil("registration") { harness.manager.isRegistered(connectionId) }
            // Frames are delivered in order and the set-up runs on the connection's loop: anything the
            // server sent for the set-up arrives before the response to the next call.
            _ = try await peer.call(HealthCheckRequest(), callId: 2, as: HealthCheckResponse.self)
            #expect(peer.received.map(\.type) == ["ServerCheckResponse", "HealthCheckResponse"])
            #expect(peer.pushes(SetupAckRequest.self).isEmpty)
            #expect(peer.undecodableFrameCount == 0)
            #expect(listener.connected == [connectionId])

            let connection = try #require(harness.manager.connection(connectionId))
            #expect(connection.connectionId == connectionId)
            #expect(connection.isConnected)
            let meta = connection.meta
            #expect(meta.connectionId == connectionId)
            #expect(meta.clientIp == "10.9.8.7")
            #expect(meta.labels == RawRpcPeer.sdkLabels)
            #expect(meta.appName == "app")
            #expect(meta.version == "Nacos-Swift-Test:v1")
            #expect(meta.tenant == "ns-1")
            #expect(meta.abilityTable == nil)
            #expect(meta.isSdkSource && !meta.isClusterSource)
            #expect(meta.connectType == "NATIVE")
            #expect(!meta.tlsProtected)
            #expect(meta.lastActiveTime >= meta.createTime)
            if kind == .tcp {
                #expect(meta.remoteIp == "127.0.0.1")
                #expect(meta.remotePort == peer.connection.localAddress?.port)
                #expect(meta.localPort == harness.address.port)
            }
        }
    }

    @Test(arguments: kinds)
    func abilityTableGetsSetupAckPush(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let (peer, connectionId) = try await harness.setUpPeer(abilityTable: ["supportPersistentInstanceByGrpc": false, "x": true])
            let (payload, ack) = try await peer.waitForPush(SetupAckRequest.self)
            #expect(payload.callId == 0)
            #expect(payload.kind == .request)
            #expect(ack.abilityTable == ["supportPersistentInstanceByGrpc": true])
            #expect(ack.requestId.flatMap { Int64($0) } != nil)
            #expect(harness.manager.connection(connectionId)?.meta.abilityTable == ["supportPersistentInstanceByGrpc": false, "x": true])

            // An empty ability table (2.3+ SDKs may send `{}`) is still a table: SetupAck follows.
            let (other, _) = try await harness.setUpPeer(abilityTable: [:])
            let (_, otherAck) = try await other.waitForPush(SetupAckRequest.self)
            #expect(otherAck.abilityTable == ["supportPersistentInstanceByGrpc": true])
            // Only one SetupAck per connection; the client does not answer it.
            _ = try await peer.call(HealthCheckRequest(), callId: 2, as: HealthCheckResponse.self)
            #expect(peer.pushes(SetupAckRequest.self).count == 1)
        }
    }

    @Test(arguments: kinds)
    func serverAbilitiesComeFromTheConfiguration(_ kind: TransportKind) async throws {
        try await withServer(kind, configure: { $0.serverAbilities = ["supportPersistentInstanceByGrpc": false] }) { harness in
            let (peer, _) = try await harness.setUpPeer(abilityTable: [:])
            let (_, ack) = try await peer.waitForPush(SetupAckRequest.self)
            #expect(ack.abilityTable == ["supportPersistentInstanceByGrpc": false])
        }
    }

    @Test(arguments: kinds)
    func repeatedSetupIsIgnored(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let listener = RecordingListener(name: "L")
            harness.manager.addListener(listener)
            let (peer, connectionId) = try await harness.setUpPeer()
            try peer.sendSetup(labels: ["source": "sdk", "module": "config", "AppName": "other"], abilityTable: [:])
            _ = try await peer.call(HealthCheckRequest(), callId: 2, as: HealthCheckResponse.self)
            #expect(harness.manager.connectionCount == 1)
            #expect(harness.manager.connection(connectionId)?.meta.labels == RawRpcPeer.sdkLabels)
            #expect(listener.connected == [connectionId])
            #expect(peer.pushes(SetupAckRequest.self).isEmpty)
        }
    }

    @Test(arguments: kinds)
    func sdkSetupWhileStartingIsResetAndClosed(_ kind: TransportKind) async throws {
        try await withServer(kind, startMode: .boundOnly) { harness in
            let listener = RecordingListener(name: "L")
            harness.manager.addListener(listener)
            let peer = try await harness.connect()
            try peer.sendSetup(abilityTable: [:])
            let (payload, reset) = try await peer.waitForPush(ConnectResetRequest.self)
            #expect(payload.callId == 0)
            #expect(reset.requestId != nil)
            #expect(reset.serverIp == nil && reset.serverPort == nil)
            let resetConnectionId = try #require(reset.connectionId)
            try await peer.waitForClose()
            #expect(!harness.manager.isRegistered(resetConnectionId))
            #expect(harness.manager.connectionCount == 0)
            #expect(listener.events.isEmpty)
            #expect(peer.pushes(SetupAckRequest.self).isEmpty)
            try await waitUntil("the server to forget the connection") { harness.server.openConnectionCount == 0 }
        }
    }

    @Test(arguments: kinds)
    func clusterSetupWhileStartingIsRegisteredButServedOnlyOnceStarted(_ kind: TransportKind) async throws {
        try await withServer(kind, kind: .cluster, startMode: .boundOnly) { harness in
            let peer = try await harness.connect()
            try peer.sendSetup(labels: RawRpcPeer.clusterLabels)
            try await waitUntil("registration of the cluster connection") { harness.manager.connectionCount == 1 }
            #expect(peer.pushes(ConnectResetRequest.self).isEmpty)
            let starting = try await peer.callExpectingError(HealthCheckRequest(), callId: 2)
            #expect(starting.errorCode == 300)
            harness.server.markStarted()
            let health = try await peer.call(HealthCheckRequest(), callId: 3, as: HealthCheckResponse.self)
            #expect(health.success)
            #expect(!peer.isClosed)
        }
    }

    @Test(arguments: kinds)
    func serverPushIsAnsweredByRequestId(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let (peer, connectionId) = try await harness.setUpPeer()
            let connection = try #require(harness.manager.connection(connectionId))
            let push = Task { try await connection.request(ClientDetectionRequest(), timeout: .seconds(5)) }
            let (payload, probe) = try await peer.waitForPush(ClientDetectionRequest.self)
            #expect(payload.callId == 0)
            #expect(payload.clientIp.isEmpty)
            let requestId = try #require(probe.requestId)
            #expect(Int64(requestId) != nil)
            var answer = ClientDetectionResponse()
            answer.message = "pong"
            try peer.answer(payload, with: answer)
            let response = try await push.value
            #expect(response is ClientDetectionResponse)
            #expect(response.success)
            #expect(response.requestId == requestId)
            #expect(response.message == "pong")

            // Each push gets a fresh request id.
            let second = Task { try await connection.request(ClientDetectionRequest(), timeout: .seconds(5)) }
            let (secondPayload, secondProbe) = try await peer.waitForPush(ClientDetectionRequest.self, count: 2)
            #expect(secondProbe.requestId != requestId)
            try peer.answer(secondPayload, with: ClientDetectionResponse())
            #expect(try await second.value.success)
        }
    }

    @Test(arguments: kinds)
    func concurrentPushesAnsweredInReverseOrderBothComplete(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let (peer, connectionId) = try await harness.setUpPeer()
            let connection = try #require(harness.manager.connection(connectionId))
            let first = Task { try await connection.request(ConnectResetRequest(serverIp: "first"), timeout: .seconds(5)) }
            let second = Task { try await connection.request(ConnectResetRequest(serverIp: "second"), timeout: .seconds(5)) }
            try await waitUntil("both pushes") { peer.pushes(ConnectResetRequest.self).count == 2 }
            let pushes = peer.pushes(ConnectResetRequest.self)
            // Answer the later one first; each answer names the push it answers.
            for payload in pushes.reversed() {
                let request = try payload.decodeRequest(as: ConnectResetRequest.self)
                var answer = ConnectResetResponse()
                answer.message = request.serverIp
                try peer.answer(payload, with: answer)
            }
            let firstResponse = try await first.value
            let secondResponse = try await second.value
            #expect(firstResponse.message == "first")
            #expect(secondResponse.message == "second")
            #expect(firstResponse.requestId != secondResponse.requestId)
        }
    }

    @Test(arguments: kinds)
    func pushFailsWithConnectionClosedWhenThePeerDisconnects(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let listener = RecordingListener(name: "L")
            harness.manager.addListener(listener)
            let (peer, connectionId) = try await harness.setUpPeer()
            let connection = try #require(harness.manager.connection(connectionId))
            let push = Task { try await connection.request(ClientDetectionRequest(), timeout: .seconds(30)) }
            try await peer.waitForPush(ClientDetectionRequest.self)
            peer.close()
            let error = await #expect(throws: NacosRemoteError.self) { try await push.value }
            #expect(error?.code == .connectionClosed)
            try await waitUntil("unregistration") { !harness.manager.isRegistered(connectionId) }
            try await waitUntil("the disconnect event") { listener.disconnected == [connectionId] }
            #expect(!connection.isConnected)
            // A push on the closed connection fails at once.
            let late = await #expect(throws: NacosRemoteError.self) {
                try await connection.request(ClientDetectionRequest(), timeout: .seconds(30))
            }
            #expect(late?.code == .connectionClosed)
            #expect(throws: NacosRemoteError.self) { try connection.requestWithoutAck(ClientDetectionRequest()) }
        }
    }

    @Test(arguments: kinds)
    func pushTimesOutOnTheServersClock(_ kind: TransportKind) async throws {
        let clock = NacosManualClock()
        try await withServer(kind, clock: clock) { harness in
            let (peer, connectionId) = try await harness.setUpPeer()
            let connection = try #require(harness.manager.connection(connectionId))
            let push = Task { try await connection.request(ClientDetectionRequest(), timeout: .seconds(5)) }
            let (payload, _) = try await peer.waitForPush(ClientDetectionRequest.self)
            try await waitUntil("the push timer") { clock.pendingTimerCount > 0 }
            clock.advance(by: .seconds(5))
            let error = await #expect(throws: NacosRemoteError.self) { try await push.value }
            #expect(error?.code == .timeout)
            // A late answer is dropped; the connection stays usable.
            try peer.answer(payload, with: ClientDetectionResponse())
            let health = try await peer.call(HealthCheckRequest(), callId: 2, as: HealthCheckResponse.self)
            #expect(health.success)
            #expect(harness.manager.isRegistered(connectionId))
        }
    }

    @Test(arguments: kinds)
    func requestWithoutAckSendsAPushWithARequestId(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let (peer, connectionId) = try await harness.setUpPeer()
            let connection = try #require(harness.manager.connection(connectionId))
            try connection.requestWithoutAck(ClientDetectionRequest())
            var withId = ConnectResetRequest(serverIp: "10.0.0.1")
            withId.requestId = "custom-7"
            try connection.requestWithoutAck(withId)
            let (payload, detection) = try await peer.waitForPush(ClientDetectionRequest.self)
            #expect(payload.callId == 0)
            #expect(detection.requestId.flatMap { Int64($0) } != nil)
            let (_, reset) = try await peer.waitForPush(ConnectResetRequest.self)
            #expect(reset.requestId == "custom-7")
            #expect(reset.serverIp == "10.0.0.1")
            // An answer nobody waits for is dropped without harm.
            try peer.answer(payload, with: ClientDetectionResponse())
            let health = try await peer.call(HealthCheckRequest(), callId: 2, as: HealthCheckResponse.self)
            #expect(health.success)
        }
    }
}
