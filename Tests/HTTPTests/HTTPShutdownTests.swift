import NacosHTTP
import NacosTestKit
import NacosTransport
import Testing

@Suite struct HTTPShutdownTests {
    static func slowResponder(_ gate: AsyncGate) -> ClosureResponder {
        ClosureResponder { request in
            if request.path == "/slow" { await gate.wait() }
            return .text("answer \(request.path)")
        }
    }

    @Test(arguments: TransportKind.allCases)
    func gracefulShutdownFinishesRequestsInProgress(kind: TransportKind) async throws {
        let gate = AsyncGate()
        try await withHTTPServer(kind, responder: Self.slowResponder(gate)) { scenario async throws in
            let busy = try await scenario.raw()
            busy.write("GET /slow HTTP/1.1\r\n\r\n")
            try await waitUntil("the slow request to reach the responder") { gate.entered == 1 }
            let idle = try await scenario.raw()
            idle.write("GET /fast HTTP/1.1\r\n\r\n")
            #expect(try await idle.waitForResponses(1)[0].text == "answer /fast")
            let silent = try await scenario.raw()
            try await waitUntil("three connections") { scenario.server.connectionCount == 3 }

            let shutdown = Task { await scenario.server.shutdown(gracePeriod: .seconds(10)) }
            try await idle.waitForClose()
            try await silent.waitForClose()
            try await waitUntil("only the busy connection to remain") { scenario.server.connectionCount == 1 }
            #expect(!busy.isClosed)
            await #expect(throws: (any Error).self) {
                _ = try await RawHTTPConnection.connect(transport: scenario.transport, to: scenario.address)
            }

            gate.open()
            let response = try await busy.waitForResponses(1)[0]
            #expect(response.text == "answer /slow")
            #expect(response.header("Connection") == "close")
            try await busy.waitForClose()
            await shutdown.value
            #expect(scenario.server.connectionCount == 0)
        }
    }

    @Test(arguments: TransportKind.allCases)
    func gracePeriodEndsWithAForcedClose(kind: TransportKind) async throws {
        let gate = AsyncGate()
        try await withHTTPServer(kind, responder: Self.slowResponder(gate)) { scenario async throws in
            let busy = try await scenario.raw()
            busy.write("GET /slow HTTP/1.1\r\n\r\n")
            try await waitUntil("the slow request to reach the responder") { gate.entered == 1 }
            let partial = try await scenario.raw()
            partial.write("GET /never-finished HTTP/1.1\r\n")
            try await waitUntil("two connections") { scenario.server.connectionCount == 2 }

            await scenario.server.shutdown(gracePeriod: .milliseconds(100))
            #expect(scenario.server.connectionCount == 0)
            try await busy.waitForClose()
            try await partial.waitForClose()
            #expect(busy.received.isEmpty)
            // The responder finishing after its connection was closed changes nothing.
            gate.open()
            await #expect(throws: (any Error).self) {
                _ = try await scenario.server.start(on: scenario.kind.listenAddress)
            }
        }
    }
}
