import NacosTLS
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// The TLS stream handler between two in-memory pipe ends, to drive cases sockets cannot produce on demand.
@Suite struct TLSStreamHandlerTests {
    /// Two TLS handlers over a pipe, with recording layers on top.
    struct Fixture {
        let group: NacosEventLoopGroup
        let loop: NacosEventLoop
        let clientEnd: PipeEnd
        let serverEnd: PipeEnd
        let clientInner: RecordingStreamHandler
        let serverInner: RecordingStreamHandler

        init(serverReadsImmediately: Bool = true) async throws {
            let certificates = try TestCertificates.shared
            self.group = try NacosEventLoopGroup(numberOfThreads: 1)
            self.loop = self.group.next()
            (self.clientEnd, self.serverEnd) = PipeEnd.pair(on: self.loop)
            self.clientInner = RecordingStreamHandler()
            self.serverInner = RecordingStreamHandler(readImmediately: serverReadsImmediately)
            let serverLayer = try NacosTLSStreamLayer(configuration: certificates.serverConfiguration())
            let clientLayer = try NacosTLSStreamLayer(configuration: certificates.clientConfiguration())
            let (clientEnd, serverEnd, clientInner, serverInner) = (
                self.clientEnd, self.serverEnd, self.clientInner, self.serverInner
            )
            await self.onLoop {
                clientEnd.handler = clientLayer.makeHandler(
                    wrapping: clientInner,
                    role: .client(serverName: "localhost"),
                    logger: .disabled()
                )
                serverEnd.handler = serverLayer.makeHandler(wrapping: serverInner, role: .server, logger: .disabled())
            }
        }

        func onLoop(_ body: @escaping @Sendable () -> Void) async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                self.loop.execute {
                    body()
                    continuation.resume()
                }
            }
        }

        func activate() async {
            let (clientEnd, serverEnd) = (self.clientEnd, self.serverEnd)
            await self.onLoop {
                serverEnd.activate()
                clientEnd.activate()
            }
        }

        func waitForHandshake() async throws {
            try await waitUntil("both handshakes") {
                self.clientInner.snapshot.active && self.serverInner.snapshot.active
            }
        }

        func shutdown() async {
            await self.group.shutdownGracefully()
        }
    }

    @Test func writesBeforeTheHandshakeAreBufferedAndCompleteAfterTheirCiphertext() async throws {
        let fixture = try await Fixture()
        let completions = Mutex<[Bool]>([])
        let clientEnd = fixture.clientEnd
        await fixture.onLoop {
            clientEnd.activate()
            // The TLS handler is also the inner layer's output: write through it before the handshake.
            let tls = clientEnd.handler as! any NacosStreamOutput
            tls.write(NacosByteBuffer(string: "early ")) { result in
                completions.withLock { $0.append((try? result.get()) != nil) }
            }
            tls.write(NacosByteBuffer(string: "bird")) { result in
                completions.withLock { $0.append((try? result.get()) != nil) }
            }
            tls.flush()
            // Nothing went out as plaintext: only the ClientHello is on the wire so far.
            precondition(completions.withLock { $0.isEmpty })
        }
        let serverEnd = fixture.serverEnd
        await fixture.onLoop { serverEnd.activate() }
        try await fixture.waitForHandshake()
        try await waitUntil("early data") { fixture.serverInner.snapshot.received == Array("early bird".utf8) }
        try await waitUntil("both completions") { completions.withLock { $0.count == 2 } }
        #expect(completions.withLock { $0 } == [true, true])
        await fixture.shutdown()
    }

    @Test func endOfStreamWithoutCloseNotifyIsAnUncleanShutdown() async throws {
        let fixture = try await Fixture()
        await fixture.activate()
        try await fixture.waitForHandshake()
        let clientEnd = fixture.clientEnd
        await fixture.onLoop { clientEnd.sendEndOfStream() }
        try await waitUntil("server close") { fixture.serverInner.snapshot.closed }
        let error = try #require(fixture.serverInner.snapshot.closeError as? NacosTransportError)
        #expect(error.code == .tlsFailure)
        #expect(error.message.contains("unclean TLS shutdown"), "\(error)")
        #expect(!fixture.serverInner.snapshot.inputClosed)
        await fixture.shutdown()
    }

    @Test func closeNotifyIsReportedAsEndOfInputAndTheCloseIsOrderly() async throws {
        let fixture = try await Fixture()
        await fixture.activate()
        try await fixture.waitForHandshake()
        let clientInner = fixture.clientInner
        await fixture.onLoop {
            clientInner.output?.write(NacosByteBuffer(string: "last words"), completion: nil)
            clientInner.output?.flush()
            clientInner.output?.close(flush: true, error: nil)
        }
        try await waitUntil("server input closed") { fixture.serverInner.snapshot.inputClosed }
        #expect(fixture.serverInner.snapshot.received == Array("last words".utf8))
        // The TCP FIN after close_notify is not an error; the server side stays open until it closes.
        #expect(!fixture.serverInner.snapshot.closed)
        let serverInner = fixture.serverInner
        await fixture.onLoop { serverInner.output?.close(flush: true, error: nil) }
        try await waitUntil("both closed") {
            fixture.serverInner.snapshot.closed && fixture.clientInner.snapshot.closed
        }
        #expect(fixture.serverInner.snapshot.closeError == nil)
        #expect(fixture.clientInner.snapshot.closeError == nil)
        await fixture.shutdown()
    }

    @Test func plaintextWaitsUntilTheInnerLayerReads() async throws {
        let fixture = try await Fixture(serverReadsImmediately: false)
        await fixture.activate()
        try await fixture.waitForHandshake()
        let clientInner = fixture.clientInner
        await fixture.onLoop {
            clientInner.output?.write(NacosByteBuffer(string: "held back"), completion: nil)
            clientInner.output?.flush()
        }
        // Let a few loop turns pass (each `onLoop` is one), then check nothing was delivered.
        for _ in 0..<5 { await fixture.onLoop {} }
        #expect(fixture.serverInner.snapshot.received.isEmpty)
        let serverInner = fixture.serverInner
        await fixture.onLoop { serverInner.output?.setReadingEnabled(true) }
        try await waitUntil("delivery after reading is enabled") {
            fixture.serverInner.snapshot.received == Array("held back".utf8)
        }
        await fixture.shutdown()
    }

    @Test func compatibilityLayerDetectsTLSFedOneByteAtATime() async throws {
        let certificates = try TestCertificates.shared
        let group = try NacosEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let (clientEnd, serverEnd) = PipeEnd.pair(on: loop)
        let clientInner = RecordingStreamHandler()
        let serverInner = RecordingStreamHandler()
        let serverLayer = try NacosOptionalTLSStreamLayer(configuration: certificates.serverConfiguration())
        let clientLayer = try NacosTLSStreamLayer(configuration: certificates.clientConfiguration())
        loop.execute {
            clientEnd.maximumChunkSize = 1
            serverEnd.maximumChunkSize = 1
            clientEnd.handler = clientLayer.makeHandler(
                wrapping: clientInner,
                role: .client(serverName: "127.0.0.1"),
                logger: .disabled()
            )
            serverEnd.handler = serverLayer.makeHandler(wrapping: serverInner, role: .server, logger: .disabled())
            serverEnd.activate()
            clientEnd.activate()
        }
        try await waitUntil("both handshakes") { clientInner.snapshot.active && serverInner.snapshot.active }
        loop.execute {
            clientInner.output?.write(NacosByteBuffer(string: "drip"), completion: nil)
            clientInner.output?.flush()
        }
        try await waitUntil("plaintext at the server") { serverInner.snapshot.received == Array("drip".utf8) }
        await group.shutdownGracefully()
    }

    @Test func compatibilityLayerClosesWhenThePeerLeavesBeforeFiveBytes() async throws {
        let certificates = try TestCertificates.shared
        let group = try NacosEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let (clientEnd, serverEnd) = PipeEnd.pair(on: loop)
        let serverInner = RecordingStreamHandler()
        let serverLayer = try NacosOptionalTLSStreamLayer(configuration: certificates.serverConfiguration())
        loop.execute {
            serverEnd.handler = serverLayer.makeHandler(wrapping: serverInner, role: .server, logger: .disabled())
            serverEnd.activate()
            // Looks like the start of a TLS record, then the peer hangs up.
            clientEnd.write(NacosByteBuffer(bytes: [0x16, 0x03, 0x01]), completion: nil)
            clientEnd.flush()
            clientEnd.sendEndOfStream()
        }
        try await waitUntil("server close") { serverInner.snapshot.closed }
        #expect(!serverInner.snapshot.active)
        let error = try #require(serverInner.snapshot.closeError as? NacosTransportError)
        #expect(error.message.contains("after 3 bytes, too few to tell TLS from plaintext"), "\(error)")
        await group.shutdownGracefully()
    }

    @Test func sniffingDetectsTLSRecordHeaders() {
        // Tested through the public layer in TLSTransportTests; here only the byte rules.
        #expect(SniffProbe.detect([0x16, 0x03, 0x01, 0x02, 0x00]) == "tls")
        #expect(SniffProbe.detect([0x16, 0x03, 0x04, 0x00, 0x10]) == "tls")
        #expect(SniffProbe.detect([0x16, 0x03]) == "needMoreBytes")
        #expect(SniffProbe.detect([0x16, 0x03, 0x03, 0x00]) == "needMoreBytes")
        #expect(SniffProbe.detect([0x00]) == "plaintext")
        #expect(SniffProbe.detect([0x16, 0x02]) == "plaintext")
        #expect(SniffProbe.detect([0x16, 0x03, 0x05]) == "plaintext")
        #expect(SniffProbe.detect([]) == "needMoreBytes")
    }
}
