import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// Reconnecting: server restarts, unregistration, start failures and back-off (reference §8.2).
@Suite("NacosRpcClient reconnect")
struct RpcClientReconnectTests {
    /// Binds a new server on `address`, retrying while the old socket still holds it, for up to 10 s.
    private func restartNode(
        on address: NacosSocketAddress,
        kind: ClientTransportKind,
        scope: ClientTestScope
    ) async throws -> ClientTestNode {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(10))
        while true {
            do {
                return try await scope.startNode(on: address, transport: kind)
            } catch {
                guard clock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    @Test(arguments: ClientTransportKind.allCases)
    func everyClientReconnectsAfterAServerRestart(kind: ClientTransportKind) async throws {
        try await withClientTestScope { scope in
            let first = try await scope.startNode(on: scope.listenAddress(kind), transport: kind)
            // A fixed address: the port the first bind picked (or the in-memory name).
            let address = try first.address
            var configuration = scope.clientConfiguration([address])
            configuration.reconnectBackoffUnit = .milliseconds(10)
            configuration.keepAliveTime = .seconds(60)
            let clients = (0..<20).map { _ in scope.makeClient(configuration, transport: kind) }
            let recorders = clients.map(ClientEventRecorder.init)
            for client in clients { #expect(await client.start()) }
            let oldIds = clients.map(\.connectionId)
            #expect(Set(oldIds.compactMap { $0 }).count == 20)
            try await waitUntil("20 registered") { first.manager.connectionCount == 20 }

            await first.server.shutdown()
            #expect(first.manager.connectionCount == 0)
            try await waitUntil("every client disconnected") { recorders.allSatisfy { $0.disconnectedCount == 1 } }
            #expect(clients.allSatisfy { $0.status != .running })

            let second = try await self.restartNode(on: address, kind: kind, scope: scope)
            try await waitUntil("every client running again") { clients.allSatisfy(\.isRunning) }
            try await waitUntil("20 registered on the new server") { second.manager.connectionCount == 20 }
            try await waitUntil("connected, disconnected, connected for every client") { recorders.allSatisfy { $0.pattern == "cdc" } }
            for (index, client) in clients.enumerated() {
                let newId = try #require(client.connectionId)
                #expect(newId != oldIds[index])
                #expect(second.manager.isRegistered(newId))
                #expect(client.currentServer == address)
                #expect(recorders[index].pattern == "cdc", "client \(index): \(recorders[index].events)")
                if case .disconnected(let lostId, _) = recorders[index].events[1] {
                    #expect(lostId == oldIds[index])
                }
            }
        }
    }

    @Test func unregisteringTheConnectionMakesTheClientReconnect() async throws {
        try await withClientTestScope { scope in
            let node = try await scope.startNode(on: scope.listenAddress(.inMemory), transport: .inMemory)
            let client = scope.makeClient(scope.clientConfiguration([try node.address]), transport: .inMemory)
            let recorder = ClientEventRecorder(client)
            #expect(await client.start())
            let oldId = try #require(client.connectionId)
            try await waitUntil("registered") { node.manager.isRegistered(oldId) }

            node.manager.unregister(oldId)

            try await waitUntil("reconnected") { recorder.pattern == "cdc" && client.isRunning }
            let newId = try #require(client.connectionId)
            #expect(newId != oldId)
            #expect(recorder.events == [
                .connected(connectionId: oldId, server: try node.address),
                .disconnected(connectionId: oldId, server: try node.address),
                .connected(connectionId: newId, server: try node.address),
            ])
            try await waitUntil("the new connection registered") { node.manager.isRegistered(newId) }
            #expect(node.manager.connectionCount == 1)
        }
    }

    @Test func startFailsWithoutAServerAndTheBackgroundLoopConnectsLater() async throws {
        try await withClientTestScope { scope in
            let address = scope.listenAddress(.inMemory, name: "late")
            let logs = CapturingLogHandler()
            var configuration = scope.clientConfiguration([address])
            configuration.startAttempts = 3
            configuration.reconnectBackoffUnit = .milliseconds(5)
            let client = scope.makeClient(configuration, transport: .inMemory, logger: logs.logger(level: .debug))
            let recorder = ClientEventRecorder(client)

            #expect(await client.start() == false)
            #expect(client.status == .starting)
            #expect(client.connectionId == nil)
            #expect(logs.messages.count { $0.contains("start attempt") } == 3)
            #expect(recorder.events.isEmpty)
            // Requests fail while nothing is connected.
            await #expect(throws: NacosRemoteError.self) {
                _ = try await client.request(HealthCheckRequest(), timeout: .milliseconds(50))
            }

            try await waitUntil("a background reconnect attempt") { logs.messages.contains { $0.contains("reconnect to") } }
            let node = try await scope.startNode(on: address, transport: .inMemory)
            try await waitUntil("connected in the background") { client.isRunning }
            _ = try await node.registered(client.connectionId)
            try await recorder.waitForPattern("c")
        }
    }

    @Test func aBoundButNotStartedServerIsConnectedOnceMarkedStarted() async throws {
        try await withClientTestScope { scope in
            let logs = CapturingLogHandler()
            let node = try await scope.startNode(on: scope.listenAddress(.inMemory, name: "booting"), transport: .inMemory, markStarted: false)
            #expect(node.server.status == .starting)
            var configuration = scope.clientConfiguration([try node.address])
            configuration.startAttempts = 2
            let client = scope.makeClient(configuration, transport: .inMemory, logger: logs.logger(level: .warning))
            let recorder = ClientEventRecorder(client)

            // ServerCheck is answered with 300 "Server is starting" while the server is starting.
            #expect(await client.start() == false)
            #expect(client.status == .starting)
            let attempts = logs.messages.filter { $0.contains("start attempt") }
            #expect(attempts.count == 2)
            #expect(attempts.allSatisfy { $0.contains("300") }, "\(attempts)")
            #expect(node.manager.connectionCount == 0)
            #expect(recorder.events.isEmpty)

            node.server.markStarted()
            try await waitUntil("connected in the background") { client.isRunning }
            _ = try await node.registered(client.connectionId)
            try await recorder.waitForPattern("c")
        }
    }

    /// What the back-off looks like from outside: how much manual time passed between failed attempts.
    private struct BackoffObservation {
        var gapsMillis: [Int64] = []
    }

    /// Starts a client against `servers` (none listening), then advances the manual clock in 10 ms steps and
    /// records the time between consecutive background reconnect attempts, `attempts` of them.
    private func observeBackoff(
        servers: Int,
        attempts: Int,
        scope: ClientTestScope,
        afterwards: ((NacosManualClock, NacosRpcClient, CapturingLogHandler, [NacosSocketAddress]) async throws -> Void)? = nil
    ) async throws -> BackoffObservation {
        let clock = NacosManualClock()
        let logs = CapturingLogHandler()
        let addresses = (0..<servers).map { _ in scope.listenAddress(.inMemory, name: "absent") }
        var configuration = scope.clientConfiguration(addresses)
        configuration.startAttempts = 1
        configuration.reconnectBackoffUnit = .milliseconds(100)
        configuration.keepAliveTime = .seconds(3_600)
        let client = scope.makeClient(configuration, transport: .inMemory, clock: clock, logger: logs.logger(level: .debug))
        let failures = { logs.messages.count { $0.contains("reconnect to") && $0.contains("failed") } }

        #expect(await client.start() == false)
        // The first background attempt runs at once; then the loop sleeps (a timer next to the keep-alive one).
        try await waitUntil("the first background attempt") { failures() == 1 }
        try await clock.waitForPendingTimers(2, "timers (keep-alive and back-off)")

        var observation = BackoffObservation()
        var waited: Int64 = 0
        while observation.gapsMillis.count < attempts - 1 {
            let before = failures()
            clock.advance(by: .milliseconds(10))
            waited += 10
            // The back-off timer fired iff it is gone (it is removed synchronously) or, if the loop was quick
            // enough to fail again and re-arm it, the failure was logged.
            let fired = clock.pendingTimerCount < 2 || failures() > before
            if fired {
                try await waitUntil("attempt \(before + 1)") { failures() == before + 1 }
                try await clock.waitForPendingTimers(2, "timers after attempt \(before + 1)")
                observation.gapsMillis.append(waited)
                waited = 0
            } else {
                #expect(failures() == before, "an attempt happened without the clock moving")
            }
            #expect(waited <= 5_000, "no attempt within the 5 s back-off cap")
            if waited > 5_000 { break }
        }
        #expect(client.status == .starting)
        try await afterwards?(clock, client, logs, addresses)
        return observation
    }

    @Test func reconnectAttemptsHappenOnlyAsTheClockAdvances() async throws {
        try await withClientTestScope { scope in
            let observation = try await self.observeBackoff(servers: 1, attempts: 6, scope: scope) { clock, client, _, addresses in
                let recorder = ClientEventRecorder(client)
                // Nothing happens while the clock stands still …
                #expect(clock.pendingTimerCount == 2)
                // … and a server that appears is connected at the next attempt.
                let node = try await scope.startNode(on: addresses[0], transport: .inMemory)
                try await waitUntil("connected after advancing") {
                    clock.advance(by: .milliseconds(10))
                    return client.isRunning
                }
                _ = try await node.registered(client.connectionId)
                try await recorder.waitForPattern("c")
            }
            let gaps = observation.gapsMillis
            #expect(gaps.count == 5)
            // The back-off grows by one unit per pass over the one-server list, never below one unit.
            #expect(gaps.allSatisfy { $0 >= 100 }, "\(gaps)")
            #expect(zip(gaps, gaps.dropFirst()).allSatisfy { $1 - $0 == 100 }, "\(gaps)")
        }
    }

    /// Reference §8.2 (Java `RpcClient`): "first round, try servers at a delay 100ms; second round, 200ms"
    /// — `retryTurns` is incremented only when `reConnectTimes > 0 && reConnectTimes % serverCount == 0`
    /// before `reConnectTimes++`, so a one-server list waits 100, 200, 300 ms and a two-server list
    /// 100, 100, 200, 200, 300 ms.
    @Test func backoffFollowsTheJavaSchedule() async throws {
        try await withClientTestScope { scope in
            let one = try await self.observeBackoff(servers: 1, attempts: 5, scope: scope)
            #expect(one.gapsMillis == [100, 200, 300, 400])
            let two = try await self.observeBackoff(servers: 2, attempts: 6, scope: scope)
            #expect(two.gapsMillis == [100, 100, 200, 200, 300])
        }
    }
}
