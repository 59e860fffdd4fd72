import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// The client's keep-alive: HealthCheckRequest after `keepAliveTime` without traffic, and reconnecting when
/// the check fails or the server says the connection is unregistered (reference §2.4, §8.2).
@Suite("NacosRpcClient health checks")
struct RpcClientHealthTests {
    /// A fake that answers the handshake, health checks and `ClientTestQuery` normally, except as `override`
    /// says (return `true` when it handled the payload).
    private func startFake(
        _ scope: ClientTestScope,
        clock: any NacosClock,
        override: @escaping @Sendable (ClientFakeConnection, NacosPayload) -> Bool = { _, _ in false }
    ) async throws -> ClientFakeServer {
        try await scope.startFake(on: scope.listenAddress(.inMemory, name: "fake"), clock: clock) { connection, payload in
            if override(connection, payload) { return }
            if ClientFakeServer.answerServerCheck(connection, payload) { return }
            switch payload.type {
            case HealthCheckRequest.typeName:
                connection.reply(HealthCheckResponse(), to: payload)
            case ClientTestQuery.typeName:
                connection.reply(ClientTestQueryResponse(message: "fake-\(connection.index)"), to: payload)
            default:
                break
            }
        }
    }

    private func configuration(_ scope: ClientTestScope, _ server: NacosSocketAddress) -> NacosRpcClientConfiguration {
        var configuration = scope.clientConfiguration([server])
        configuration.keepAliveTime = .seconds(5)
        configuration.healthCheckTimeout = .seconds(60)
        return configuration
    }

    @Test func healthChecksAreSentOnlyAfterKeepAliveTimeWithoutTraffic() async throws {
        try await withClientTestScope { scope in
            let clock = NacosManualClock()
            let start = clock.nowMillis()
            let fake = try await self.startFake(scope, clock: clock)
            let client = scope.makeClient(self.configuration(scope, try fake.address), transport: .inMemory, clock: clock)
            #expect(await client.start())
            let connection = fake.connections[0]
            try await connection.barrier()
            // Only the keep-alive sleeper is pending now.
            try await clock.waitForPendingTimers(1)

            clock.advance(by: .milliseconds(4_999))
            #expect(clock.pendingTimerCount == 1)
            clock.advance(by: .milliseconds(1))
            try await waitUntil("the first health check") { connection.count(HealthCheckRequest.typeName) == 1 }
            try await connection.barrier()
            try await clock.waitForPendingTimers(1)

            // Traffic 3 s later makes the connection busy: at +10 s it has been idle for 2 s only.
            clock.advance(by: .seconds(3))
            let response = try await client.request(ClientTestQuery(), expecting: ClientTestQueryResponse.self)
            #expect(response.message == "fake-1")
            try await clock.waitForPendingTimers(1)
            clock.advance(by: .seconds(2))
            try await clock.waitForPendingTimers(1)
            #expect(connection.count(HealthCheckRequest.typeName) == 1)

            // At +15 s it has been idle for 7 s: checked again.
            clock.advance(by: .seconds(5))
            try await waitUntil("the second health check") { connection.count(HealthCheckRequest.typeName) == 2 }
            try await connection.barrier()
            try await clock.waitForPendingTimers(1)
            #expect(connection.received.filter { $0.type == HealthCheckRequest.typeName }.map(\.atMillis) == [start + 5_000, start + 15_000])
            #expect(client.status == .running)
            #expect(fake.connections.count == 1)
        }
    }

    @Test func aHealthCheckRefreshesTheServerConnection() async throws {
        try await withClientTestScope { scope in
            let clock = NacosManualClock()
            let node = try await scope.startNode(on: scope.listenAddress(.inMemory), transport: .inMemory, clock: clock)
            let client = scope.makeClient(self.configuration(scope, try node.address), transport: .inMemory, clock: clock)
            #expect(await client.start())
            let connection = try await node.registered(client.connectionId)
            let created = connection.meta.createTime
            #expect(connection.meta.lastActiveTime == created)
            // A push round trip as a barrier: the client has handled every earlier frame.
            _ = try await connection.request(ClientDetectionRequest(), timeout: .seconds(60))
            try await clock.waitForPendingTimers(1)

            clock.advance(by: .seconds(5))

            try await waitUntil("the health check reached the server") { connection.meta.lastActiveTime == created + 5_000 }
            #expect(client.status == .running)
            #expect(node.manager.connectionCount == 1)
        }
    }

    @Test func anUnregisteredAnswerToTheHealthCheckMakesTheClientReconnect() async throws {
        try await withClientTestScope { scope in
            let clock = NacosManualClock()
            let fake = try await self.startFake(scope, clock: clock) { connection, payload in
                guard connection.index == 1, payload.type == HealthCheckRequest.typeName else { return false }
                connection.reply(ErrorResponse.build(code: .unregister, message: "Connection is unregistered."), to: payload)
                return true
            }
            let client = scope.makeClient(self.configuration(scope, try fake.address), transport: .inMemory, clock: clock)
            let recorder = ClientEventRecorder(client)
            #expect(await client.start())
            try await fake.connections[0].barrier()
            try await clock.waitForPendingTimers(1)

            clock.advance(by: .seconds(5))

            try await waitUntil("reconnected") { recorder.pattern == "cdc" && client.isRunning }
            #expect(client.connectionId == "fake-2")
            // One 301 is enough: no second attempt on the unregistered connection.
            #expect(fake.connections[0].count(HealthCheckRequest.typeName) == 1)
            try await waitUntil("the old connection closed") { fake.connections[0].isClosed }
        }
    }

    @Test func unansweredHealthChecksMakeTheClientReconnect() async throws {
        try await withClientTestScope { scope in
            let clock = NacosManualClock()
            let start = clock.nowMillis()
            let fake = try await self.startFake(scope, clock: clock) { connection, payload in
                // The first connection swallows health checks.
                connection.index == 1 && payload.type == HealthCheckRequest.typeName
            }
            var configuration = self.configuration(scope, try fake.address)
            configuration.healthCheckAttempts = 2
            configuration.healthCheckTimeout = .seconds(1)
            let client = scope.makeClient(configuration, transport: .inMemory, clock: clock)
            let recorder = ClientEventRecorder(client)
            #expect(await client.start())
            let first = fake.connections[0]
            try await first.barrier()
            try await clock.waitForPendingTimers(1)

            clock.advance(by: .seconds(5))
            try await waitUntil("health check 1") { first.count(HealthCheckRequest.typeName) == 1 }
            // Its timeout is the only timer: the keep-alive loop is busy checking.
            try await clock.waitForPendingTimers(1, "health check timeouts")
            #expect(client.status == .running)
            clock.advance(by: .seconds(1))
            try await waitUntil("health check 2") { first.count(HealthCheckRequest.typeName) == 2 }
            try await clock.waitForPendingTimers(1, "health check timeouts")
            #expect(recorder.pattern == "c")
            clock.advance(by: .seconds(1))

            try await waitUntil("reconnected") { recorder.pattern == "cdc" && client.isRunning }
            #expect(client.connectionId == "fake-2")
            #expect(first.received.filter { $0.type == HealthCheckRequest.typeName }.map(\.atMillis) == [start + 5_000, start + 6_000])
            try await waitUntil("the old connection closed") { first.isClosed }
        }
    }

    @Test func aConnectionSilentForTheReadIdleTimeoutIsReplaced() async throws {
        try await withClientTestScope { scope in
            let clock = NacosManualClock()
            let fake = try await self.startFake(scope, clock: clock)
            var configuration = self.configuration(scope, try fake.address)
            configuration.readIdleTimeout = .seconds(5)
            let client = scope.makeClient(configuration, transport: .inMemory, clock: clock)
            let recorder = ClientEventRecorder(client)
            #expect(await client.start())
            try await fake.connections[0].barrier()
            try await clock.waitForPendingTimers(1)

            clock.advance(by: .seconds(5))

            try await waitUntil("reconnected") { recorder.pattern == "cdc" && client.isRunning }
            #expect(client.connectionId == "fake-2")
            // Replaced without a health check.
            #expect(fake.connections[0].count(HealthCheckRequest.typeName) == 0)
        }
    }

    @Test func anUnregisteredAnswerToARequestReconnectsAndTheRetrySucceeds() async throws {
        try await withClientTestScope { scope in
            let fake = try await self.startFake(scope, clock: NacosSystemClock()) { connection, payload in
                guard connection.index == 1, payload.type == ClientTestQuery.typeName else { return false }
                connection.reply(ErrorResponse.build(code: .unregister, message: "Connection is unregistered."), to: payload)
                return true
            }
            var configuration = scope.clientConfiguration([try fake.address])
            configuration.keepAliveTime = .seconds(60)
            // Each retry waits 100 ms for the reconnect (as Java's does); a loaded 2-core CI machine can take
            // longer than three such waits to reconnect, so allow more waits than the default three.
            configuration.retryTimes = 20
            let client = scope.makeClient(configuration, transport: .inMemory)
            let recorder = ClientEventRecorder(client)
            #expect(await client.start())

            let response = try await client.request(ClientTestQuery(), expecting: ClientTestQueryResponse.self, timeout: .seconds(5))

            #expect(response.message == "fake-2")
            #expect(fake.connections[0].count(ClientTestQuery.typeName) == 1)
            #expect(fake.connections[1].count(ClientTestQuery.typeName) == 1)
            try await recorder.waitForPattern("cdc")
            #expect(client.connectionId == "fake-2")
        }
    }
}
