import NacosTestKit
import NacosTransport
import Testing

/// A peer that never reads: writability turns off at the high watermark, the hard limit refuses further
/// frames with `.writeBufferFull`, and writability comes back once the peer reads.
@Suite struct BackPressureTests {
    static var configuration: NacosTransportConfiguration {
        var configuration = NacosTransportConfiguration()
        configuration.writeBufferHighWatermark = 256 * 1024
        configuration.writeBufferLowWatermark = 64 * 1024
        configuration.maxPendingWriteBytes = 1024 * 1024
        return configuration
    }

    static let frameSize = 64 * 1024

    /// Filler the frames are cut from (contiguous, so building a frame is one copy).
    static let filler: [UInt8] = (0..<(frameSize + 256)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }

    /// A 64 KiB frame that starts with its index.
    static func frame(_ index: Int) -> NacosByteBuffer {
        var buffer = NacosByteBuffer(capacity: Self.frameSize)
        buffer.writeInteger(UInt32(index))
        buffer.writeBytes(Self.filler[(index % 256)..<(index % 256 + Self.frameSize - 4)])
        return buffer
    }

    @Test func tcp() async throws {
        try await withEventLoopGroup { group in
            try await Self.run(transport: NacosTCPTransport(group: group, configuration: Self.configuration), address: .loopbackIPv4())
        }
    }

    @Test func inMemory() async throws {
        try await withEventLoopGroup { group in
            try await Self.run(transport: NacosInMemoryTransport(group: group, configuration: Self.configuration), address: .inMemory("back-pressure"))
        }
    }

    /// Returns once every send submitted so far from this task has reached the connection's stream: sends
    /// from outside the loop are queued and drained by loop tasks, which run in submission order.
    static func barrier(_ connection: any NacosConnection) async throws {
        let reached = LockedValue(false)
        connection.eventLoop.execute { reached.withLock { $0 = true } }
        try await waitUntil("the loop to drain the sends") { reached.value }
    }

    static func run(transport: any NacosTransport, address: NacosSocketAddress) async throws {
        let configuration = Self.configuration
        let accepted = AcceptedConnections()
        let listener = try await transport.listen(on: address, acceptor: accepted.acceptor)
        // The client connects but does not start: it reads nothing.
        let client = try await transport.connect(to: listener.localAddress)
        try await accepted.waitForCount(1)
        let (server, serverHandler) = accepted.entry(0)
        #expect(server.isWritable)

        // 1. Send (a few frames in flight at a time) until the server side reports itself unwritable.
        let results = SendResults()
        var sent = 0
        let maxInFlight = 6  // 6 × 64 KiB is above the 256 KiB high watermark
        while !serverHandler.writabilityChanges.contains(false) {
            guard sent < 1000 else {
                Issue.record("64 MiB were sent to a peer that does not read and the connection stayed writable")
                return
            }
            results.send(Self.frame(sent), on: server, index: sent)
            sent += 1
            let sentSoFar = sent
            try await waitUntil("sends to complete or the connection to become unwritable") {
                sentSoFar - results.completedCount < maxInFlight || serverHandler.writabilityChanges.contains(false)
            }
        }
        #expect(serverHandler.writabilityChanges.first == false)
        #expect(results.failures.isEmpty, "no send may fail before the hard limit: \(results.failures)")

        // 2. Keep sending, in batches, until the hard limit refuses a frame instead of queueing it. (Over TCP
        //    the kernel may still take bytes for a while, so how many frames fit is not known in advance.)
        let unwritableAt = sent
        while results.failures.isEmpty {
            guard sent - unwritableAt < 1000 else {
                Issue.record("64 MiB more were accepted for a peer that does not read; the hard limit never applied")
                return
            }
            for index in sent..<sent + 20 {
                results.send(Self.frame(index), on: server, index: index)
            }
            sent += 20
            try await Self.barrier(server)
        }
        // Everything sent has been queued or refused by now.
        let failures = results.failures
        #expect(failures.values.allSatisfy { $0 == .writeBufferFull }, "\(failures)")
        let firstFailure = try #require(failures.keys.min())
        #expect(firstFailure >= unwritableAt)
        // Memory stays bounded: what is queued and not yet handed to the kernel is within the hard limit.
        let uncompleted = sent - results.completedCount
        #expect(uncompleted * Self.frameSize <= configuration.maxPendingWriteBytes, "\(uncompleted) frames queued")
        if address.family == .inMemory {
            // No kernel in between (over TCP the kernel may still be taking bytes): the queue is above the
            // high watermark, once full every later frame fails, and everything accepted is held for the
            // peer within the limit.
            #expect(!server.isWritable)
            #expect(Set(failures.keys) == Set(firstFailure..<sent), "\(failures.keys.sorted())")
            #expect(firstFailure * Self.frameSize <= configuration.maxPendingWriteBytes)
        }
        #expect(server.isOpen, "a full write buffer must not close the connection")

        // 3. The client starts reading: the queue drains and writability comes back.
        let clientCollector = FrameCollector()
        client.start(clientCollector)
        try await waitUntil("writability to come back") { serverHandler.writabilityChanges.last == true }
        #expect(server.isWritable)
        try await waitUntil("all accepted sends to complete") { results.completedCount == sent }
        // Refused frames must leave nothing of themselves in the stream: exactly the accepted frames
        // arrive, whole and in order.
        let acceptedIndices = (0..<sent).filter { results.failures[$0] == nil }
        do {
            try await waitUntil(timeout: .seconds(5), "\(acceptedIndices.count) frames") { clientCollector.frameCount >= acceptedIndices.count }
        } catch {
            Issue.record("\(clientCollector.frameCount) of \(acceptedIndices.count) accepted frames arrived")
        }
        let delivered = clientCollector.frames
        #expect(delivered.count == acceptedIndices.count)
        let indices = delivered.map { $0.getInteger(at: $0.readerIndex, as: UInt32.self).map(Int.init) ?? -1 }
        #expect(indices == acceptedIndices, "frames must arrive complete and in order")
        #expect(delivered.allSatisfy { $0.readableBytes == Self.frameSize })
        #expect(zip(delivered, acceptedIndices).allSatisfy { $0 == Self.frame($1) })

        // 4. The connection is fully usable again: the next frame decodes as itself.
        let after = try await sendAndWait(NacosByteBuffer(string: "after"), on: server)
        #expect(after.failureCode == nil)
        do {
            try await waitUntil(timeout: .seconds(5), "the frame sent after the queue drained") {
                clientCollector.frameCount > delivered.count
            }
            #expect(clientCollector.frames.last == NacosByteBuffer(string: "after"))
        } catch {
            Issue.record("the frame sent after the refused ones never arrived: the refused frames corrupted the stream")
        }

        client.close()
        _ = await client.closed()
        await listener.close()
    }
}
