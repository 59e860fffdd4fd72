import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// `NacosRpcClient.request`: responses, failures, timeouts, waiting for a reconnect, and shutdown.
@Suite("NacosRpcClient requests")
struct RpcClientRequestTests {
    /// Handlers for `ClientTestQuery` driven by the request's `mode` header.
    private func queryHandlers(gate: AsyncGate = AsyncGate(open: true), seen: ClientTestLog<NacosRequestMeta>? = nil) -> NacosRequestHandlerRegistry {
        var handlers = NacosRequestHandlerRegistry()
        handlers.register(ClientTestQuery.self, responseType: ClientTestQueryResponse.self) { request, meta in
            seen?.append(meta)
            switch request.header("mode") {
            case "invalid":
                throw NacosException(.invalidParam, "bad parameter")
            case "not-found":
                var response = ClientTestQueryResponse()
                response.setErrorInfo(.notFound, message: "nothing here")
                return response
            case "crash":
                throw ClientTestFailure()
            case "slow":
                await gate.wait()
                return ClientTestQueryResponse(message: "late")
            case "slow-once" where gate.entered == 0:
                await gate.wait()
                return ClientTestQueryResponse(message: "late")
            default:
                return ClientTestQueryResponse(message: "\(meta.connectionId)|\(request.header("app") ?? "")|\(request.header("token") ?? "")")
            }
        }
        return handlers
    }

    @Test(arguments: ClientTransportKind.allCases)
    func failedResponsesThrowTheirErrorCode(kind: ClientTransportKind) async throws {
        try await withClientTestScope { scope in
            let calls = ClientTestLog<NacosRequestMeta>()
            let node = try await scope.startNode(on: scope.listenAddress(kind), transport: kind, handlers: self.queryHandlers(seen: calls))
            let client = scope.makeClient(scope.clientConfiguration([try node.address]), transport: kind)
            #expect(await client.start())

            let ok = try await client.request(ClientTestQuery(), expecting: ClientTestQueryResponse.self)
            #expect(ok.success)

            // A handler's NacosException: resultCode and errorCode are its code.
            let raw = try await client.request(ClientTestQuery(headers: ["mode": "invalid"]))
            #expect((raw as? ErrorResponse)?.errorCode == 400)
            #expect(raw.resultCode == 400)
            let invalid = await #expect(throws: NacosException.self) {
                _ = try await client.request(ClientTestQuery(headers: ["mode": "invalid"]), expecting: ClientTestQueryResponse.self)
            }
            #expect(invalid?.errorCode == .invalidParam)
            #expect(invalid?.message == "bad parameter")

            // A failed response of the expected type.
            let notFound = await #expect(throws: NacosException.self) {
                _ = try await client.request(ClientTestQuery(headers: ["mode": "not-found"]), expecting: ClientTestQueryResponse.self)
            }
            #expect(notFound?.errorCode == .notFound)
            #expect(notFound?.message == "nothing here")

            // Any other handler error: 500.
            let crash = await #expect(throws: NacosException.self) {
                _ = try await client.request(ClientTestQuery(headers: ["mode": "crash"]), expecting: ClientTestQueryResponse.self)
            }
            #expect(crash?.errorCode == .serverError)

            // No handler on the server: 302.
            let noHandler = await #expect(throws: NacosException.self) {
                _ = try await client.request(ClientTestPush(), expecting: ClientTestPushResponse.self)
            }
            #expect(noHandler?.errorCode == .noHandler)

            // A successful response of another type.
            let unexpected = await #expect(throws: NacosRemoteError.self) {
                _ = try await client.request(HealthCheckRequest(), expecting: ClientTestQueryResponse.self)
            }
            #expect(unexpected?.code == .unexpectedResponse)

            // Error responses are returned, not retried: one handler call per request.
            #expect(calls.count == 5)
            #expect(client.status == .running)
        }
    }

    @Test(arguments: ClientTransportKind.allCases)
    func configuredHeadersAndClientIpReachTheHandler(kind: ClientTransportKind) async throws {
        try await withClientTestScope { scope in
            let calls = ClientTestLog<NacosRequestMeta>()
            let node = try await scope.startNode(on: scope.listenAddress(kind), transport: kind, handlers: self.queryHandlers(seen: calls))
            var configuration = scope.clientConfiguration([try node.address])
            configuration.headers = ["app": "orders", "token": "from-config"]
            configuration.clientIp = "192.168.7.7"
            configuration.labels = ["source": "sdk", "module": "naming", "AppName": "orders"]
            configuration.clientVersion = "Nacos-Swift-Client:headers"
            let client = scope.makeClient(configuration, transport: kind)
            #expect(await client.start())
            let id = try #require(client.connectionId)

            let plain = try await client.request(ClientTestQuery(), expecting: ClientTestQueryResponse.self)
            #expect(plain.message == "\(id)|orders|from-config")
            // A request's own header wins over the configured one.
            let own = try await client.request(ClientTestQuery(headers: ["token": "own"]), expecting: ClientTestQueryResponse.self)
            #expect(own.message == "\(id)|orders|own")

            let meta = try #require(calls.values.first)
            #expect(meta.connectionId == id)
            #expect(meta.clientIp == "192.168.7.7")
            #expect(meta.clientVersion == "Nacos-Swift-Client:headers")
            #expect(meta.labels["AppName"] == "orders")
        }
    }

    @Test func aSlowHandlerTimesOutOnTheManualClock() async throws {
        try await withClientTestScope { scope in
            let clock = NacosManualClock()
            let gate = AsyncGate()
            let node = try await scope.startNode(on: scope.listenAddress(.inMemory), transport: .inMemory, handlers: self.queryHandlers(gate: gate), clock: clock)
            var configuration = scope.clientConfiguration([try node.address])
            configuration.keepAliveTime = .seconds(3_600)
            let client = scope.makeClient(configuration, transport: .inMemory, clock: clock)
            let recorder = ClientEventRecorder(client)
            #expect(await client.start())
            let connection = try await node.registered(client.connectionId)
            _ = try await connection.request(ClientDetectionRequest(), timeout: .seconds(60))
            try await clock.waitForPendingTimers(1)

            let slow = Task {
                try await client.request(ClientTestQuery(headers: ["mode": "slow"]), timeout: .seconds(2))
            }
            try await waitUntil("the handler holds the request") { gate.entered == 1 }
            // The keep-alive sleeper and the call's timeout.
            try await clock.waitForPendingTimers(2)
            clock.advance(by: .milliseconds(1_999))
            #expect(clock.pendingTimerCount == 2)
            clock.advance(by: .milliseconds(1))

            let error = await #expect(throws: NacosRemoteError.self) { _ = try await slow.value }
            #expect(error?.code == .timeout)
            // The timeout made the client re-check the connection's health; healthy, so it stays.
            try await waitUntil("the health re-check reached the server") { connection.meta.lastActiveTime == clock.nowMillis() }
            try await clock.waitForPendingTimers(1)
            #expect(client.status == .running)
            #expect(recorder.pattern == "c")
            #expect(node.manager.connectionCount == 1)
            gate.open()
            // The late answer is dropped; the next request works.
            _ = try await client.request(HealthCheckRequest(), expecting: HealthCheckResponse.self)
        }
    }

    @Test func aSlowHandlerTimesOutOnTheSystemClock() async throws {
        try await withClientTestScope { scope in
            let gate = AsyncGate()
            let node = try await scope.startNode(on: scope.listenAddress(.tcp), transport: .tcp, handlers: self.queryHandlers(gate: gate))
            let client = scope.makeClient(scope.clientConfiguration([try node.address]), transport: .tcp)
            #expect(await client.start())
            let clock = ContinuousClock()
            let started = clock.now
            let error = await #expect(throws: NacosRemoteError.self) {
                _ = try await client.request(ClientTestQuery(headers: ["mode": "slow"]), expecting: ClientTestQueryResponse.self, timeout: .milliseconds(150))
            }
            let elapsed = clock.now - started
            #expect(error?.code == .timeout)
            #expect(elapsed >= .milliseconds(150))
            #expect(elapsed < .seconds(2))
            #expect(gate.entered == 1)
            gate.open()
            #expect(client.status == .running)
        }
    }

    @Test func aRequestWhileDisconnectedWaitsForTheReconnect() async throws {
        try await withClientTestScope { scope in
            let clock = NacosManualClock()
            let calls = ClientTestLog<NacosRequestMeta>()
            let address = scope.listenAddress(.inMemory, name: "flaky")
            let first = try await scope.startNode(on: address, transport: .inMemory, handlers: self.queryHandlers(seen: calls))
            var configuration = scope.clientConfiguration([address])
            configuration.keepAliveTime = .seconds(3_600)
            configuration.reconnectBackoffUnit = .milliseconds(100)
            configuration.retryTimes = 10
            let client = scope.makeClient(configuration, transport: .inMemory, clock: clock)
            let recorder = ClientEventRecorder(client)
            #expect(await client.start())
            try await clock.waitForPendingTimers(1)

            await first.server.shutdown()
            try await waitUntil("disconnected") { recorder.pattern == "cd" }
            #expect(client.status == .unhealthy)
            // The reconnect loop failed once and sleeps (keep-alive + back-off).
            try await clock.waitForPendingTimers(2)

            let started = clock.nowMillis()
            let request = Task {
                try await client.request(ClientTestQuery(), expecting: ClientTestQueryResponse.self, timeout: .seconds(3))
            }
            // The request sleeps too, waiting for a connection.
            try await clock.waitForPendingTimers(3)
            #expect(client.status != .running)

            let second = try await scope.startNode(on: address, transport: .inMemory, handlers: self.queryHandlers(seen: calls))
            // Let time pass in small steps until the client reconnected and the request went through.
            try await waitUntil("the request completed") {
                clock.advance(by: .milliseconds(10))
                return calls.count == 1
            }
            let response = try await request.value
            let newId = try #require(client.connectionId)
            #expect(response.message?.hasPrefix("\(newId)|") == true)
            #expect(second.manager.isRegistered(newId))
            try await recorder.waitForPattern("cdc")
            #expect(clock.nowMillis() - started < 3_000)
        }
    }

    @Test func aRequestCutOffByTheServerIsRetriedOnTheNewConnection() async throws {
        try await withClientTestScope { scope in
            let gate = AsyncGate()
            let calls = ClientTestLog<NacosRequestMeta>()
            let node = try await scope.startNode(on: scope.listenAddress(.inMemory), transport: .inMemory, handlers: self.queryHandlers(gate: gate, seen: calls))
            var configuration = scope.clientConfiguration([try node.address])
            // Each try without a connection waits 100 ms; allow the reconnect most of the 5 s timeout on a loaded machine.
            configuration.retryTimes = 40
            let client = scope.makeClient(configuration, transport: .inMemory)
            let recorder = ClientEventRecorder(client)
            #expect(await client.start())
            let oldId = try #require(client.connectionId)
            _ = try await node.registered(oldId)
            let request = Task {
                try await client.request(ClientTestQuery(headers: ["mode": "slow-once"]), expecting: ClientTestQueryResponse.self, timeout: .seconds(5))
            }
            try await waitUntil("the handler holds the first attempt") { gate.entered == 1 }

            node.manager.unregister(oldId)

            let response = try await request.value
            let newId = try #require(client.connectionId)
            #expect(newId != oldId)
            #expect(response.message?.hasPrefix("\(newId)|") == true)
            #expect(calls.values.map(\.connectionId) == [oldId, newId])
            try await recorder.waitForPattern("cdc")
            gate.open()
        }
    }

    @Test func aRequestGivesUpWhenNoConnectionComesBack() async throws {
        try await withClientTestScope { scope in
            let clock = NacosManualClock()
            var configuration = scope.clientConfiguration([scope.listenAddress(.inMemory, name: "never")])
            configuration.startAttempts = 1
            configuration.retryTimes = 3
            configuration.keepAliveTime = .seconds(3_600)
            configuration.reconnectBackoffUnit = .seconds(60)
            let client = scope.makeClient(configuration, transport: .inMemory, clock: clock)
            #expect(await client.start() == false)
            try await clock.waitForPendingTimers(2)
            let request = Task { try await client.request(HealthCheckRequest(), timeout: .seconds(3)) }
            // retryTimes + 1 = 4 tries, each waiting 100 ms for a connection.
            for waiting in 1...4 {
                try await clock.waitForPendingTimers(3, "timers (wait \(waiting) for a connection)")
                clock.advance(by: .milliseconds(100))
            }
            let error = await #expect(throws: NacosRemoteError.self) { _ = try await request.value }
            #expect(error?.code == .notRunning)
        }
    }

    @Test func shutdownClosesTheConnectionAndRefusesRequests() async throws {
        try await withClientTestScope { scope in
            let gate = AsyncGate()
            let node = try await scope.startNode(on: scope.listenAddress(.inMemory), transport: .inMemory, handlers: self.queryHandlers(gate: gate))
            let client = scope.makeClient(scope.clientConfiguration([try node.address]), transport: .inMemory)
            let recorder = ClientEventRecorder(client)
            #expect(await client.start())
            let id = try #require(client.connectionId)
            _ = try await node.registered(id)
            let pending = Task {
                try await client.request(ClientTestQuery(headers: ["mode": "slow"]), timeout: .seconds(10))
            }
            try await waitUntil("the handler holds the request") { gate.entered == 1 }

            client.shutdown()

            #expect(client.status == .shutdown)
            #expect(!client.isRunning)
            #expect(client.connectionId == nil)
            #expect(client.currentServer == nil)
            #expect(recorder.events == [.connected(connectionId: id, server: try node.address), .disconnected(connectionId: id, server: try node.address)])
            // The request in flight fails at once.
            let inFlight = await #expect(throws: NacosRemoteError.self) { _ = try await pending.value }
            #expect(inFlight?.code == .connectionClosed)
            // Later requests are refused without waiting.
            let later = await #expect(throws: NacosRemoteError.self) {
                _ = try await client.request(HealthCheckRequest(), timeout: .seconds(10))
            }
            #expect(later?.code == .notRunning)
            try await waitUntil("the server unregistered the connection") { !node.manager.isRegistered(id) }
            // Neither start() nor a second shutdown() brings it back or fires listeners again.
            #expect(await client.start() == false)
            client.shutdown()
            #expect(client.status == .shutdown)
            #expect(recorder.events.count == 2)
            gate.open()
        }
    }
}
