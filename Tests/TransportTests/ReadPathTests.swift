import NacosTestKit
import NacosTransport
import Testing

/// The socket read loop at its edges.
@Suite struct ReadPathTests {
    /// Bytes that fill whole read chunks exactly: after the last full chunk the read loop reads again and
    /// finds the socket empty (EAGAIN), which must simply end the loop.
    @Test(arguments: [1, 3])
    func readsOfExactlyTheChunkSizeFollowedByAnEmptySocket(chunks: Int) async throws {
        try await withEventLoopGroup { group in
            var configuration = NacosTransportConfiguration()
            configuration.readChunkSize = 512
            let transport = NacosTCPTransport(group: group, configuration: configuration, logger: .disabled())
            let accepted = LockedValue<[any NacosConnection]>([])
            // Accept without starting: nothing is read until the bytes are all in the socket.
            let listener = try await transport.listen(on: .loopbackIPv4()) { connection in
                accepted.withLock { $0.append(connection) }
            }
            let raw = try RawSocket(connectingTo: listener.localAddress)
            try await waitUntil("the accept") { accepted.value.count == 1 }
            let server = accepted.value[0]

            let payload = (0..<(512 * chunks - 4)).map { UInt8(truncatingIfNeeded: $0) }
            try await raw.write(encodeFrames([payload]))
            try await waitUntil(interval: .milliseconds(5), "\(512 * chunks) bytes in the server's receive queue") {
                FileDescriptors.receiveQueueBytes(localPort: listener.localAddress.port, remotePort: raw.localPort) == 512 * chunks
            }

            let collector = FrameCollector()
            server.start(collector)
            let frames = try await collector.waitForFrames(1)
            #expect(frames == [NacosByteBuffer(bytes: payload)])
            #expect(server.isOpen)

            // Still reading afterwards.
            try await raw.write(encodeFrames([[1, 2, 3]]))
            #expect(try await collector.waitForFrames(2).last == NacosByteBuffer(bytes: [1, 2, 3]))
            raw.close()
            try await collector.waitForClose()
            #expect(collector.closeError == nil)
            await listener.close()
        }
    }

    /// A frame spread over many reads, with the reader's chunk far smaller than the frame.
    @Test func framesLargerThanTheReadChunkArriveWhole() async throws {
        try await withEventLoopGroup { group in
            var configuration = NacosTransportConfiguration()
            configuration.readChunkSize = 512
            let transport = NacosTCPTransport(group: group, configuration: configuration, logger: .disabled())
            let accepted = AcceptedConnections(echo: true)
            let listener = try await transport.listen(on: .loopbackIPv4(), acceptor: accepted.acceptor)
            let client = try await transport.connect(to: listener.localAddress)
            let collector = FrameCollector()
            client.start(collector)
            var random = SeededRandom(seed: 512)
            let payloads = [random.bytes(100_000), random.bytes(511), random.bytes(512), random.bytes(513), []]
            for payload in payloads {
                client.send(NacosByteBuffer(bytes: payload))
            }
            let frames = try await collector.waitForFrames(payloads.count)
            #expect(frames == payloads.map { NacosByteBuffer(bytes: $0) })
            client.close()
            _ = await client.closed()
            await listener.close()
        }
    }
}
