import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// Frames that do not decode never crash the server or cost the connection: a request frame whose call id
/// can be read is answered with ErrorResponse 502, anything else is dropped, and the connection (and every
/// other) keeps serving.
@Suite struct ServerMalformedInputTests {
    @Test(arguments: TransportKind.allCases)
    func malformedFramesAreAnsweredOrDroppedAndTheConnectionKeepsServing(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let (peer, id) = try await harness.setUpPeer()
            let (bystander, bystanderId) = try await harness.setUpPeer()
            let valid = try peer.frameBytes(TestEchoRequest(text: "payload"), callId: 70)

            // Request frames with a readable call id: 502 with that call id.
            peer.sendRaw(Array(valid.dropLast(3)))  // truncated body
            peer.sendRaw(try peer.frameBytes(TestEchoRequest(text: "x"), callId: 71) + [0x7d])  // trailing byte
            var badUTF8 = try peer.frameBytes(TestEchoRequest(text: "x"), callId: 72)
            badUTF8[11] = 0xff  // first byte of the type name
            peer.sendRaw(badUTF8)
            var tooManyHeaders = try peer.frameBytes(TestEchoRequest(text: "x"), callId: 73)
            let typeLength = Int(tooManyHeaders[10])
            let clientIpLength = Int(tooManyHeaders[11 + typeLength])
            let headerCountAt = 12 + typeLength + clientIpLength
            tooManyHeaders[headerCountAt] = 0xff
            tooManyHeaders[headerCountAt + 1] = 0xff
            peer.sendRaw(tooManyHeaders)
            var cutAfterCallId = Array(valid.prefix(10))  // nothing after the call id
            cutAfterCallId[9] = 74
            peer.sendRaw(cutAfterCallId)
            var emptyType = Array(valid.prefix(10)) + [0]  // a type length of 0
            emptyType[9] = 75
            peer.sendRaw(emptyType)

            for callId: UInt64 in [70, 71, 72, 73, 74, 75] {
                let response = try await peer.waitForResponse(callId: callId)
                #expect(response.type == "ErrorResponse")
                let error = try response.decodeResponse(as: ErrorResponse.self)
                #expect(error.errorCode == 502, "call \(callId)")
                #expect(error.resultCode == 500)
                #expect(error.message?.hasPrefix("malformed frame") == true, "\(error.message ?? "")")
            }

            // Nothing readable as a request call: dropped silently.
            var random = SeededRandom(seed: 0x5eed)
            var unanswered: [[UInt8]] = [
                [],  // empty frame
                [1],  // version only
                [1, 1, 0, 0],  // call id cut short
            ]
            var wrongVersion = try peer.frameBytes(TestEchoRequest(text: "x"), callId: 80)
            wrongVersion[0] = 2
            unanswered.append(wrongVersion)
            var wrongKind = try peer.frameBytes(TestEchoRequest(text: "x"), callId: 81)
            wrongKind[1] = 3
            unanswered.append(wrongKind)
            var zeroCallId = Array(valid.dropLast(1))
            for index in 2..<10 { zeroCallId[index] = 0 }
            unanswered.append(zeroCallId)
            var brokenResponse = try NacosPayloadCodec().encode(NacosPayload.response(ClientDetectionResponse(), callId: 82)).readableBytesArray
            brokenResponse.removeLast()
            unanswered.append(brokenResponse)
            for _ in 0..<50 {
                var garbage = random.bytes(Int(random.next() % 200) + 1)
                if garbage[0] == 1 { garbage[0] = 0x16 }  // never version 1 (a TLS record byte instead)
                unanswered.append(garbage)
            }
            for frame in unanswered { peer.sendRaw(frame) }
            // An unsolicited, well-formed response (no such call, an unknown push id) is dropped too.
            var stray = ClientDetectionResponse()
            stray.requestId = "999999999"
            try peer.send(NacosPayload.response(stray, callId: 0))
            try peer.send(NacosPayload.response(ClientDetectionResponse(), callId: 83))

            // Everything above was handled in order before this call: its response is the next one.
            let health = try await peer.call(HealthCheckRequest(), callId: 100, as: HealthCheckResponse.self)
            #expect(health.success)
            let answered = Set(peer.responses.map(\.callId))
            #expect(answered == [1, 70, 71, 72, 73, 74, 75, 100])
            #expect(peer.undecodableFrameCount == 0)
            let echo = try await peer.call(TestEchoRequest(text: "after"), callId: 101, as: TestEchoResponse.self)
            #expect(echo.text == "after")
            #expect(!peer.isClosed)
            #expect(harness.manager.isRegistered(id))

            // The other connection never noticed.
            let other = try await bystander.call(HealthCheckRequest(), callId: 2, as: HealthCheckResponse.self)
            #expect(other.success)
            #expect(bystander.responses.map(\.callId) == [1, 2])
            #expect(harness.manager.isRegistered(bystanderId))
            #expect(harness.server.openConnectionCount == 2)
            try await harness.logs.waitForMessage(containing: "malformed frame on connection")
        }
    }

    @Test(arguments: TransportKind.allCases)
    func malformedFrameBeforeSetUpIsAnsweredToo(_ kind: TransportKind) async throws {
        try await withServer(kind) { harness in
            let peer = try await harness.connect()
            let frame = try peer.frameBytes(ServerCheckRequest(), callId: 5)
            peer.sendRaw(Array(frame.dropLast()))
            let error = try await peer.waitForResponse(callId: 5).decodeResponse(as: ErrorResponse.self)
            #expect(error.errorCode == 502)
            // Then the handshake proceeds as usual on the same connection.
            let id = try await peer.handshake()
            try await waitUntil("registration") { harness.manager.isRegistered(id) }
        }
    }

    @Test(arguments: TransportKind.allCases)
    func headerLimitComesFromTheServerConfiguration(_ kind: TransportKind) async throws {
        try await withServer(kind, configure: { $0.maxHeaderCount = 2 }) { harness in
            let (peer, _) = try await harness.setUpPeer()
            let two = TestEchoRequest(text: "two", headers: ["a": "1", "b": "2"])
            #expect(try await peer.call(two, callId: 2, as: TestEchoResponse.self).text == "two")
            // Three headers are one too many for this server, though the default codec accepts them.
            let three = TestEchoRequest(text: "three", headers: ["a": "1", "b": "2", "c": "3"])
            let error = try await peer.callExpectingError(three, callId: 3)
            #expect(error.errorCode == 502)
            #expect(error.message?.contains("headers exceed the limit of 2") == true, "\(error.message ?? "")")
            #expect(harness.probe.callCount(TestEchoRequest.typeName) == 1)
        }
    }

    @Test func mutatedSetUpFramesNeverCrashTheServer() async throws {
        try await withServer(.inMemory) { harness in
            var random = SeededRandom(seed: 42)
            let probe = try await harness.connect()
            let setup = try probe.frameBytes(
                ConnectionSetupRequest(clientVersion: "v", labels: RawRpcPeer.sdkLabels, abilityTable: [:]), callId: 0
            )
            // One byte flipped at a time, each on a fresh connection: the server answers, drops or closes,
            // and keeps accepting.
            for round in 0..<40 {
                let peer = try await harness.connect()
                var mutated = setup
                let index = Int(random.next() % UInt64(mutated.count))
                mutated[index] ^= UInt8(truncatingIfNeeded: random.next() | 1)
                peer.sendRaw(mutated)
                try peer.send(HealthCheckRequest(), callId: UInt64(1000 + round))
                try await waitUntil("an answer or a close in round \(round)") {
                    peer.response(callId: UInt64(1000 + round)) != nil || peer.isClosed
                }
                peer.close()
            }
            let check = try await probe.serverCheck()
            #expect(check.success)
        }
    }
}
