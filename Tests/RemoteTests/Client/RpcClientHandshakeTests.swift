import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// ServerCheck → ConnectionSetup → SetupAck between a `NacosRpcClient` and a `NacosRpcServer` (reference §2.2).
@Suite("NacosRpcClient handshake")
struct RpcClientHandshakeTests {
    @Test(arguments: ClientTransportKind.allCases)
    func handshakeRegistersTheClientsMeta(kind: ClientTransportKind) async throws {
        try await withClientTestScope { scope in
            let node = try await scope.startNode(on: scope.listenAddress(kind), transport: kind) { server in
                server.serverAbilities = ["supportPersistentInstanceByGrpc": true, "testAbility": false]
            }
            var configuration = scope.clientConfiguration([try node.address])
            configuration.labels = ["source": "sdk", "module": "naming", "AppName": "orders"]
            configuration.clientVersion = "Nacos-Swift-Client:test-1"
            configuration.tenant = "ns-dev"
            configuration.clientIp = "10.1.2.3"
            configuration.abilityTable = ["supportPersistentInstanceByGrpc": true]
            let client = scope.makeClient(configuration, transport: kind)
            let recorder = ClientEventRecorder(client)
            #expect(client.status == .initialized)
            #expect(client.connectionId == nil)

            #expect(await client.start())

            #expect(client.status == .running)
            #expect(client.isRunning)
            #expect(client.currentServer == (try node.address))
            let id = try #require(client.connectionId)
            // The id is the one the server assigned and registered (the client waited for SetupAck, which the
            // server sends after registering, so no wait is needed).
            #expect(node.manager.isRegistered(id))
            #expect(Array(node.manager.currentConnections.keys) == [id])
            let meta = try #require(node.manager.connection(id)).meta
            #expect(meta.connectionId == id)
            #expect(meta.labels == ["source": "sdk", "module": "naming", "AppName": "orders"])
            #expect(meta.appName == "orders")
            #expect(meta.version == "Nacos-Swift-Client:test-1")
            #expect(meta.tenant == "ns-dev")
            #expect(meta.clientIp == "10.1.2.3")
            #expect(meta.abilityTable == ["supportPersistentInstanceByGrpc": true])
            #expect(meta.isSdkSource)
            #expect(meta.tlsProtected == false)
            if kind == .tcp {
                #expect(meta.remoteIp == "127.0.0.1")
                #expect(meta.localPort == (try node.address).port)
                #expect(id.hasSuffix("_127.0.0.1_\(meta.remotePort)"))
            }
            #expect(node.manager.sdkConnectionCount == 1)
            #expect(node.manager.connectionCount(forClientIp: "10.1.2.3") == 1)
            // SetupAckRequest carried the server's abilities.
            #expect(client.serverAbilities == ["supportPersistentInstanceByGrpc": true, "testAbility": false])
            // The connected listener fired exactly once, for this connection.
            #expect(recorder.events == [.connected(connectionId: id, server: try node.address)])
            // A second start() does nothing.
            #expect(await client.start())
            #expect(recorder.events.count == 1)
            #expect(node.manager.connectionCount == 1)
        }
    }

    @Test func clientIpDefaultsToTheConnectionsLocalAddress() async throws {
        try await withClientTestScope { scope in
            let node = try await scope.startNode(on: .loopbackIPv4(port: 0), transport: .tcp)
            var configuration = scope.clientConfiguration([try node.address])
            configuration.labels = ["source": "sdk"]
            let client = scope.makeClient(configuration, transport: .tcp)
            #expect(await client.start())
            let meta = try await node.registered(client.connectionId).meta
            #expect(meta.clientIp == "127.0.0.1")
            // Without an AppName label the meta says "-".
            #expect(meta.appName == "-")
            #expect(meta.labels == ["source": "sdk"])
            #expect(meta.tenant == nil)
            #expect(meta.version == "Nacos-Swift-Client:v0.1.0")
        }
    }

    @Test func withoutAbilityTableTheServerSendsNoSetupAck() async throws {
        try await withClientTestScope { scope in
            let node = try await scope.startNode(on: scope.listenAddress(.inMemory), transport: .inMemory)
            var configuration = scope.clientConfiguration([try node.address])
            configuration.abilityTable = nil
            let client = scope.makeClient(configuration, transport: .inMemory)
            let recorder = ClientEventRecorder(client)
            #expect(await client.start())
            #expect(client.status == .running)
            // Registration is not awaited without an ability table: wait for it.
            let connection = try await node.registered(client.connectionId)
            #expect(connection.meta.abilityTable == nil)
            #expect(client.serverAbilities == nil)
            #expect(recorder.connectedCount == 1)
        }
    }

    /// A server that negotiates abilities but never sends SetupAck: a client without an ability table does not
    /// wait for it; one with a table gives up after `setupAckTimeout` (reference §2.2 step 4).
    @Test func setupAckIsAwaitedOnlyWithAnAbilityTable() async throws {
        try await withClientTestScope { scope in
            let clock = NacosManualClock()
            let fake = try await scope.startFake(on: scope.listenAddress(.inMemory, name: "no-ack"), clock: clock) { connection, payload in
                _ = ClientFakeServer.answerServerCheck(connection, payload, supportAbilityNegotiation: true)
            }

            var withoutTable = scope.clientConfiguration([try fake.address], name: "without-table")
            withoutTable.abilityTable = nil
            let relaxed = scope.makeClient(withoutTable, transport: .inMemory, clock: clock)
            #expect(await relaxed.start())
            #expect(relaxed.connectionId == "fake-1")
            #expect(relaxed.serverAbilities == nil)
            try await waitUntil("ConnectionSetupRequest") { fake.connections.first?.count(ConnectionSetupRequest.typeName) == 1 }
            let setup = try fake.connections[0].received.first { $0.type == ConnectionSetupRequest.typeName }!
                .payload.decodeRequest(as: ConnectionSetupRequest.self)
            #expect(setup.abilityTable == nil)
            relaxed.shutdown()

            var withTable = scope.clientConfiguration([try fake.address], name: "with-table")
            withTable.abilityTable = [:]
            withTable.startAttempts = 1
            withTable.setupAckTimeout = .seconds(5)
            withTable.keepAliveTime = .seconds(60)
            let strict = scope.makeClient(withTable, transport: .inMemory, clock: clock)
            let recorder = ClientEventRecorder(strict)
            let started = Task { await strict.start() }
            try await waitUntil("the second connection's ConnectionSetupRequest") {
                fake.connections.count == 2 && fake.connections[1].count(ConnectionSetupRequest.typeName) == 1
            }
            // The keep-alive sleeper and the SetupAck wait.
            try await clock.waitForPendingTimers(2)
            clock.advance(by: .milliseconds(4_999))
            #expect(clock.pendingTimerCount == 2, "the SetupAck wait ended early")
            clock.advance(by: .milliseconds(1))
            #expect(await started.value == false)
            #expect(strict.status == .starting)
            #expect(strict.connectionId == nil)
            #expect(recorder.events.isEmpty)
            try await waitUntil("the abandoned connection closed") { fake.connections[1].isClosed }
        }
    }

    /// A Nacos 2.0–2.2 server answers ServerCheck without `supportAbilityNegotiation`: the client does not wait
    /// for SetupAck even with an ability table.
    @Test func oldServersWithoutNegotiationAreNotWaitedFor() async throws {
        try await withClientTestScope { scope in
            let clock = NacosManualClock()
            let fake = try await scope.startFake(on: scope.listenAddress(.inMemory, name: "old"), clock: clock) { connection, payload in
                _ = ClientFakeServer.answerServerCheck(connection, payload, supportAbilityNegotiation: false)
            }
            var configuration = scope.clientConfiguration([try fake.address])
            configuration.abilityTable = ["supportPersistentInstanceByGrpc": true]
            let client = scope.makeClient(configuration, transport: .inMemory, clock: clock)
            #expect(await client.start())
            #expect(client.connectionId == "fake-1")
            #expect(client.serverAbilities == nil)
        }
    }

    @Test func aFailedServerCheckIsNotAConnection() async throws {
        try await withClientTestScope { scope in
            let fake = try await scope.startFake(on: scope.listenAddress(.inMemory, name: "refusing")) { connection, payload in
                if payload.type == ServerCheckRequest.typeName {
                    connection.reply(ErrorResponse.build(code: .invalidServerStatus, message: "Server is starting,please try later."), to: payload)
                }
            }
            let logs = CapturingLogHandler()
            var configuration = scope.clientConfiguration([try fake.address])
            configuration.startAttempts = 2
            let client = scope.makeClient(configuration, transport: .inMemory, logger: logs.logger(level: .warning))
            #expect(await client.start() == false)
            #expect(client.status == .starting)
            let warnings = logs.messages.filter { $0.contains("start attempt") }
            #expect(warnings.count == 2)
            #expect(warnings.allSatisfy { $0.contains("300") }, "\(warnings)")
            // Every failed attempt's connection was closed.
            try await waitUntil("both start connections closed") {
                fake.connections.prefix(2).allSatisfy(\.isClosed) && fake.connections.count >= 2
            }
        }
    }
}
