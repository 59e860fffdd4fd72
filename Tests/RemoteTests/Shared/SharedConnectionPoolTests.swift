import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// What the test server's HealthCheckRequest handler counts, and whether it answers.
private final class HealthCheckLedger: Sendable {
    /// Health checks answered, by connection id.
    let answered = Mutex<[String: Int]>([:])
    /// While true, health checks are never answered (the handler waits until the server shuts down).
    let silent = Mutex(false)
}

/// A cluster-port server on the in-memory transport whose HealthCheckRequest handler can be silenced.
private final class SharedPoolTestServer: Sendable {
    let group: NacosEventLoopGroup
    let transport: NacosInMemoryTransport
    let manager: NacosConnectionManager
    let server: NacosRpcServer
    let address: NacosSocketAddress
    let ledger = HealthCheckLedger()
    private let release: AsyncStream<Void>.Continuation
    private let released: AsyncStream<Void>

    init(name: String, clock: any NacosClock = NacosSystemClock()) async throws {
        self.group = try NacosEventLoopGroup(numberOfThreads: 1)
        self.transport = NacosInMemoryTransport(group: self.group)
        self.manager = NacosConnectionManager(clock: clock)
        self.address = .inMemory(name)
        (self.released, self.release) = AsyncStream.makeStream(of: Void.self)
        var handlers = NacosRequestHandlerRegistry()
        let ledger = self.ledger
        let released = self.released
        handlers.register(HealthCheckRequest.self, responseType: HealthCheckResponse.self) { _, meta in
            if ledger.silent.withLock({ $0 }) {
                for await _ in released {}
            }
            ledger.answered.withLock { $0[meta.connectionId, default: 0] += 1 }
            return HealthCheckResponse()
        }
        self.server = NacosRpcServer(
            configuration: NacosRpcServerConfiguration(kind: .cluster, address: self.address),
            transport: self.transport,
            handlers: handlers,
            connectionManager: self.manager,
            clock: clock
        )
        try await self.server.start()
    }

    func shutdown() async {
        self.release.finish()
        await self.server.shutdown()
        await self.group.shutdownGracefully()
    }
}

@Suite("NacosSharedConnectionPool")
struct SharedConnectionPoolTests {
    @Test func acquiresOneReferenceCountedConnectionPerAddress() async throws {
        let server = try await SharedPoolTestServer(name: "shared-refcount")
        let pool = NacosSharedConnectionPool(transport: server.transport)
        let first = await pool.acquire(server.address)
        let second = await pool.acquire(server.address)
        #expect(first === second)
        #expect(pool.referenceCount(server.address) == 2)
        try await waitUntil("one registered cluster connection") { server.manager.connectionCount == 1 }
        #expect(server.manager.connectionCount(matchingLabels: ["source": "cluster"]) == 1)
        #expect(server.manager.sdkConnectionCount == 0)

        _ = try await first.request(HealthCheckRequest(), expecting: HealthCheckResponse.self)
        first.release()
        #expect(pool.referenceCount(server.address) == 1)
        _ = try await second.request(HealthCheckRequest(), expecting: HealthCheckResponse.self)
        #expect(server.manager.connectionCount == 1)

        second.release()
        #expect(pool.referenceCount(server.address) == 0)
        #expect(pool.addresses.isEmpty)
        try await waitUntil("the connection closed with the last reference") { server.manager.connectionCount == 0 }
        pool.shutdown()
        await server.shutdown()
    }

    @Test func spreadsCallsOverSeveralConnectionsPerAddress() async throws {
        let server = try await SharedPoolTestServer(name: "shared-spread")
        var configuration = NacosSharedConnectionConfiguration()
        configuration.connectionsPerAddress = 3
        let pool = NacosSharedConnectionPool(configuration: configuration, transport: server.transport)
        let shared = await pool.acquire(server.address)
        try await waitUntil("three connections") { server.manager.connectionCount == 3 }
        for _ in 0..<9 {
            _ = try await shared.request(HealthCheckRequest(), expecting: HealthCheckResponse.self)
        }
        let counts = server.ledger.answered.withLock { $0 }
        #expect(counts.count == 3)
        #expect(counts.values.allSatisfy { $0 == 3 })
        shared.release()
        try await waitUntil("all closed") { server.manager.connectionCount == 0 }
        await server.shutdown()
    }

    @Test func lazyPoolConnectsOnFirstCall() async throws {
        let server = try await SharedPoolTestServer(name: "shared-lazy")
        var configuration = NacosSharedConnectionConfiguration()
        configuration.lazyConnect = true
        let pool = NacosSharedConnectionPool(configuration: configuration, transport: server.transport)
        let shared = await pool.acquire(server.address)
        #expect(!shared.isConnected)
        #expect(server.manager.connectionCount == 0)
        _ = try await shared.request(HealthCheckRequest(), expecting: HealthCheckResponse.self)
        #expect(shared.isConnected)
        #expect(server.manager.connectionCount == 1)
        pool.shutdown()
        await server.shutdown()
    }

    @Test func pingsWhenIdleAndReconnectsAfterThreeSilentHeartbeats() async throws {
        let clock = NacosManualClock()
        let server = try await SharedPoolTestServer(name: "shared-heartbeat", clock: clock)
        var configuration = NacosSharedConnectionConfiguration()
        configuration.heartbeat = .seconds(60)
        let pool = NacosSharedConnectionPool(configuration: configuration, transport: server.transport, clock: clock)
        let shared = await pool.acquire(server.address)
        let client = try #require(shared.underlyingClients.first)
        let firstId = try #require(client.connectionId)
        let disconnectedAt = Mutex<Int64?>(nil)
        client.addConnectionListener { event in
            if case .disconnected = event { disconnectedAt.withLock { $0 = $0 ?? clock.nowMillis() } }
        }

        // One heartbeat of silence: the client pings (the keep-alive check runs every heartbeat / 3).
        try await waitUntil("a ping answered") {
            if server.ledger.answered.withLock({ $0[firstId] ?? 0 }) == 1 { return true }
            clock.advance(by: .seconds(1))
            return false
        }

        // Now the server stops answering: after three heartbeats without a read the client reconnects.
        server.ledger.silent.withLock { $0 = true }
        let silentSince = clock.nowMillis()
        // Listener events are delivered asynchronously, so the new connection can be up before the
        // `.disconnected` event lands; once reconnected the clock stops so that event's time stays exact.
        try await waitUntil("reconnected on a new connection and the loss reported") {
            if client.isRunning, let id = client.connectionId, id != firstId {
                return disconnectedAt.withLock { $0 } != nil
            }
            clock.advance(by: .seconds(1))
            return false
        }
        let lostAfter = try #require(disconnectedAt.withLock { $0 }) - silentSince
        #expect(lostAfter >= 180_000 - 1_000, "replaced after \(lostAfter) ms, before three heartbeats")
        #expect(lostAfter <= 180_000 + 21_000, "replaced after \(lostAfter) ms")
        pool.shutdown()
        await server.shutdown()
    }
}
