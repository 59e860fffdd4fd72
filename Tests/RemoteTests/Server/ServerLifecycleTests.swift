import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// The server's life: status transitions, shutdown closing and unregistering everything, and the accept limit.
@Suite struct ServerLifecycleTests {
    @Test(arguments: TransportKind.allCases)
    func statusTransitions(_ kind: TransportKind) async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let transport = kind.makeTransport(group: group, logger: CapturingLogHandler().logger())
            let manager = NacosConnectionManager(clock: NacosSystemClock(group: group), logger: CapturingLogHandler().logger())
            let server = NacosRpcServer(
                configuration: NacosRpcServerConfiguration(address: kind.listenAddress),
                transport: transport,
                handlers: NacosRequestHandlerRegistry(),
                connectionManager: manager,
                clock: NacosSystemClock(group: group),
                logger: CapturingLogHandler().logger()
            )
            #expect(server.status == .initialized)
            #expect(server.localAddress == nil)
            server.markStarted()
            #expect(server.status == .initialized)
            try await server.bind()
            #expect(server.status == .starting)
            let address = try #require(server.localAddress)
            if kind == .tcp { #expect(address.port > 0) }
            // Binding twice fails (over TCP the second listener is closed again; in memory the name is taken).
            let twice = await #expect(throws: (any Error).self) { try await server.bind() }
            if kind == .tcp { #expect((twice as? NacosRemoteError)?.code == .notRunning) }
            #expect(server.status == .starting)
            #expect(server.localAddress == address)
            server.markStarted()
            #expect(server.status == .running)
            await server.shutdown()
            #expect(server.status == .stopped)
            #expect(server.localAddress == nil)
            server.markStarted()
            #expect(server.status == .stopped)
            let afterShutdown = await #expect(throws: NacosRemoteError.self) { try await server.start() }
            #expect(afterShutdown?.code == .notRunning)
            await server.shutdown()
        }
    }

    @Test(arguments: TransportKind.allCases)
    func shutdownClosesAndUnregistersEveryConnection(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let listener = RecordingListener(name: "L")
            harness.manager.addListener(listener)
            let (first, firstId) = try await harness.setUpPeer()
            let (second, secondId) = try await harness.setUpPeer(labels: RawRpcPeer.clusterLabels)
            let bare = try await harness.connect()
            _ = try await bare.serverCheck()
            #expect(harness.server.openConnectionCount == 3)
            let connection = try #require(harness.manager.connection(firstId))
            let push = Task { try await connection.request(ClientDetectionRequest(), timeout: .seconds(30)) }
            try await first.waitForPush(ClientDetectionRequest.self)
            let address = harness.address

            await harness.server.shutdown()
            #expect(harness.server.status == .stopped)
            #expect(harness.server.openConnectionCount == 0)
            // Unregistered synchronously by shutdown.
            #expect(harness.manager.connectionCount == 0)
            #expect(!harness.manager.isRegistered(firstId) && !harness.manager.isRegistered(secondId))
            // The transport close races shutdown's own unregister; whichever removes a connection tells the listeners.
            try await waitUntil("both disconnect events") { Set(listener.disconnected) == [firstId, secondId] }
            let error = await #expect(throws: NacosRemoteError.self) { try await push.value }
            #expect(error?.code == .connectionClosed)
            try await first.waitForClose()
            try await second.waitForClose()
            try await bare.waitForClose()
            // Nothing listens any more.
            await #expect(throws: (any Error).self) {
                let late = try await RawRpcPeer.connect(harness.transport, to: address)
                late.close()
            }
            // Each disconnect was reported once, although the transport close also unregisters.
            #expect(listener.disconnected.count == 2)
        }
    }

    @Test(arguments: TransportKind.allCases)
    func acceptLimitClosesConnectionsBeyondMaxConnections(_ kind: TransportKind) async throws {
        try await withServer(kind, configure: { $0.maxConnections = 2 }) { harness in
            let first = try await harness.connect()
            let second = try await harness.connect()
            _ = try await first.serverCheck()
            _ = try await second.serverCheck()
            #expect(harness.server.openConnectionCount == 2)

            let third = try await harness.connect()
            try third.send(ServerCheckRequest(), callId: 1)
            try await third.waitForClose()
            #expect(third.received.isEmpty)
            #expect(harness.server.openConnectionCount == 2)
            try await harness.logs.waitForMessage(containing: "at its limit of 2 connections")

            // The first two are unaffected; a slot freed by a close is reusable.
            #expect(try await first.call(ServerCheckRequest(), callId: 2, as: ServerCheckResponse.self).success)
            first.close()
            try await waitUntil("the server to drop the closed connection") { harness.server.openConnectionCount == 1 }
            let fourth = try await harness.connect()
            let id = try await fourth.handshake()
            try await waitUntil("registration") { harness.manager.isRegistered(id) }
            #expect(harness.server.openConnectionCount == 2)
        }
    }

    @Test func serversOfBothKindsShareOneManager() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let transport = NacosInMemoryTransport(group: group, logger: CapturingLogHandler().logger())
            let clock = NacosSystemClock(group: group)
            let manager = NacosConnectionManager(clock: clock, logger: CapturingLogHandler().logger())
            let probe = TestHandlerProbe()
            func makeServer(_ kind: NacosRpcServerConfiguration.Kind) -> NacosRpcServer {
                NacosRpcServer(
                    configuration: NacosRpcServerConfiguration(kind: kind, address: .inMemory(kind.rawValue)),
                    transport: transport,
                    handlers: probe.registry(),
                    connectionManager: manager,
                    clock: clock,
                    logger: CapturingLogHandler().logger()
                )
            }
            let sdk = makeServer(.sdk)
            let cluster = makeServer(.cluster)
            try await sdk.start()
            try await cluster.start()
            let client = try await RawRpcPeer.connect(transport, to: .inMemory("sdk"))
            let member = try await RawRpcPeer.connect(transport, to: .inMemory("cluster"))
            let clientId = try await client.handshake()
            let memberId = try await member.handshake(labels: RawRpcPeer.clusterLabels)
            try await waitUntil("both registrations") { manager.connectionCount == 2 }
            #expect(manager.sdkConnectionCount == 1)
            #expect(try await client.callExpectingError(ServerReloadRequest(), callId: 2).errorCode == 502)
            #expect(try await member.call(ServerReloadRequest(), callId: 2, as: ServerReloadResponse.self).success)

            // Shutting one server down leaves the other's connections alone.
            await sdk.shutdown()
            #expect(!manager.isRegistered(clientId))
            #expect(manager.isRegistered(memberId))
            #expect(try await member.call(HealthCheckRequest(), callId: 3, as: HealthCheckResponse.self).success)
            await cluster.shutdown()
            #expect(manager.connectionCount == 0)
        }
    }
}
