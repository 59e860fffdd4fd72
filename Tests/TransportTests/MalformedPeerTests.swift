#if canImport(Glibc)
import Glibc
#endif
import NacosTestKit
import NacosTransport
import Testing

/// Peers that break the framing below the frame layer, over raw sockets.
@Suite struct MalformedPeerTests {
    @Test(arguments: ["127.0.0.1", "::1"])
    func oversizedLengthHeaderClosesOnlyThatConnectionAndLogsAWarning(host: String) async throws {
        try await withEventLoopGroup { group in
            let logs = CapturingLogHandler()
            var configuration = NacosTransportConfiguration()
            configuration.maxFrameLength = 64 * 1024
            let transport = NacosTCPTransport(group: group, configuration: configuration, logger: logs.logger())
            let accepted = AcceptedConnections(echo: true)
            let listener = try await transport.listen(on: try NacosSocketAddress(ipAddress: host, port: 0), acceptor: accepted.acceptor)

            // A well-behaved client first.
            let good = try await transport.connect(to: listener.localAddress)
            let goodCollector = FrameCollector()
            good.start(goodCollector)
            good.send(NacosByteBuffer(string: "before"))
            _ = try await goodCollector.waitForFrames(1)
            try await accepted.waitForCount(1)

            // The raw peer announces a 4 GiB frame and follows it with some payload.
            let raw = try RawSocket(connectingTo: listener.localAddress)
            try await accepted.waitForCount(2)
            try await raw.write([0xFF, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0x42, count: 100))
            let (echoed, end) = try await raw.readToEnd()
            #expect(echoed.isEmpty, "nothing may be echoed for a rejected frame")
            #expect(end == .eof || end == .error(ECONNRESET))
            raw.close()

            // The server side closed with .frameTooLarge and delivered nothing.
            let rawSide = accepted.entry(1).handler
            try await rawSide.waitForClose()
            #expect(rawSide.closeError?.transportCode == .frameTooLarge)
            #expect(rawSide.frameCount == 0)

            // A warning names the length and the maximum.
            let warnings = logs.events.filter { $0.level == .warning }
            #expect(warnings.count == 1)
            let message = try #require(warnings.first?.message)
            #expect(message.contains("4294967295"), "\(message)")
            #expect(message.contains("\(64 * 1024)"), "\(message)")
            #expect(message.contains("maximum"), "\(message)")

            // The other connection and the listener keep working.
            good.send(NacosByteBuffer(string: "after"))
            let frames = try await goodCollector.waitForFrames(2)
            #expect(frames == [NacosByteBuffer(string: "before"), NacosByteBuffer(string: "after")])
            #expect(good.isOpen)
            #expect(accepted.entry(0).handler.isClosed == false)
            let another = try await transport.connect(to: listener.localAddress)
            let anotherCollector = FrameCollector()
            another.start(anotherCollector)
            another.send(NacosByteBuffer(string: "new"))
            #expect(try await anotherCollector.waitForFrames(1) == [NacosByteBuffer(string: "new")])

            good.close()
            another.close()
            _ = await good.closed()
            _ = await another.closed()
            await listener.close()
        }
    }

    @Test func oversizedHeaderArrivingByteByByteIsRejected() async throws {
        try await withEventLoopGroup { group in
            let logs = CapturingLogHandler()
            var configuration = NacosTransportConfiguration()
            configuration.maxFrameLength = 1000
            let transport = NacosTCPTransport(group: group, configuration: configuration, logger: logs.logger())
            let accepted = AcceptedConnections(echo: true)
            let listener = try await transport.listen(on: .loopbackIPv4(), acceptor: accepted.acceptor)
            let raw = try RawSocket(connectingTo: listener.localAddress)
            try await accepted.waitForCount(1)
            // A valid frame, then the header of a 1001-byte frame one byte per write.
            try await raw.write(encodeFrames([[1, 2, 3]]))
            try await waitUntil("the valid frame") { accepted.entry(0).handler.frameCount == 1 }
            for byte: UInt8 in [0x00, 0x00, 0x03, 0xE9] {
                #expect(accepted.entry(0).handler.isClosed == false)
                try await raw.write([byte])
            }
            let (echoed, _) = try await raw.readToEnd()
            #expect(echoed == encodeFrames([[1, 2, 3]]))
            try await accepted.entry(0).handler.waitForClose()
            #expect(accepted.entry(0).handler.closeError?.transportCode == .frameTooLarge)
            #expect(logs.events.contains { $0.level == .warning && $0.message.contains("1001") })
            await listener.close()
        }
    }

    @Test func peerClosingMidFrameResetsTheConnectionAndDeliversNothing() async throws {
        try await withEventLoopGroup { group in
            let transport = NacosTCPTransport(group: group, logger: .disabled())
            let accepted = AcceptedConnections()
            let listener = try await transport.listen(on: .loopbackIPv4(), acceptor: accepted.acceptor)
            let raw = try RawSocket(connectingTo: listener.localAddress)
            try await accepted.waitForCount(1)
            // A header announcing 100 bytes, then only 10 of them, then close.
            try await raw.write([0, 0, 0, 100] + [UInt8](repeating: 7, count: 10))
            raw.close()
            let server = accepted.entry(0)
            try await server.handler.waitForClose()
            #expect(server.handler.closeError?.transportCode == .connectionReset)
            #expect(server.handler.frameCount == 0)
            #expect(await server.connection.closed()?.transportCode == .connectionReset)
            #expect(server.connection.isOpen == false)
            await listener.close()
        }
    }

    @Test func peerClosingAfterCompleteFramesIsAnOrderlyClose() async throws {
        try await withEventLoopGroup { group in
            let transport = NacosTCPTransport(group: group, logger: .disabled())
            let accepted = AcceptedConnections()
            let listener = try await transport.listen(on: .loopbackIPv4(), acceptor: accepted.acceptor)
            let raw = try RawSocket(connectingTo: listener.localAddress)
            try await accepted.waitForCount(1)
            try await raw.write(encodeFrames([[1], [], [2, 3]]))
            raw.close()
            let server = accepted.entry(0).handler
            try await server.waitForClose()
            #expect(server.closeError == nil)
            #expect(server.frames == [NacosByteBuffer(bytes: [1]), NacosByteBuffer(), NacosByteBuffer(bytes: [2, 3])])
            await listener.close()
        }
    }

    @Test func halfClosedPeerStillReceivesTheRepliesBeforeTheClose() async throws {
        try await withEventLoopGroup { group in
            let transport = NacosTCPTransport(group: group, logger: .disabled())
            let accepted = AcceptedConnections(echo: true)
            let listener = try await transport.listen(on: .loopbackIPv4(), acceptor: accepted.acceptor)
            let raw = try RawSocket(connectingTo: listener.localAddress)
            let payloads: [[UInt8]] = [[1, 2, 3], [], [UInt8](repeating: 9, count: 100_000), [4]]
            try await raw.write(encodeFrames(payloads))
            // Done sending, still reading: every echo must arrive before the server closes.
            raw.shutdownWrite()
            let (received, end) = try await raw.readToEnd()
            #expect(end == .eof)
            #expect(received == encodeFrames(payloads))
            try await accepted.waitForCount(1)
            try await accepted.entry(0).handler.waitForClose()
            #expect(accepted.entry(0).handler.closeError == nil)
            await listener.close()
        }
    }
}
