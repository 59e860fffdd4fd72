import NacosTestKit
import NacosTransport
import Testing

/// Frames above `maxFrameLength` fail in the send completion; the connection stays usable.
@Suite struct SendLimitTests {
    @Test(arguments: CloseSemanticsTests.Kind.allCases)
    func oversizedSendFailsAndTheConnectionStaysUsable(kind: CloseSemanticsTests.Kind) async throws {
        try await withEventLoopGroup { group in
            var configuration = NacosTransportConfiguration()
            configuration.maxFrameLength = 1000
            let transport: any NacosTransport =
                switch kind {
                case .tcp: NacosTCPTransport(group: group, configuration: configuration)
                case .inMemory: NacosInMemoryTransport(group: group, configuration: configuration)
                }
            let address: NacosSocketAddress = kind == .tcp ? .loopbackIPv4() : .inMemory("limits")
            let accepted = AcceptedConnections(echo: true)
            let listener = try await transport.listen(on: address, acceptor: accepted.acceptor)
            let client = try await transport.connect(to: listener.localAddress)
            let collector = FrameCollector()
            client.start(collector)

            let tooLarge = NacosByteBuffer(bytes: [UInt8](repeating: 1, count: 1001))
            let result = try await sendAndWait(tooLarge, on: client)
            #expect(result.failureCode == .frameTooLarge)
            #expect(client.isOpen)

            // Exactly the maximum works, and oversized frames between valid ones are skipped.
            let results = SendResults()
            let frames = [
                NacosByteBuffer(bytes: [UInt8](repeating: 2, count: 1000)),
                NacosByteBuffer(bytes: [UInt8](repeating: 3, count: 5000)),
                NacosByteBuffer(string: "small"),
                NacosByteBuffer(bytes: [UInt8](repeating: 4, count: 100_000)),
                NacosByteBuffer(),
            ]
            for (index, frame) in frames.enumerated() {
                results.send(frame, on: client, index: index)
            }
            try await waitUntil("send completions") { results.completedCount == frames.count }
            #expect(results.failures == [1: .frameTooLarge, 3: .frameTooLarge])
            let echoed = try await collector.waitForFrames(3)
            #expect(echoed == [frames[0], frames[2], frames[4]])
            #expect(client.isOpen)
            #expect(accepted.entry(0).handler.isClosed == false)
            client.close()
            #expect(await client.closed() == nil)
            await listener.close()
        }
    }
}
