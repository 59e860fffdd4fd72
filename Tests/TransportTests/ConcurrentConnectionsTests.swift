import NacosTestKit
import NacosTransport
import Testing

extension HeavyTCPTests {
    @Suite struct ConcurrentConnectionsTests {
        static let connections = 1000
        static let framesPerConnection = 100

        /// Mixed sizes: mostly small, some around the coalescing limit, two above it, and empty frames.
        static let sizes: [Int] = (0..<framesPerConnection).map { index in
            switch index % 50 {
            case 0: 0
            case 7: 20_000
            case 13, 31: 1500
            case 40: 16_384
            default: (index &* 37) % 200
            }
        }

        @Test func thousandConnectionsEachEchoAHundredFramesInOrder() async throws {
            // Thousands of sockets: one heavy test at a time (TestSlots).
            try await TestSlots.heavy.withSlot {
                let limit = FileDescriptors.raiseOpenFileLimit(to: 4 * Self.connections + 512)
                try #require(limit >= 2 * Self.connections + 256, "RLIMIT_NOFILE is \(limit)")
                var random = SeededRandom(seed: 1000)
                let pattern = NacosByteBuffer(bytes: random.bytes(40_000))
                func frame(_ connection: Int, _ index: Int) -> NacosByteBuffer {
                    pattern.getSlice(at: (connection &* 131 &+ index &* 17) % 10_000, length: Self.sizes[index])!
                }

                try await withEventLoopGroup { group in
                    let transport = NacosTCPTransport(group: group)
                    let accepted = AcceptedConnections(echo: true)
                    let listener = try await transport.listen(on: .loopbackIPv4(), acceptor: accepted.acceptor)
                    let address = listener.localAddress

                    let clients = try await withThrowingTaskGroup(of: (Int, any NacosConnection).self) { tasks in
                        for index in 0..<Self.connections {
                            tasks.addTask { (index, try await transport.connect(to: address)) }
                        }
                        var clients = [(any NacosConnection)?](repeating: nil, count: Self.connections)
                        for try await (index, connection) in tasks {
                            clients[index] = connection
                        }
                        return clients.map { $0! }
                    }
                    let collectors = clients.map { client in
                        let collector = FrameCollector()
                        client.start(collector)
                        return collector
                    }
                    for (connection, client) in clients.enumerated() {
                        for index in 0..<Self.framesPerConnection {
                            client.send(frame(connection, index))
                        }
                    }
                    try await waitUntil(timeout: .seconds(30), interval: .milliseconds(10), "every connection's echoes") {
                        collectors.allSatisfy { $0.frameCount >= Self.framesPerConnection }
                    }
                    #expect(accepted.count == Self.connections)
                    var wrong = 0
                    for (connection, collector) in collectors.enumerated() {
                        let frames = collector.frames
                        let expected = (0..<Self.framesPerConnection).map { frame(connection, $0) }
                        if frames != expected {
                            wrong += 1
                            if wrong <= 3 {
                                Issue.record("connection \(connection): \(frames.count) frames, sizes \(frames.map(\.readableBytes).prefix(10))…")
                            }
                        }
                    }
                    #expect(wrong == 0, "\(wrong) connections got wrong or reordered frames")
                    #expect(collectors.allSatisfy { !$0.isClosed })

                    for client in clients {
                        client.close()
                    }
                    for client in clients {
                        #expect(await client.closed() == nil)
                    }
                    try await waitUntil(interval: .milliseconds(10), "server sides to close") {
                        (0..<Self.connections).allSatisfy { accepted.entry($0).handler.isClosed }
                    }
                    await listener.close()
                }
            }
        }
    }
}
