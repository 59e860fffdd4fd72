import NacosTestKit
import NacosTransport
import Testing

/// `maxConnectionsPerListener` bounds the connections one listener keeps open.
@Suite struct ListenerLimitTests {
    @Test func connectionsBeyondTheLimitAreClosedAndLogged() async throws {
        try await withEventLoopGroup(threads: 2) { group in
            var configuration = NacosTransportConfiguration()
            configuration.maxConnectionsPerListener = 2
            let log = CapturingLogHandler()
            let server = NacosTCPTransport(group: group, configuration: configuration, logger: log.logger())
            let accepted = AcceptedConnections()
            let listener = try await server.listen(on: .loopbackIPv4(), acceptor: accepted.acceptor)
            let client = NacosTCPTransport(group: group)

            var kept: [(any NacosConnection, FrameCollector)] = []
            for _ in 0..<2 {
                let connection = try await client.connect(to: listener.localAddress)
                let collector = FrameCollector()
                connection.start(collector)
                kept.append((connection, collector))
            }
            try await accepted.waitForCount(2)

            // The kernel completes the third handshake; the listener then closes it at once.
            let third = try await client.connect(to: listener.localAddress)
            let thirdCollector = FrameCollector()
            third.start(thirdCollector)
            try await thirdCollector.waitForClose()
            #expect(accepted.count == 2)
            try await log.waitForMessage(containing: "maxConnectionsPerListener")

            // Closing one admitted connection frees a place.
            kept[0].0.close()
            // Accepted connections are recorded from their own loops, so the order may differ from connect order.
            try await waitUntil("the server to see the close") { (0..<2).contains { accepted.entry($0).handler.isClosed } }
            let fourth = try await client.connect(to: listener.localAddress)
            fourth.start(FrameCollector())
            try await accepted.waitForCount(3)
            for (connection, _) in kept.dropFirst() { connection.close() }
            fourth.close()
            await listener.close()
        }
    }
}
