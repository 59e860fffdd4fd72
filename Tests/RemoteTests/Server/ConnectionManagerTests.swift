import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// The registry of live connections, its listeners and the loader's resets (reference §2.4, §5.1;
/// §9 scenario 3, `ConnectionManagerTest`).
@Suite struct ConnectionManagerTests {
    static let kinds = TransportKind.allCases

    @Test(arguments: kinds)
    func queriesAfterSetUp(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let manager = harness.manager
            let (_, naming1) = try await harness.setUpPeer(clientIp: "1.1.1.1")
            let (_, naming2) = try await harness.setUpPeer(clientIp: "1.1.1.1")
            let (_, config) = try await harness.setUpPeer(
                clientIp: "2.2.2.2", labels: ["source": "sdk", "module": "config", "AppName": "cfg"]
            )
            let (_, peer) = try await harness.setUpPeer(clientIp: "3.3.3.3", labels: ["source": "cluster"])

            for id in [naming1, naming2, config, peer] {
                #expect(manager.isRegistered(id))
                #expect(manager.connection(id)?.connectionId == id)
            }
            #expect(!manager.isRegistered("nope"))
            #expect(manager.connection("nope") == nil)
            #expect(manager.connectionCount == 4)
            #expect(Set(manager.currentConnections.keys) == [naming1, naming2, config, peer])
            #expect(manager.sdkConnectionCount == 3)
            #expect(Set(manager.connections(forClientIp: "1.1.1.1").map(\.connectionId)) == [naming1, naming2])
            #expect(manager.connections(forClientIp: "9.9.9.9").isEmpty)
            #expect(manager.connectionCount(forClientIp: "1.1.1.1") == 2)
            #expect(manager.connectionCount(forClientIp: "3.3.3.3") == 1)
            #expect(manager.connectionCount(forClientIp: "9.9.9.9") == 0)
            #expect(manager.connectionCount(matchingLabels: ["module": "naming"]) == 2)
            #expect(manager.connectionCount(matchingLabels: ["source": "sdk"]) == 3)
            #expect(manager.connectionCount(matchingLabels: ["source": "sdk", "module": "config"]) == 1)
            #expect(manager.connectionCount(matchingLabels: ["source": "cluster"]) == 1)
            #expect(manager.connectionCount(matchingLabels: [:]) == 4)
            #expect(manager.connectionCount(matchingLabels: ["module": "nope"]) == 0)
            #expect(manager.connection(peer)?.meta.isClusterSource == true)
            #expect(manager.connection(config)?.meta.appName == "cfg")
        }
    }

    @Test func registerAndUnregisterAreIdempotent() async throws {
        try await withServer(.inMemory) { harness in
            let manager = harness.manager
            let listener = RecordingListener(name: "L")
            manager.addListener(listener)
            let (peer, id) = try await harness.setUpPeer(clientIp: "1.1.1.1")
            let connection = try #require(manager.connection(id))
            // Listeners run after the registration is visible, outside the manager's lock.
            try await waitUntil("the connect event") { listener.events == ["+" + id] }

            try manager.register(connection)
            try manager.register(connection)
            #expect(manager.connectionCount == 1)
            #expect(manager.connectionCount(forClientIp: "1.1.1.1") == 1)
            #expect(manager.sdkConnectionCount == 1)
            #expect(listener.events == ["+" + id])

            manager.unregister(id)
            manager.unregister(id)
            manager.unregister("unknown")
            #expect(!manager.isRegistered(id))
            #expect(manager.connectionCount == 0)
            #expect(manager.sdkConnectionCount == 0)
            #expect(manager.connectionCount(forClientIp: "1.1.1.1") == 0)
            // Unregistering closes the connection; the server's close handling unregisters again, harmlessly.
            try await peer.waitForClose()
            try await waitUntil("the server to drop the transport connection") { harness.server.openConnectionCount == 0 }
            #expect(listener.events == ["+" + id, "-" + id])
            #expect(!connection.isConnected)
        }
    }

    /// Nacos's `ConnectionManager.register` returns false for a connection that is no longer connected.
    @Test
    func registeringAClosedConnectionIsRefused() async throws {
        try await withServer(.inMemory) { harness in
            let listener = RecordingListener(name: "L")
            harness.manager.addListener(listener)
            let (peer, id) = try await harness.setUpPeer()
            let connection = try #require(harness.manager.connection(id))
            harness.manager.unregister(id)
            try await peer.waitForClose()
            try await waitUntil("the server to drop the transport connection") { harness.server.openConnectionCount == 0 }
            #expect(!connection.isConnected)
            try? harness.manager.register(connection)
            #expect(!harness.manager.isRegistered(id))
            #expect(harness.manager.connectionCount == 0)
            #expect(listener.connected == [id])
        }
    }

    @Test func listenersRunInOrderAndAThrowingOneDoesNotStopTheNext() async throws {
        try await withServer(.inMemory) { harness in
            let shared = SharedEventLog()
            let a = RecordingListener(name: "A", shared: shared.append)
            let b = RecordingListener(name: "B", throwing: true, shared: shared.append)
            let c = RecordingListener(name: "C", shared: shared.append)
            harness.manager.addListener(a)
            harness.manager.addListener(b)
            harness.manager.addListener(c)
            let (_, id) = try await harness.setUpPeer()
            try await waitUntil("the connect events") { shared.events.count == 3 }
            #expect(shared.events == ["A+\(id)", "B+\(id)", "C+\(id)"])
            try await harness.logs.waitForMessage(containing: "listener B failed on connect of \(id)")
            harness.manager.unregister(id)
            #expect(shared.events == ["A+\(id)", "B+\(id)", "C+\(id)", "A-\(id)", "B-\(id)", "C-\(id)"])
            try await harness.logs.waitForMessage(containing: "listener B failed on disconnect of \(id)")
        }
    }

    @Test(arguments: kinds)
    func transportCloseUnregistersAtOnce(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let listener = RecordingListener(name: "L")
            harness.manager.addListener(listener)
            let (peer, id) = try await harness.setUpPeer(clientIp: "1.1.1.1")
            let (_, other) = try await harness.setUpPeer(clientIp: "1.1.1.1")
            peer.close()
            try await waitUntil("unregistration after the transport closed") { !harness.manager.isRegistered(id) }
            try await waitUntil("the disconnect event") { listener.disconnected == [id] }
            #expect(harness.manager.isRegistered(other))
            #expect(harness.manager.connectionCount(forClientIp: "1.1.1.1") == 1)
            #expect(harness.manager.sdkConnectionCount == 1)
            try await waitUntil("the server to drop the transport connection") { harness.server.openConnectionCount == 1 }
        }
    }

    @Test(arguments: kinds)
    func loadSingleSendsConnectResetWithTheRedirectAddress(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let (peer, id) = try await harness.setUpPeer()
            let reset = Task { await harness.manager.loadSingle(id, redirectAddress: "10.0.0.9:8848") }
            let (payload, request) = try await peer.waitForPush(ConnectResetRequest.self)
            #expect(payload.callId == 0)
            #expect(request.serverIp == "10.0.0.9")
            #expect(request.serverPort == "8848")
            #expect(request.connectionId == id)
            #expect(request.requestId != nil)
            try peer.answer(payload, with: ConnectResetResponse())
            #expect(await reset.value)
            // The client reconnects by itself; the server keeps the connection until it closes.
            #expect(harness.manager.isRegistered(id))

            // Without a colon the target is left to the client (next server in its list).
            let blank = Task { await harness.manager.loadSingle(id, redirectAddress: "nowhere") }
            let (secondPayload, second) = try await peer.waitForPush(ConnectResetRequest.self, count: 2)
            #expect(second.serverIp == nil && second.serverPort == nil)
            #expect(second.connectionId == id)
            var failure = ConnectResetResponse()
            failure.setErrorInfo(.serverError, message: "no")
            try peer.answer(secondPayload, with: failure)
            #expect(await blank.value == false)
        }
    }

    @Test func loadSingleIgnoresClusterAndUnknownConnections() async throws {
        try await withServer(.inMemory) { harness in
            let (peer, clusterId) = try await harness.setUpPeer(labels: RawRpcPeer.clusterLabels)
            #expect(await harness.manager.loadSingle(clusterId, redirectAddress: "10.0.0.9:8848") == false)
            #expect(await harness.manager.loadSingle("unknown", redirectAddress: nil) == false)
            _ = try await peer.call(HealthCheckRequest(), callId: 2, as: HealthCheckResponse.self)
            #expect(peer.pushes(ConnectResetRequest.self).isEmpty)
        }
    }

    @Test func loadSingleUnregistersAClosedConnection() async throws {
        try await withServer(.inMemory) { harness in
            let listener = RecordingListener(name: "L")
            harness.manager.addListener(listener)
            let (peer, id) = try await harness.setUpPeer()
            let reset = Task { await harness.manager.loadSingle(id, redirectAddress: nil) }
            try await peer.waitForPush(ConnectResetRequest.self)
            peer.close()
            #expect(await reset.value == false)
            try await waitUntil("unregistration") { !harness.manager.isRegistered(id) }
            try await waitUntil("the disconnect event") { listener.disconnected == [id] }
        }
    }

    @Test func loadSingleGivesUpAfterTheResetTimeout() async throws {
        let clock = NacosManualClock()
        var configuration = NacosConnectionManagerConfiguration()
        configuration.resetTimeout = .seconds(3)
        try await withServer(.inMemory, clock: clock, managerConfiguration: configuration) { harness in
            let (peer, id) = try await harness.setUpPeer()
            let reset = Task { await harness.manager.loadSingle(id, redirectAddress: nil) }
            try await peer.waitForPush(ConnectResetRequest.self)
            try await waitUntil("the reset timer") { clock.pendingTimerCount > 0 }
            clock.advance(by: .seconds(3))
            #expect(await reset.value == false)
            #expect(harness.manager.isRegistered(id))
        }
    }

    @Test(arguments: kinds)
    func loadCountResetsThatManySdkConnections(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            var peers: [RawRpcPeer] = []
            for _ in 0..<3 {
                peers.append(try await harness.setUpPeer().peer)
            }
            let (clusterPeer, _) = try await harness.setUpPeer(labels: RawRpcPeer.clusterLabels)
            let load = Task { await harness.manager.loadCount(2, redirectAddress: "10.0.0.9:8848") }
            try await waitUntil("two resets") { peers.map { $0.pushes(ConnectResetRequest.self).count }.reduce(0, +) == 2 }
            for peer in peers {
                for payload in peer.pushes(ConnectResetRequest.self) {
                    let request = try payload.decodeRequest(as: ConnectResetRequest.self)
                    #expect(request.serverIp == "10.0.0.9" && request.serverPort == "8848")
                    try peer.answer(payload, with: ConnectResetResponse())
                }
            }
            #expect(await load.value == 2)
            // Exactly two of the three SDK connections were reset, each once; the cluster one never.
            #expect(peers.map { $0.pushes(ConnectResetRequest.self).count }.sorted() == [0, 1, 1])
            #expect(clusterPeer.pushes(ConnectResetRequest.self).isEmpty)
            #expect(await harness.manager.loadCount(0, redirectAddress: nil) == 0)
        }
    }

    @Test(arguments: kinds)
    func setLoadClientThenEjectOnceResetsTheExcess(_ kind: TransportKind) async throws {
        let clock = NacosManualClock()
        try await withServer(kind, clock: clock) { harness in
            var peers: [RawRpcPeer] = []
            for _ in 0..<3 {
                peers.append(try await harness.setUpPeer().peer)
            }
            harness.manager.setLoadClient(1, redirectAddress: "10.0.0.9:8848")
            let eject = Task { await harness.manager.ejectOnce() }
            try await waitUntil("two resets") { peers.map { $0.pushes(ConnectResetRequest.self).count }.reduce(0, +) == 2 }
            for peer in peers {
                for payload in peer.pushes(ConnectResetRequest.self) {
                    let request = try payload.decodeRequest(as: ConnectResetRequest.self)
                    #expect(request.serverIp == "10.0.0.9" && request.serverPort == "8848")
                    try peer.answer(payload, with: ConnectResetResponse())
                }
            }
            await eject.value
            #expect(peers.map { $0.pushes(ConnectResetRequest.self).count }.sorted() == [0, 1, 1])
            // Nobody was idle, so nobody was probed.
            #expect(peers.allSatisfy { $0.pushes(ClientDetectionRequest.self).isEmpty })
            #expect(harness.manager.ejectedConnectionCount == 0)

            // The request is used once: the next pass resets nobody.
            await harness.manager.ejectOnce()
            _ = try await peers[0].call(HealthCheckRequest(), callId: 2, as: HealthCheckResponse.self)
            #expect(peers.map { $0.pushes(ConnectResetRequest.self).count }.reduce(0, +) == 2)
        }
    }

    @Test(arguments: kinds)
    func requestsAndPushAnswersRefreshLastActiveTime(_ kind: TransportKind) async throws {
        let clock = NacosManualClock()
        try await withServer(kind, clock: clock) { harness in
            let start = clock.nowMillis()
            let (peer, id) = try await harness.setUpPeer()
            let connection = try #require(harness.manager.connection(id))
            #expect(connection.meta.createTime == start)
            #expect(connection.meta.lastActiveTime == start)

            clock.advance(by: .seconds(5))
            _ = try await peer.call(TestEchoRequest(text: "x"), callId: 2, as: TestEchoResponse.self)
            #expect(connection.meta.lastActiveTime == start + 5_000)
            #expect(connection.meta.createTime == start)

            clock.advance(by: .seconds(5))
            harness.manager.refreshActiveTime(id)
            #expect(connection.meta.lastActiveTime == start + 10_000)

            // A successful answer to a push refreshes it too.
            clock.advance(by: .seconds(5))
            let push = Task { try await connection.request(ClientDetectionRequest(), timeout: .seconds(5)) }
            let (payload, _) = try await peer.waitForPush(ClientDetectionRequest.self)
            try peer.answer(payload, with: ClientDetectionResponse())
            _ = try await push.value
            #expect(connection.meta.lastActiveTime == start + 15_000)

            // A request refused at dispatch (no handler) does not count as activity.
            clock.advance(by: .seconds(5))
            try peer.send(NacosPayload(kind: .request, callId: 3, type: "NoSuchRequest", body: NacosByteBuffer(string: "{}")))
            _ = try await peer.waitForResponse(callId: 3)
            #expect(connection.meta.lastActiveTime == start + 15_000)
        }
    }
}
