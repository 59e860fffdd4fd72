import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// ConnectResetRequest from the connection manager's loader moves clients between two servers that share
/// nothing (reference §2.4, §5.1).
@Suite("NacosRpcClient redirect")
struct RpcClientRedirectTests {
    /// Two started servers, A and B, each with its own manager.
    private struct Pair {
        let a: ClientTestNode
        let b: ClientTestNode

        /// `redirectAddress` naming B the way the loader does: `ip:port` with B's HTTP port (RPC port − 1000).
        func redirectToB(_ kind: ClientTransportKind) throws -> String {
            let address = try self.b.address
            switch kind {
            case .inMemory: return "\(address.host):0"
            case .tcp: return "\(address.host):\(address.port - 1000)"
            }
        }
    }

    private func startPair(_ kind: ClientTransportKind, scope: ClientTestScope) async throws -> Pair {
        let a = try await scope.startNode(on: scope.listenAddress(kind, name: "A"), transport: kind)
        let b = try await scope.startNode(on: scope.listenAddress(kind, name: "B"), transport: kind)
        return Pair(a: a, b: b)
    }

    /// Clients listing [A, B] and connected to A: B is started only once they are connected, so the random
    /// start of the round-robin cannot pick it.
    private func clientsOnA(
        _ count: Int,
        kind: ClientTransportKind,
        scope: ClientTestScope
    ) async throws -> (Pair, [NacosRpcClient], [ClientEventRecorder]) {
        let aAddress = scope.listenAddress(kind, name: "A")
        let a = try await scope.startNode(on: aAddress, transport: kind)
        // Reserve B's address now (TCP: a free port) so that the clients can list it.
        let b = try await scope.startNode(on: scope.listenAddress(kind, name: "B"), transport: kind, markStarted: false)
        var configuration = scope.clientConfiguration([try a.address, try b.address])
        configuration.keepAliveTime = .seconds(60)
        configuration.startAttempts = 4
        let clients = (0..<count).map { index -> NacosRpcClient in
            configuration.name = "redirect-\(index)"
            return scope.makeClient(configuration, transport: kind)
        }
        let recorders = clients.map(ClientEventRecorder.init)
        for client in clients {
            #expect(await client.start())
            #expect(client.currentServer == (try a.address))
        }
        try await waitUntil("\(count) clients on A") { a.manager.connectionCount == count }
        #expect(b.manager.connectionCount == 0)
        b.server.markStarted()
        return (Pair(a: a, b: b), clients, recorders)
    }

    @Test(arguments: ClientTransportKind.allCases)
    func loadSingleMovesTheClientToTheRedirectAddress(kind: ClientTransportKind) async throws {
        try await withClientTestScope { scope in
            let (pair, clients, recorders) = try await self.clientsOnA(1, kind: kind, scope: scope)
            let client = clients[0]
            let oldId = try #require(client.connectionId)

            #expect(await pair.a.manager.loadSingle(oldId, redirectAddress: try pair.redirectToB(kind)))

            try await waitUntil("moved to B") { client.currentServer == (try? pair.b.address) && client.isRunning }
            let newId = try #require(client.connectionId)
            _ = try await pair.b.registered(newId)
            try await waitUntil("A unregistered the old connection") { pair.a.manager.connectionCount == 0 }
            try await recorders[0].waitForPattern("cdc")
            #expect(recorders[0].events == [
                .connected(connectionId: oldId, server: try pair.a.address),
                .disconnected(connectionId: oldId, server: try pair.a.address),
                .connected(connectionId: newId, server: try pair.b.address),
            ])
        }
    }

    @Test func aResetWithoutAnAddressMovesToTheNextServer() async throws {
        try await withClientTestScope { scope in
            let (pair, clients, _) = try await self.clientsOnA(1, kind: .inMemory, scope: scope)
            let client = clients[0]
            #expect(await pair.a.manager.loadSingle(try #require(client.connectionId), redirectAddress: nil))
            try await waitUntil("moved to B") { client.currentServer == (try? pair.b.address) && client.isRunning }
            _ = try await pair.b.registered(client.connectionId)
        }
    }

    @Test func aResetToAServerOutsideTheListMovesToTheNextServer() async throws {
        try await withClientTestScope { scope in
            let (pair, clients, _) = try await self.clientsOnA(1, kind: .tcp, scope: scope)
            let client = clients[0]
            // 127.0.0.1 is in the list, but not with this port: the reset falls back to the next server.
            let b = try pair.b.address
            #expect(await pair.a.manager.loadSingle(try #require(client.connectionId), redirectAddress: "127.0.0.1:1"))
            try await waitUntil("moved to B") { client.currentServer == b && client.isRunning }
        }
    }

    @Test func aResetToAServerThatIsDownFallsBackToTheList() async throws {
        try await withClientTestScope { scope in
            let (pair, clients, recorders) = try await self.clientsOnA(1, kind: .inMemory, scope: scope)
            let client = clients[0]
            let oldId = try #require(client.connectionId)
            let redirect = try pair.redirectToB(.inMemory)
            await pair.b.server.shutdown()

            #expect(await pair.a.manager.loadSingle(oldId, redirectAddress: redirect))

            // B refuses; the loop goes round the list and lands on A again, on a new connection.
            try await recorders[0].waitForPattern("cdc")
            try await waitUntil("running on A") { client.isRunning && client.connectionId != oldId }
            #expect(client.currentServer == (try pair.a.address))
            _ = try await pair.a.registered(client.connectionId)
            try await waitUntil("A dropped the old connection") { !pair.a.manager.isRegistered(oldId) }
            #expect(pair.a.manager.connectionCount == 1)
        }
    }

    @Test func loadSingleOfAnUnknownOrNonSdkConnectionDoesNothing() async throws {
        try await withClientTestScope { scope in
            let node = try await scope.startNode(on: scope.listenAddress(.inMemory), transport: .inMemory)
            var configuration = scope.clientConfiguration([try node.address])
            configuration.labels = ["source": "cluster"]
            let peer = scope.makeClient(configuration, transport: .inMemory)
            let recorder = ClientEventRecorder(peer)
            #expect(await peer.start())
            let id = try #require(peer.connectionId)
            _ = try await node.registered(id)
            #expect(await node.manager.loadSingle("no-such-connection", redirectAddress: nil) == false)
            #expect(await node.manager.loadSingle(id, redirectAddress: nil) == false)
            #expect(peer.connectionId == id)
            #expect(recorder.pattern == "c")
        }
    }

    @Test(arguments: ClientTransportKind.allCases)
    func loadCountMovesThatManyClients(kind: ClientTransportKind) async throws {
        try await withClientTestScope { scope in
            let (pair, clients, recorders) = try await self.clientsOnA(10, kind: kind, scope: scope)

            #expect(await pair.a.manager.loadCount(4, redirectAddress: try pair.redirectToB(kind)) == 4)

            try await waitUntil("4 clients on B") { pair.b.manager.connectionCount == 4 }
            try await waitUntil("6 clients on A") { pair.a.manager.connectionCount == 6 }
            try await waitUntil("every client running") { clients.allSatisfy(\.isRunning) }
            let onB = clients.filter { $0.currentServer == (try? pair.b.address) }
            #expect(onB.count == 4)
            #expect(Set(onB.compactMap(\.connectionId)) == Set(pair.b.manager.currentConnections.keys))
            try await waitUntil("4 clients moved and 6 stayed") {
                recorders.count { $0.pattern == "cdc" } == 4 && recorders.count { $0.pattern == "c" } == 6
            }
        }
    }

    @Test func setLoadClientMovesTheExcessAtTheNextEjectorPass() async throws {
        try await withClientTestScope { scope in
            let (pair, clients, _) = try await self.clientsOnA(8, kind: .inMemory, scope: scope)

            pair.a.manager.setLoadClient(3, redirectAddress: try pair.redirectToB(.inMemory))
            // Nothing moves before the ejector runs.
            #expect(pair.a.manager.connectionCount == 8)
            await pair.a.manager.ejectOnce()

            try await waitUntil("5 clients on B") { pair.b.manager.connectionCount == 5 }
            try await waitUntil("3 clients on A") { pair.a.manager.connectionCount == 3 }
            try await waitUntil("every client running") { clients.allSatisfy(\.isRunning) }
            #expect(clients.count { $0.currentServer == (try? pair.b.address) } == 5)

            // The request is one-shot: the next pass moves nobody.
            await pair.a.manager.ejectOnce()
            #expect(pair.a.manager.connectionCount == 3)
            #expect(pair.b.manager.connectionCount == 5)
        }
    }

    @Test func theEjectorKeepsClientsThatAnswerDetection() async throws {
        try await withClientTestScope { scope in
            let clock = NacosManualClock()
            var managerConfiguration = NacosConnectionManagerConfiguration()
            managerConfiguration.keepAliveTime = .seconds(20)
            managerConfiguration.detectionTimeout = .seconds(5)
            let node = try await scope.startNode(
                on: scope.listenAddress(.inMemory),
                transport: .inMemory,
                managerConfiguration: managerConfiguration,
                clock: clock
            )
            var configuration = scope.clientConfiguration([try node.address])
            configuration.keepAliveTime = .seconds(3_600)
            let client = scope.makeClient(configuration, transport: .inMemory)
            let recorder = ClientEventRecorder(client)
            #expect(await client.start())
            let connection = try await node.registered(client.connectionId)
            clock.advance(by: .seconds(20))
            // The idle connection is probed with ClientDetectionRequest; the client answers, so it stays.
            await node.manager.ejectOnce()
            #expect(node.manager.ejectedConnectionCount == 0)
            #expect(node.manager.isRegistered(connection.connectionId))
            #expect(connection.meta.lastActiveTime == clock.nowMillis())
            #expect(recorder.pattern == "c")
        }
    }
}
