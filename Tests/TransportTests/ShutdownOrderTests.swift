import NacosTestKit
import NacosTransport
import Testing

/// Calls that reach a group after it has shut down fail or return; none waits forever.
@Suite struct ShutdownOrderTests {
    @Test func listenerCloseAfterGroupShutdownReturns() async throws {
        let group = try NacosEventLoopGroup(numberOfThreads: 1)
        let transport = NacosTCPTransport(group: group)
        let listener = try await transport.listen(on: .loopbackIPv4()) { $0.start(EchoHandler()) }
        await group.shutdownGracefully()
        await listener.close()
        // Shutting down closed the socket: nothing listens on the port any more.
        let other = try NacosEventLoopGroup(numberOfThreads: 1)
        await #expect(throws: NacosTransportError.self) {
            _ = try await NacosTCPTransport(group: other).connect(to: listener.localAddress, timeout: .seconds(2))
        }
        await other.shutdownGracefully()
    }

    @Test(arguments: [false, true])
    func connectAndListenAfterShutdownThrowShutDown(inMemory: Bool) async throws {
        let group = try NacosEventLoopGroup(numberOfThreads: 1)
        let transport: any NacosTransport = inMemory ? NacosInMemoryTransport(group: group) : NacosTCPTransport(group: group)
        let address: NacosSocketAddress = inMemory ? .inMemory("after-shutdown") : .loopbackIPv4()
        let listener = try await transport.listen(on: address) { $0.start(EchoHandler()) }
        await group.shutdownGracefully()
        let error = await #expect(throws: NacosTransportError.self) {
            _ = try await transport.connect(to: listener.localAddress)
        }
        #expect(error?.code == .shutDown)
        if !inMemory {
            let listenError = await #expect(throws: NacosTransportError.self) {
                _ = try await transport.listen(on: .loopbackIPv4()) { _ in }
            }
            #expect(listenError?.code == .shutDown)
        }
    }
}
