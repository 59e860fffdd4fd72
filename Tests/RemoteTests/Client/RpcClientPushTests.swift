import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// Server pushes (`NacosServerConnection.request`) answered by `NacosRpcClient` (reference §2.3, §8.2).
@Suite("NacosRpcClient server pushes")
struct RpcClientPushTests {
    /// Connects `count` clients, at most `width` handshakes at a time.
    private func connectClients(
        _ count: Int,
        to node: ClientTestNode,
        kind: ClientTransportKind,
        scope: ClientTestScope,
        width: Int,
        handler: (@Sendable (ClientTestPush) async throws -> (any NacosResponse)?)? = nil
    ) async throws -> [NacosRpcClient] {
        var configuration = scope.clientConfiguration([try node.address])
        configuration.keepAliveTime = .seconds(60)
        let clients = (0..<count).map { index -> NacosRpcClient in
            configuration.name = "client-\(index)"
            let client = scope.makeClient(configuration, transport: kind)
            if let handler { client.registerServerRequestHandler(ClientTestPush.self, handler) }
            return client
        }
        let connected = await withTaskGroup(of: Bool.self) { group in
            var connected = 0
            var next = 0
            while next < min(width, clients.count) {
                let client = clients[next]
                group.addTask { await client.start() }
                next += 1
            }
            for await ok in group {
                if ok { connected += 1 }
                if next < clients.count {
                    let client = clients[next]
                    group.addTask { await client.start() }
                    next += 1
                }
            }
            return connected
        }
        #expect(connected == count)
        try await waitUntil("\(count) registered connections") { node.manager.connectionCount == count }
        return clients
    }

    /// Pushes `request` to every registered connection at once; returns the responses by connection id.
    private func pushToAll(_ request: some NacosRequest, manager: NacosConnectionManager) async -> [String: Result<any NacosResponse, any Error>] {
        let connections = Array(manager.currentConnections.values)
        return await withTaskGroup(of: (String, Result<any NacosResponse, any Error>).self) { group in
            for connection in connections {
                group.addTask {
                    do {
                        return (connection.connectionId, .success(try await connection.request(request, timeout: .seconds(10))))
                    } catch {
                        return (connection.connectionId, .failure(error))
                    }
                }
            }
            var results: [String: Result<any NacosResponse, any Error>] = [:]
            for await (id, result) in group { results[id] = result }
            return results
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: ClientTransportKind.allCases)
    func aThousandClientsAnswerConcurrentPushes(kind: ClientTransportKind) async throws {
        try await withClientTestScope { scope in
            let node = try await scope.startNode(on: scope.listenAddress(kind), transport: kind)
            let handled = Atomic<Int>(0)
            let clients = try await self.connectClients(1_000, to: node, kind: kind, scope: scope, width: 200) { push in
                handled.wrappingAdd(1, ordering: .relaxed)
                var response = ClientTestPushResponse()
                response.message = push.header("seq")
                return response
            }
            // Every client's id is the one its server connection is registered under.
            #expect(Set(clients.compactMap(\.connectionId)) == Set(node.manager.currentConnections.keys))

            let detections = await self.pushToAll(ClientDetectionRequest(), manager: node.manager)
            #expect(detections.count == 1_000)
            let detected = detections.values.count { result in
                if case .success(let response) = result { response is ClientDetectionResponse && response.success } else { false }
            }
            #expect(detected == 1_000)

            var push = ClientTestPush()
            push.headers = ["seq": "42"]
            let answers = await self.pushToAll(push, manager: node.manager)
            let answered = answers.values.count { result in
                if case .success(let response) = result {
                    (response as? ClientTestPushResponse)?.message == "42"
                } else {
                    false
                }
            }
            #expect(answered == 1_000)
            #expect(handled.load(ordering: .relaxed) == 1_000)
        }
    }

    @Test(arguments: ClientTransportKind.allCases)
    func customPushHandlersAnswerAndFailuresAreReported(kind: ClientTransportKind) async throws {
        try await withClientTestScope { scope in
            let node = try await scope.startNode(on: scope.listenAddress(kind), transport: kind)
            let client = scope.makeClient(scope.clientConfiguration([try node.address]), transport: kind)
            let seen = Mutex<[ClientTestPush]>([])
            client.registerServerRequestHandler(ClientTestPush.self) { push in
                seen.withLock { $0.append(push) }
                if push.header("mode") == "throw" { throw ClientTestFailure() }
                if push.header("mode") == "silent" { return nil }
                return ClientTestPushResponse()
            }
            #expect(await client.start())
            let connection = try await node.registered(client.connectionId)

            // A handled push: the client's response carries the push's requestId, so it is matched.
            var push = ClientTestPush()
            push.headers = ["mode": "answer", "x-trace": "t-1"]
            let answer = try await connection.request(push, timeout: .seconds(3))
            let typed = try #require(answer as? ClientTestPushResponse)
            #expect(typed.success)
            #expect(typed.requestId != nil)
            #expect(seen.withLock { $0.last?.header("x-trace") } == "t-1")
            #expect(seen.withLock { $0.last?.requestId } == typed.requestId)

            // A handler that throws: ErrorResponse -500 "Handle server request error" (reference §2.3).
            push.headers = ["mode": "throw"]
            let failed = try await connection.request(push, timeout: .seconds(3))
            let error = try #require(failed as? ErrorResponse)
            #expect(error.errorCode == NacosErrorCode.clientError.rawValue)
            #expect(error.resultCode == NacosResponseCode.fail)
            #expect(error.message == "Handle server request error")
            #expect(!error.success)

            // A handler that returns nil sends no response: the push times out.
            push.headers = ["mode": "silent"]
            await #expect(throws: NacosRemoteError.self) {
                _ = try await connection.request(push, timeout: .milliseconds(100))
            }
            #expect(seen.withLock { $0.count } == 3)

            // The connection is still fine, and the client still running.
            let detection = try await connection.request(ClientDetectionRequest(), timeout: .seconds(3))
            #expect(detection is ClientDetectionResponse)
            #expect(client.status == .running)
        }
    }

    @Test func aPushWithoutAHandlerIsAnsweredWith302() async throws {
        try await withClientTestScope { scope in
            let node = try await scope.startNode(on: scope.listenAddress(.inMemory), transport: .inMemory)
            let client = scope.makeClient(scope.clientConfiguration([try node.address]), transport: .inMemory)
            #expect(await client.start())
            let connection = try await node.registered(client.connectionId)
            let response = try await connection.request(ClientTestPush(), timeout: .seconds(3))
            let error = try #require(response as? ErrorResponse)
            #expect(error.errorCode == NacosErrorCode.noHandler.rawValue)
            #expect(error.resultCode == NacosResponseCode.fail)
            #expect(error.message?.contains("ClientTestPush") == true)
            // The server-side request types the client answers itself.
            #expect(try await connection.request(HealthCheckRequest(), timeout: .seconds(3)) is HealthCheckResponse)
            #expect(try await connection.request(ClientDetectionRequest(), timeout: .seconds(3)) is ClientDetectionResponse)
        }
    }

    @Test func aPushWhoseBodyDoesNotDecodeIsAnsweredWith502() async throws {
        try await withClientTestScope { scope in
            let fake = try await scope.startFake(on: scope.listenAddress(.inMemory, name: "raw")) { connection, payload in
                _ = ClientFakeServer.answerServerCheck(connection, payload)
            }
            let client = scope.makeClient(scope.clientConfiguration([try fake.address]), transport: .inMemory)
            let handled = Atomic<Int>(0)
            client.registerServerRequestHandler(ClientTestPush.self) { _ in
                handled.wrappingAdd(1, ordering: .relaxed)
                return ClientTestPushResponse()
            }
            #expect(await client.start())
            let connection = fake.connections[0]
            // `headers` must be an object.
            try connection.sendRaw(
                NacosPayload(kind: .request, type: ClientTestPush.typeName, body: NacosByteBuffer(string: #"{"requestId":"bad-1","headers":5}"#))
            )
            try await waitUntil("the answer to bad-1") { connection.answer(to: "bad-1") != nil }
            let answer = try #require(connection.answer(to: "bad-1"))
            #expect(answer.callId == 0)
            let error = try answer.decodeResponse(as: ErrorResponse.self)
            #expect(error.errorCode == NacosErrorCode.badGateway.rawValue)
            #expect(handled.load(ordering: .relaxed) == 0)
            // The same push, well formed, reaches the handler; the connection survived.
            try connection.sendRaw(
                NacosPayload(kind: .request, type: ClientTestPush.typeName, body: NacosByteBuffer(string: #"{"requestId":"good-1","headers":{}}"#))
            )
            try await waitUntil("the answer to good-1") { connection.answer(to: "good-1") != nil }
            #expect(try connection.answer(to: "good-1")?.decodeResponse(as: ClientTestPushResponse.self).success == true)
            #expect(handled.load(ordering: .relaxed) == 1)
            #expect(client.connectionId == "fake-1")
        }
    }

    @Test func aLaterRegistrationReplacesTheHandler() async throws {
        try await withClientTestScope { scope in
            let node = try await scope.startNode(on: scope.listenAddress(.inMemory), transport: .inMemory)
            let client = scope.makeClient(scope.clientConfiguration([try node.address]), transport: .inMemory)
            client.registerServerRequestHandler(ClientTestPush.self) { _ in ClientTestPushResponse() }
            #expect(await client.start())
            let connection = try await node.registered(client.connectionId)
            #expect(try await connection.request(ClientTestPush(), timeout: .seconds(3)) is ClientTestPushResponse)
            // Registered while connected: used for the next push.
            client.registerServerRequestHandler(ClientTestPush.self) { _ in
                var response = ClientTestPushResponse()
                response.message = "second"
                return response
            }
            let response = try await connection.request(ClientTestPush(), timeout: .seconds(3))
            #expect((response as? ClientTestPushResponse)?.message == "second")
        }
    }

    @Test func aSuccessfulPushAnswerRefreshesTheConnection() async throws {
        try await withClientTestScope { scope in
            let clock = NacosManualClock()
            let node = try await scope.startNode(on: scope.listenAddress(.inMemory), transport: .inMemory, clock: clock)
            var configuration = scope.clientConfiguration([try node.address])
            configuration.keepAliveTime = .seconds(3_600)
            let client = scope.makeClient(configuration, transport: .inMemory)
            #expect(await client.start())
            let connection = try await node.registered(client.connectionId)
            let created = connection.meta.lastActiveTime
            clock.advance(by: .seconds(30))
            _ = try await connection.request(ClientDetectionRequest(), timeout: .seconds(3))
            #expect(connection.meta.lastActiveTime == created + 30_000)
        }
    }
}
