import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// Nacos's unary dispatch order (reference §1.4; §9 scenario 1, `GrpcRequestAcceptorTest`), over every transport.
@Suite struct ServerDispatchTests {
    static let kinds = TransportKind.allCases

    @Test(arguments: kinds)
    func serverNotStartedAnswers300ToEverything(_ kind: TransportKind) async throws {
        try await withServer(kind, startMode: .boundOnly) { harness in
            #expect(harness.server.status == .starting)
            let peer = try await harness.connect()
            // The status check precedes ServerCheck: clients cannot connect during startup.
            let check = try await peer.callExpectingError(ServerCheckRequest(), callId: 1)
            #expect(check.errorCode == 300)
            #expect(check.resultCode == 500)
            #expect(check.message == "Server is starting,please try later.")
            #expect(!check.success)
            for (callId, request) in [(2, TestEchoRequest(text: "x")), (3, TestEchoRequest(text: "y"))] as [(UInt64, TestEchoRequest)] {
                let error = try await peer.callExpectingError(request, callId: callId)
                #expect(error.errorCode == 300)
            }
            let unknown = try await peer.callExpectingError(HealthCheckRequest(), callId: 4)
            #expect(unknown.errorCode == 300)
            #expect(harness.probe.callCount(TestEchoRequest.typeName) == 0)

            // Once marked started, the same connection is served.
            harness.server.markStarted()
            #expect(harness.server.status == .running)
            let response = try await peer.call(ServerCheckRequest(), callId: 5, as: ServerCheckResponse.self)
            #expect(response.success && response.connectionId != nil)
        }
    }

    @Test(arguments: kinds)
    func serverCheckAnswersWithoutSetUp(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let before = NacosSystemClock(group: harness.group).nowMillis()
            let peer = try await harness.connect()
            let payload = try await peer.callPayload(ServerCheckRequest(), callId: 1)
            let after = NacosSystemClock(group: harness.group).nowMillis()
            #expect(payload.kind == .response)
            #expect(payload.callId == 1)
            #expect(payload.type == "ServerCheckResponse")
            #expect(payload.clientIp.isEmpty)
            let response = try payload.decodeResponse(as: ServerCheckResponse.self)
            #expect(response.success && response.resultCode == 200 && response.errorCode == 0)
            #expect(response.supportAbilityNegotiation)
            #expect(response.requestId == nil)

            // <epochMillis>_<remoteIp>_<remotePort>
            let connectionId = try #require(response.connectionId)
            let parts = connectionId.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
            try #require(parts.count == 3, "\(connectionId)")
            let millis = try #require(Int64(parts[0]))
            #expect(millis >= before && millis <= after)
            let port = try #require(Int(parts[2]))
            #expect(port > 0)
            switch kind {
            case .tcp:
                #expect(parts[1] == "127.0.0.1")
                #expect(port == peer.connection.localAddress?.port)
            case .inMemory:
                #expect(parts[1] == peer.connection.localAddress?.host)
            }

            // Not registered: ServerCheck needs no ConnectionSetupRequest.
            #expect(!harness.manager.isRegistered(connectionId))
            #expect(harness.manager.connectionCount == 0)
            #expect(harness.server.openConnectionCount == 1)

            // A second ServerCheck on the same connection returns the same id; another connection gets another.
            let again = try await peer.call(ServerCheckRequest(), callId: 2, as: ServerCheckResponse.self)
            #expect(again.connectionId == connectionId)
            let other = try await harness.connect()
            let otherCheck = try await other.serverCheck()
            #expect(otherCheck.connectionId != connectionId)
        }
    }

    @Test(arguments: kinds)
    func unknownTypeAnswers302BeforeAndAfterSetUp(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let peer = try await harness.connect()
            // No handler is checked before registration (step 3 precedes step 4).
            let unknown = NacosPayload(kind: .request, callId: 5, type: "NoSuchRequest", body: NacosByteBuffer(string: "{}"))
            try peer.send(unknown)
            let before = try await peer.waitForResponse(callId: 5).decodeResponse(as: ErrorResponse.self)
            #expect(before.errorCode == 302)
            #expect(before.resultCode == 500)
            #expect(before.message == "RequestHandler Not Found")

            _ = try await peer.handshake()
            try await waitUntil("registration") { harness.manager.connectionCount == 1 }
            // A registered standard type without a handler is just as unknown to dispatch.
            let noHandler = try await peer.callExpectingError(ClientDetectionRequest(), callId: 6)
            #expect(noHandler.errorCode == 302)
            var again = unknown
            again.callId = 7
            try peer.send(again)
            #expect(try await peer.waitForResponse(callId: 7).decodeResponse(as: ErrorResponse.self).errorCode == 302)
        }
    }

    @Test(arguments: kinds)
    func handlerWithoutSetUpAnswers301(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let peer = try await harness.connect()
            let check = try await peer.serverCheck()
            #expect(check.success)
            let error = try await peer.callExpectingError(TestEchoRequest(text: "hi"), callId: 2)
            #expect(error.errorCode == 301)
            #expect(error.resultCode == 500)
            #expect(error.message == "Connection is unregistered.")
            // The built-in HealthCheck handler tells the client the same (it then reconnects).
            let health = try await peer.callExpectingError(HealthCheckRequest(), callId: 3)
            #expect(health.errorCode == 301)
            #expect(harness.probe.callCount(TestEchoRequest.typeName) == 0)

            // After the set-up the same request is served.
            try peer.sendSetup()
            try await waitUntil("registration") { harness.manager.isRegistered(check.connectionId!) }
            let echo = try await peer.call(TestEchoRequest(text: "hi"), callId: 4, as: TestEchoResponse.self)
            #expect(echo.text == "hi")
            let healthy = try await peer.call(HealthCheckRequest(), callId: 5, as: HealthCheckResponse.self)
            #expect(healthy.success)
        }
    }

    @Test(arguments: kinds)
    func badBodyAnswers502(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let (peer, _) = try await harness.setUpPeer()
            for (callId, body) in [(10, "{not json"), (11, "[1,2,3]"), (12, #"{"text":{"nested":true}}"#), (13, "")] as [(UInt64, String)] {
                let payload = NacosPayload(kind: .request, callId: callId, type: TestEchoRequest.typeName, body: NacosByteBuffer(string: body))
                try peer.send(payload)
                let error = try await peer.waitForResponse(callId: callId).decodeResponse(as: ErrorResponse.self)
                #expect(error.errorCode == 502, "body \(body)")
                #expect(error.resultCode == 500)
                #expect(error.message?.isEmpty == false)
            }
            #expect(harness.probe.callCount(TestEchoRequest.typeName) == 0)
            // Unknown fields and coerced scalars are fine (Jackson leniency).
            let lenient = NacosPayload(
                kind: .request, callId: 14, type: TestEchoRequest.typeName,
                body: NacosByteBuffer(string: #"{"text":42,"extra":[1],"module":"whatever","headers":{"a":"b"}}"#)
            )
            try peer.send(lenient)
            let echo = try await peer.waitForResponse(callId: 14).decodeResponse(as: TestEchoResponse.self)
            #expect(echo.text == "42")
        }
    }

    @Test(arguments: kinds)
    func handlerAnswersWithItsTypedResponse(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let (peer, connectionId) = try await harness.setUpPeer(clientIp: "10.1.2.3")
            var request = TestEchoRequest(text: "héllo 服务")
            request.headers = ["app": "demo", "X-Trace": "t1"]
            let payload = try await peer.callPayload(request, callId: 42)
            #expect(payload.callId == 42)
            #expect(payload.type == TestEchoResponse.typeName)
            let response = try payload.decodeResponse(as: TestEchoResponse.self)
            #expect(response.success && response.resultCode == 200 && response.errorCode == 0)
            #expect(response.text == "héllo 服务")
            #expect(response.connectionId == connectionId)
            #expect(response.clientIp == "10.1.2.3")
            #expect(response.appName == "app")
            #expect(response.requestId == nil)
            // The payload's headers were merged into the request.
            #expect(harness.probe.seenEchoHeaders.last == ["app": "demo", "X-Trace": "t1"])
            let meta = try #require(harness.probe.seenMetas.last)
            #expect(meta.connectionId == connectionId)
            #expect(meta.clientVersion == "Nacos-Swift-Test:v1")
            #expect(meta.labels == RawRpcPeer.sdkLabels)
            #expect(meta.abilityTable == nil)

            // A payload without clientIp falls back to the IP the connection declared at set-up.
            let anonymous = try NacosPayload.request(TestEchoRequest(text: "anon"), callId: 43, clientIp: "")
            try peer.send(anonymous)
            let fallback = try await peer.waitForResponse(callId: 43).decodeResponse(as: TestEchoResponse.self)
            #expect(fallback.clientIp == "10.1.2.3")
        }
    }

    @Test(arguments: kinds)
    func nacosExceptionAnswersItsCodeAsResultAndErrorCode(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let (peer, _) = try await harness.setUpPeer()
            let payload = try await peer.callPayload(TestInvalidParamRequest(), callId: 8)
            #expect(payload.type == "ErrorResponse")
            let error = try payload.decodeResponse(as: ErrorResponse.self)
            #expect(error.resultCode == 400)
            #expect(error.errorCode == 400)
            #expect(error.message == "bad param")
            #expect(!error.success)
        }
    }

    @Test(arguments: kinds)
    func plainErrorAnswers500(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let (peer, _) = try await harness.setUpPeer()
            let error = try await peer.callExpectingError(TestCrashRequest(), callId: 9)
            #expect(error.resultCode == 500)
            #expect(error.errorCode == 500)
            #expect(error.message?.contains("test handler failure") == true)
            // The connection keeps serving.
            let echo = try await peer.call(TestEchoRequest(text: "still here"), callId: 10, as: TestEchoResponse.self)
            #expect(echo.text == "still here")
            #expect(harness.manager.connectionCount == 1)
        }
    }

    @Test(arguments: kinds)
    func clusterOnlyTypeIsForbiddenOnTheSdkPort(_ kind: TransportKind) async throws {
        try await withServer(kind, kind: .sdk) { harness in
            // Whatever the connection's labels say, the SDK port refuses cluster-only types.
            for labels in [RawRpcPeer.sdkLabels, RawRpcPeer.clusterLabels] {
                let (peer, _) = try await harness.setUpPeer(labels: labels)
                let error = try await peer.callExpectingError(ServerReloadRequest(reloadCount: 1), callId: 20)
                #expect(error.errorCode == 502)
                #expect(error.resultCode == 500)
                #expect(error.message == " invoke ServerReloadRequest from sdk is forbidden")
            }
            #expect(harness.probe.callCount(ServerReloadRequest.typeName) == 0)
        }
    }

    @Test(arguments: kinds)
    func clusterOnlyTypeIsServedOnTheClusterPort(_ kind: TransportKind) async throws {
        try await withServer(kind, kind: .cluster) { harness in
            let (peer, _) = try await harness.setUpPeer(labels: RawRpcPeer.clusterLabels)
            let response = try await peer.call(ServerReloadRequest(reloadCount: 1), callId: 20, as: ServerReloadResponse.self)
            #expect(response.success)
            #expect(response.message == "ok")
            #expect(harness.probe.callCount(ServerReloadRequest.typeName) == 1)
        }
    }

    @Test(arguments: kinds)
    func concurrentResponsesComeBackOutOfOrderMatchedByCallId(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let (peer, _) = try await harness.setUpPeer()
            try peer.send(TestSlowRequest(), callId: 31)
            try await waitUntil("the slow handler to start") { harness.probe.gate.entered == 1 }
            try peer.send(TestEchoRequest(text: "fast-1"), callId: 32)
            try peer.send(TestEchoRequest(text: "fast-2"), callId: 33)
            let fast1 = try await peer.waitForResponse(callId: 32).decodeResponse(as: TestEchoResponse.self)
            let fast2 = try await peer.waitForResponse(callId: 33).decodeResponse(as: TestEchoResponse.self)
            #expect(fast1.text == "fast-1")
            #expect(fast2.text == "fast-2")
            #expect(peer.response(callId: 31) == nil)

            harness.probe.gate.open()
            let slow = try await peer.waitForResponse(callId: 31).decodeResponse(as: TestEchoResponse.self)
            #expect(slow.text == "slow")
            let order = peer.responses.map(\.callId).filter { [31, 32, 33].contains($0) }
            #expect(order.last == 31)
            #expect(order.count == 3)
        }
    }

    @Test(arguments: kinds)
    func manyConcurrentCallsOnManyConnectionsAreEachAnsweredOnce(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            var peers: [RawRpcPeer] = []
            for index in 0..<8 {
                peers.append(try await harness.setUpPeer(clientIp: "10.0.1.\(index)").peer)
            }
            let callsPerPeer = 40
            for (index, peer) in peers.enumerated() {
                for call in 0..<callsPerPeer {
                    try peer.send(TestEchoRequest(text: "\(index)/\(call)"), callId: UInt64(100 + call))
                }
            }
            try await waitUntil(timeout: .seconds(10), "every response") {
                peers.allSatisfy { $0.responses.count == callsPerPeer + 1 }  // + the ServerCheckResponse
            }
            for (index, peer) in peers.enumerated() {
                for call in 0..<callsPerPeer {
                    let response = try #require(peer.response(callId: UInt64(100 + call))).decodeResponse(as: TestEchoResponse.self)
                    #expect(response.text == "\(index)/\(call)")
                    #expect(response.clientIp == "10.0.1.\(index)")
                }
                #expect(Set(peer.responses.map(\.callId)).count == callsPerPeer + 1)
            }
            #expect(harness.probe.callCount(TestEchoRequest.typeName) == peers.count * callsPerPeer)
        }
    }

    @Test(arguments: kinds)
    func filterRefusesWithTheHandlersResponseType(_ kind: TransportKind) async throws {
        try await withServer(kind, configureHandlers: { $0.addFilter(DenyTokenFilter()) }) { harness in
            let (peer, _) = try await harness.setUpPeer()
            let denied = TestEchoRequest(text: "secret", headers: ["token": "deny"])
            let payload = try await peer.callPayload(denied, callId: 50)
            #expect(payload.type == TestEchoResponse.typeName)
            let refusal = try payload.decodeResponse(as: TestEchoResponse.self)
            #expect(refusal.resultCode == 500)
            #expect(refusal.errorCode == 403)
            #expect(refusal.message == "no right")
            #expect(refusal.text == nil)
            #expect(harness.probe.callCount(TestEchoRequest.typeName) == 0)

            // A header sent inside the body (not in the payload headers) reaches the filter as well.
            let inBody = NacosPayload(
                kind: .request, callId: 51, type: TestEchoRequest.typeName,
                body: NacosByteBuffer(string: #"{"text":"x","headers":{"token":"deny"},"module":"naming"}"#)
            )
            try peer.send(inBody)
            #expect(try await peer.waitForResponse(callId: 51).decodeResponse(as: TestEchoResponse.self).errorCode == 403)

            let allowed = TestEchoRequest(text: "public", headers: ["token": "ok"])
            let response = try await peer.call(allowed, callId: 52, as: TestEchoResponse.self)
            #expect(response.success && response.text == "public")
            #expect(harness.probe.callCount(TestEchoRequest.typeName) == 1)
        }
    }

    @Test(arguments: kinds)
    func overThresholdResponseIsHeldForTheConfiguredDelay(_ kind: TransportKind) async throws {
        let clock = NacosManualClock()
        try await withServer(kind, clock: clock) { harness in
            let (peer, _) = try await harness.setUpPeer()
            #expect(harness.server.configuration.overThresholdResponseDelay == .seconds(1))
            try peer.send(TestBusyRequest(), callId: 60)
            try await waitUntil("the 503 response to be held") { clock.pendingTimerCount > 0 }
            #expect(peer.response(callId: 60) == nil)
            clock.advance(by: .milliseconds(999))
            #expect(peer.response(callId: 60) == nil)
            clock.advance(by: .milliseconds(1))
            let response = try await peer.waitForResponse(callId: 60).decodeResponse(as: TestEchoResponse.self)
            #expect(response.errorCode == 503)
            #expect(response.resultCode == 500)
            #expect(response.message == "over threshold")
        }
    }
}
