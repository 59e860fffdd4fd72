import NacosTestKit
import NacosTransport
import Testing

/// Orderly closes: a flushing close delivers what was sent first; sends after a close fail.
@Suite struct CloseSemanticsTests {
    enum Kind: String, CaseIterable, Sendable {
        case tcp, inMemory
    }

    static func withTransport(_ kind: Kind, _ body: (any NacosTransport, NacosSocketAddress) async throws -> Void) async throws {
        try await withEventLoopGroup { group in
            switch kind {
            case .tcp: try await body(NacosTCPTransport(group: group, logger: .disabled()), .loopbackIPv4())
            case .inMemory: try await body(NacosInMemoryTransport(group: group, logger: .disabled()), .inMemory("close"))
            }
        }
    }

    /// Filler the payloads are cut from (contiguous, so building a payload is one copy).
    static let filler: [UInt8] = (0..<(200_000 + 256)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }

    /// Frame `index`: its index, then filler at an offset that depends on the index.
    static func payload(_ index: Int) -> NacosByteBuffer {
        let sizes = [0, 1, 100, 5000, 200_000]
        let size = sizes[index % sizes.count]
        var buffer = NacosByteBuffer(capacity: 4 + size)
        buffer.writeInteger(UInt32(index))
        buffer.writeBytes(Self.filler[(index % 256)..<(index % 256 + size)])
        return buffer
    }

    @Test(arguments: Kind.allCases)
    func closeWithFlushDeliversEverySentFrameBeforeThePeerSeesTheClose(kind: Kind) async throws {
        try await Self.withTransport(kind) { transport, address in
            let accepted = AcceptedConnections()
            let listener = try await transport.listen(on: address, acceptor: accepted.acceptor)
            let client = try await transport.connect(to: listener.localAddress)
            client.start(FrameCollector())
            let count = 300
            let results = SendResults()
            for index in 0..<count {
                results.send(Self.payload(index), on: client, index: index)
            }
            client.close(flush: true)
            #expect(await client.closed() == nil)

            try await accepted.waitForCount(1)
            let server = accepted.entry(0).handler
            try await server.waitForClose()
            let state = server.snapshot
            #expect(state.closeError == nil)
            #expect(state.framesAtClose == count, "frames delivered before the close: \(state.framesAtClose ?? -1)")
            #expect(state.frames.count == count)
            #expect(state.frames.enumerated().allSatisfy { $0.element == Self.payload($0.offset) })
            #expect(state.closeCallbacks == 1)
            try await waitUntil("send completions") { results.completedCount == count }
            #expect(results.failures.isEmpty, "\(results.failures)")
            await listener.close()
        }
    }

    @Test(arguments: Kind.allCases)
    func sendAfterCloseFailsWithConnectionClosed(kind: Kind) async throws {
        try await Self.withTransport(kind) { transport, address in
            let accepted = AcceptedConnections(echo: true)
            let listener = try await transport.listen(on: address, acceptor: accepted.acceptor)
            let client = try await transport.connect(to: listener.localAddress)
            let collector = FrameCollector()
            client.start(collector)
            client.close(flush: true)
            #expect(await client.closed() == nil)
            #expect(!client.isOpen)
            let result = try await sendAndWait(NacosByteBuffer(string: "too late"), on: client)
            guard case .failure(let error) = result else {
                Issue.record("a send after close succeeded")
                return
            }
            #expect(error.code == .connectionClosed)
            // Closing again is harmless and reports the close once.
            client.close(flush: true)
            client.close(flush: false)
            #expect(await client.closed() == nil)
            try await waitUntil("server side to close") { accepted.count == 1 && accepted.entry(0).handler.isClosed }
            #expect(collector.snapshot.closeCallbacks == 1)
            #expect(accepted.entry(0).handler.frameCount == 0)
            await listener.close()
        }
    }

    @Test(arguments: Kind.allCases)
    func closeFromTheServerSideIsSeenByTheClient(kind: Kind) async throws {
        try await Self.withTransport(kind) { transport, address in
            let accepted = AcceptedConnections()
            let listener = try await transport.listen(on: address, acceptor: accepted.acceptor)
            let client = try await transport.connect(to: listener.localAddress)
            let collector = FrameCollector()
            client.start(collector)
            try await accepted.waitForCount(1)
            let server = accepted.entry(0).connection
            for index in 0..<50 {
                server.send(Self.payload(index))
            }
            server.close(flush: true)
            try await collector.waitForClose()
            let state = collector.snapshot
            #expect(state.closeError == nil)
            #expect(state.framesAtClose == 50)
            #expect(await server.closed() == nil)
            let result = try await sendAndWait(NacosByteBuffer(string: "x"), on: server)
            #expect(result.failureCode == .connectionClosed)
            await listener.close()
        }
    }

    /// A flushing close to a peer that never reads gives up after `closeFlushTimeout`, failing what is left.
    @Test func flushingCloseToAPeerThatDoesNotReadIsBoundedByTheCloseTimeout() async throws {
        try await withEventLoopGroup { group in
            var configuration = NacosTransportConfiguration()
            configuration.writeBufferHighWatermark = 256 * 1024
            configuration.writeBufferLowWatermark = 64 * 1024
            configuration.closeFlushTimeout = .milliseconds(300)
            let transport = NacosTCPTransport(group: group, configuration: configuration, logger: .disabled())
            let accepted = AcceptedConnections()
            let listener = try await transport.listen(on: .loopbackIPv4(), acceptor: accepted.acceptor)
            let client = try await transport.connect(to: listener.localAddress)  // never started: reads nothing
            try await accepted.waitForCount(1)
            let (server, serverHandler) = accepted.entry(0)
            let results = SendResults()
            var sent = 0
            let frame = NacosByteBuffer(bytes: [UInt8](repeating: 1, count: 64 * 1024))
            while !serverHandler.writabilityChanges.contains(false) && sent < 1000 {
                results.send(frame, on: server, index: sent)
                sent += 1
                let sentSoFar = sent
                try await waitUntil("sends to complete or the connection to become unwritable") {
                    sentSoFar - results.completedCount < 6 || serverHandler.writabilityChanges.contains(false)
                }
            }
            try #require(serverHandler.writabilityChanges.contains(false), "the kernel took 64 MiB without blocking")
            // Queue far more than the kernel buffers can take (the same storage, so no real memory), so the
            // flush cannot finish while the peer does not read.
            for index in sent..<sent + 256 {
                results.send(frame, on: server, index: index)
            }
            sent += 256
            let clock = ContinuousClock()
            let start = clock.now
            server.close(flush: true)
            let error = await server.closed()
            let elapsed = clock.now - start
            #expect(error?.transportCode == .connectionClosed, "\(String(describing: error))")
            #expect(elapsed >= .milliseconds(300), "closed after \(elapsed)")
            #expect(elapsed < .seconds(4), "closed after \(elapsed)")
            try await waitUntil("every send to complete") { results.completedCount == sent }
            #expect(!results.failures.isEmpty)
            #expect(results.failures.values.allSatisfy { $0 == .connectionClosed }, "\(results.failures)")
            client.close(flush: false)
            _ = await client.closed()
            await listener.close()
        }
    }

    @Test(arguments: Kind.allCases)
    func closedWaitersAllResume(kind: Kind) async throws {
        try await Self.withTransport(kind) { transport, address in
            let listener = try await transport.listen(on: address) { $0.start(FrameCollector()) }
            let client = try await transport.connect(to: listener.localAddress)
            client.start(FrameCollector())
            async let first = client.closed()
            async let second = client.closed()
            client.close(flush: false)
            let results = await [first, second]
            #expect(results.allSatisfy { $0 == nil })
            await listener.close()
        }
    }
}

extension Result where Failure == NacosTransportError {
    /// The error code of a failure, `nil` for a success.
    var failureCode: NacosTransportError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
