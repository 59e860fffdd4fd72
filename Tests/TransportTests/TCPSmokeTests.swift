import NacosTestKit
import NacosTransport
import Testing

@Suite struct TCPSmokeTests {
    @Test func echoOverTCP() async throws {
        let group = try NacosEventLoopGroup(numberOfThreads: 2)
        let transport = NacosTCPTransport(group: group)
        let listener = try await transport.listen(on: .loopbackIPv4()) { connection in
            connection.start(EchoHandler())
        }
        let client = try await transport.connect(to: listener.localAddress)
        let collector = FrameCollector()
        client.start(collector)
        for i in 0..<100 {
            client.send(NacosByteBuffer(string: "frame-\(i)"))
        }
        let frames = try await collector.waitForFrames(100)
        #expect(frames.enumerated().allSatisfy { $0.element == NacosByteBuffer(string: "frame-\($0.offset)") })
        client.close()
        _ = await client.closed()
        await listener.close()
        await group.shutdownGracefully()
    }
}
