import NacosTLS
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// TLS over real loopback sockets, through `NacosTLSTransport`.
@Suite struct TLSTransportTests {
    /// Records the server side's connections, each started with a `FrameCollector` that echoes.
    final class Acceptor: Sendable {
        let collectors = Mutex<[EchoingCollector]>([])

        func accept(_ connection: any NacosConnection) {
            let collector = EchoingCollector()
            self.collectors.withLock { $0.append(collector) }
            connection.start(collector)
        }

        var count: Int { self.collectors.withLock { $0.count } }

        func waitForConnections(_ count: Int) async throws -> [EchoingCollector] {
            try await waitUntil("\(count) accepted connections") { self.count >= count }
            return self.collectors.withLock { $0 }
        }
    }

    /// Echoes every frame and remembers how the connection closed.
    final class EchoingCollector: NacosConnectionHandler {
        let inner = FrameCollector()

        func connection(_ connection: any NacosConnection, didReceive frame: NacosByteBuffer) {
            connection.send(frame)
            self.inner.connection(connection, didReceive: frame)
        }

        func connectionClosed(_ connection: any NacosConnection, error: (any Error)?) {
            self.inner.connectionClosed(connection, error: error)
        }
    }

    private func echo(over connection: any NacosConnection, frames: Int = 50) async throws {
        let collector = FrameCollector()
        connection.start(collector)
        let big = NacosByteBuffer(bytes: (0..<(200 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        for i in 0..<frames {
            connection.send(NacosByteBuffer(string: "frame-\(i)"))
        }
        connection.send(big)
        let received = try await collector.waitForFrames(frames + 1)
        #expect(received.count == frames + 1)
        #expect(
            received.prefix(frames).enumerated().allSatisfy {
                $0.element == NacosByteBuffer(string: "frame-\($0.offset)")
            }
        )
        #expect(received.last == big)
    }

    @Test(arguments: [NacosSocketAddress.loopbackIPv4(), NacosSocketAddress.loopbackIPv6()])
    func echoFramesOverTLS(address: NacosSocketAddress) async throws {
        let certificates = try TestCertificates.shared
        let group = try NacosEventLoopGroup(numberOfThreads: 2)
        let server = try NacosTLSTransport(group: group, tls: certificates.serverConfiguration())
        let client = try NacosTLSTransport(group: group, tls: certificates.clientConfiguration())
        let acceptor = Acceptor()
        let listener = try await server.listen(on: address) { acceptor.accept($0) }

        let connection = try await client.connect(to: listener.localAddress)
        try await self.echo(over: connection)

        // An orderly close (close_notify both ways) is reported without an error on both sides.
        connection.close()
        #expect(await connection.closed() == nil)
        let accepted = try await acceptor.waitForConnections(1)
        try await accepted[0].inner.waitForClose()
        #expect(accepted[0].inner.closeError == nil, "\(String(describing: accepted[0].inner.closeError))")

        await listener.close()
        await group.shutdownGracefully()
    }

    @Test func tlsLayerRunsOverTheInMemoryTransport() async throws {
        let certificates = try TestCertificates.shared
        let group = try NacosEventLoopGroup(numberOfThreads: 2)
        // One configuration for both roles; in-memory streams have no host, so the name to verify is set.
        var configuration = certificates.serverConfiguration()
        configuration.serverName = "localhost"
        let transport = NacosInMemoryTransport(
            group: group,
            streamLayer: try NacosTLSStreamLayer(configuration: configuration)
        )
        let acceptor = Acceptor()
        let listener = try await transport.listen(on: .inMemory("tls-echo")) { acceptor.accept($0) }
        let connection = try await transport.connect(to: listener.localAddress)
        try await self.echo(over: connection)
        connection.close()
        #expect(await connection.closed() == nil)
        await listener.close()
        await group.shutdownGracefully()
    }

    @Test func plaintextClientOnTLSPortFailsCleanly() async throws {
        let certificates = try TestCertificates.shared
        let group = try NacosEventLoopGroup(numberOfThreads: 2)
        let log = CapturingLogHandler()
        let server = try NacosTLSTransport(group: group, tls: certificates.serverConfiguration(), logger: log.logger())
        let acceptor = Acceptor()
        let listener = try await server.listen(on: .loopbackIPv4()) { acceptor.accept($0) }

        // A plaintext client sends a frame: the server fails the handshake, logs it and closes.
        let plain = NacosTCPTransport(group: group, logger: .disabled())
        let plainConnection = try await plain.connect(to: listener.localAddress)
        let plainCollector = FrameCollector()
        plainConnection.start(plainCollector)
        plainConnection.send(NacosByteBuffer(string: "hello, plaintext"))
        try await plainCollector.waitForClose()
        let message = try await log.waitForMessage(containing: "TLS handshake failed")
        #expect(message.contains("SSL routines"), "\(message)")
        #expect(acceptor.count == 0)

        // A plaintext client that connects and leaves during the handshake is reported too.
        let leaving = try await plain.connect(to: listener.localAddress)
        leaving.close()
        try await log.waitForMessage(containing: "closed the connection during the handshake")

        // The listener still serves TLS clients.
        let client = try NacosTLSTransport(group: group, tls: certificates.clientConfiguration())
        let connection = try await client.connect(to: listener.localAddress)
        try await self.echo(over: connection, frames: 5)
        connection.close()
        _ = await connection.closed()

        await listener.close()
        await group.shutdownGracefully()
    }

    @Test func compatibilityPortAcceptsTLSAndPlaintext() async throws {
        let certificates = try TestCertificates.shared
        let group = try NacosEventLoopGroup(numberOfThreads: 2)
        let server = try NacosTLSTransport(
            group: group,
            tls: certificates.serverConfiguration(),
            logger: .disabled(),
            allowPlaintext: true
        )
        let acceptor = Acceptor()
        let listener = try await server.listen(on: .loopbackIPv4()) { acceptor.accept($0) }

        let tlsClient = try NacosTLSTransport(group: group, tls: certificates.clientConfiguration())
        let secure = try await tlsClient.connect(to: listener.localAddress)
        try await self.echo(over: secure)

        let plainClient = NacosTCPTransport(group: group)
        let plain = try await plainClient.connect(to: listener.localAddress)
        try await self.echo(over: plain)

        // A one-byte frame header split is still detected: an empty frame is 4 bytes, fewer than a TLS header.
        let tiny = try await plainClient.connect(to: listener.localAddress)
        let tinyCollector = FrameCollector()
        tiny.start(tinyCollector)
        tiny.send(NacosByteBuffer())
        let echoed = try await tinyCollector.waitForFrames(1)
        #expect(echoed[0].readableBytes == 0)

        #expect(try await acceptor.waitForConnections(3).count == 3)
        for connection in [secure, plain, tiny] {
            connection.close()
            _ = await connection.closed()
        }
        await listener.close()
        await group.shutdownGracefully()
    }

    @Test(arguments: [false, true])
    func handshakeTimeoutForSilentClient(allowPlaintext: Bool) async throws {
        let certificates = try TestCertificates.shared
        let group = try NacosEventLoopGroup(numberOfThreads: 2)
        let log = CapturingLogHandler()
        var configuration = certificates.serverConfiguration()
        configuration.handshakeTimeout = .milliseconds(300)
        let server = try NacosTLSTransport(
            group: group,
            tls: configuration,
            logger: log.logger(),
            allowPlaintext: allowPlaintext
        )
        let listener = try await server.listen(on: .loopbackIPv4()) { $0.close() }

        // Connects over plain TCP and sends nothing.
        let silent = try await NacosTCPTransport(group: group).connect(to: listener.localAddress)
        let collector = FrameCollector()
        silent.start(collector)
        try await collector.waitForClose()
        if allowPlaintext {
            try await log.waitForMessage(containing: "too few to tell TLS from plaintext")
        } else {
            try await log.waitForMessage(containing: "timed out after")
        }

        await listener.close()
        await group.shutdownGracefully()
    }

    @Test func clientHandshakeTimeoutFailsConnect() async throws {
        let certificates = try TestCertificates.shared
        let group = try NacosEventLoopGroup(numberOfThreads: 2)
        // A plain TCP server that never reads: the ClientHello is never answered.
        let mute = NacosTCPTransport(group: group)
        let held = Mutex<[any NacosConnection]>([])
        let listener = try await mute.listen(on: .loopbackIPv4()) { connection in
            held.withLock { $0.append(connection) }
        }

        var configuration = certificates.clientConfiguration()
        configuration.handshakeTimeout = .milliseconds(300)
        let client = try NacosTLSTransport(group: group, tls: configuration, logger: .disabled())
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: NacosTransportError.self) {
            _ = try await client.connect(to: listener.localAddress)
        }
        #expect(error?.code == .tlsHandshakeFailed)
        #expect(error?.message.contains("timed out after") == true, "\(String(describing: error))")
        #expect(clock.now - start < .seconds(5))

        for connection in held.withLock({ $0 }) { connection.close() }
        await listener.close()
        await group.shutdownGracefully()
    }

    @Test func untrustedServerFailsConnectWithReason() async throws {
        let certificates = try TestCertificates.shared
        let group = try NacosEventLoopGroup(numberOfThreads: 2)
        let log = CapturingLogHandler()
        let serverConfiguration = NacosTLSConfiguration.server(
            certificateChain: certificates.untrusted.certificate,
            privateKey: certificates.untrusted.key
        )
        let server = try NacosTLSTransport(group: group, tls: serverConfiguration, logger: log.logger())
        let listener = try await server.listen(on: .loopbackIPv4()) { $0.close() }

        let client = try NacosTLSTransport(group: group, tls: certificates.clientConfiguration(), logger: .disabled())
        let error = await #expect(throws: NacosTransportError.self) {
            _ = try await client.connect(to: listener.localAddress)
        }
        #expect(error?.code == .tlsHandshakeFailed)
        #expect(error?.message.contains("certificate verify failed") == true, "\(String(describing: error))")
        #expect(error?.message.contains("self-signed certificate") == true, "\(String(describing: error))")
        try await log.waitForMessage(containing: "alert")

        await listener.close()
        await group.shutdownGracefully()
    }

    @Test func wrongHostnameFailsConnect() async throws {
        let certificates = try TestCertificates.shared
        let group = try NacosEventLoopGroup(numberOfThreads: 2)
        let serverConfiguration = NacosTLSConfiguration.server(
            certificateChain: certificates.wrongHost.certificate,
            privateKey: certificates.wrongHost.key
        )
        let server = try NacosTLSTransport(group: group, tls: serverConfiguration, logger: .disabled())
        let listener = try await server.listen(on: .loopbackIPv4()) { $0.close() }

        let client = try NacosTLSTransport(group: group, tls: certificates.clientConfiguration(), logger: .disabled())
        let error = await #expect(throws: NacosTransportError.self) {
            _ = try await client.connect(to: listener.localAddress)
        }
        #expect(error?.message.contains("IP address mismatch") == true, "\(String(describing: error))")

        await listener.close()
        await group.shutdownGracefully()
    }

    @Test func tls11OnlyClientIsRefusedOverSockets() async throws {
        let certificates = try TestCertificates.shared
        let group = try NacosEventLoopGroup(numberOfThreads: 2)
        let log = CapturingLogHandler()
        let server = try NacosTLSTransport(group: group, tls: certificates.serverConfiguration(), logger: log.logger())
        let listener = try await server.listen(on: .loopbackIPv4()) { $0.close() }

        let client = try LegacyPeers.tls11OnlyClient(group: group, configuration: certificates.clientConfiguration())
        let error = await #expect(throws: NacosTransportError.self) {
            _ = try await client.connect(to: listener.localAddress)
        }
        #expect(error?.code == .tlsHandshakeFailed)
        #expect(error?.message.contains("protocol version") == true, "\(String(describing: error))")
        try await log.waitForMessage(containing: "unsupported protocol")

        await listener.close()
        await group.shutdownGracefully()
    }

    @Test func mutualTLSOverSockets() async throws {
        let certificates = try TestCertificates.shared
        let group = try NacosEventLoopGroup(numberOfThreads: 2)
        let log = CapturingLogHandler()
        var serverConfiguration = certificates.serverConfiguration()
        serverConfiguration.requireClientCertificate = true
        let server = try NacosTLSTransport(group: group, tls: serverConfiguration, logger: log.logger())
        let acceptor = Acceptor()
        let listener = try await server.listen(on: .loopbackIPv4()) { acceptor.accept($0) }

        // Without a client certificate: refused. With TLS 1.3 the client may finish its handshake before the
        // server's refusal arrives, so the failure shows either on connect or as the connection's close reason.
        let anonymous = try NacosTLSTransport(
            group: group,
            tls: certificates.clientConfiguration(),
            logger: .disabled()
        )
        let failure: (any Error)?
        do {
            let connection = try await anonymous.connect(to: listener.localAddress)
            connection.start(FrameCollector())
            failure = await connection.closed()
        } catch {
            failure = error
        }
        let reason = try #require(failure as? NacosTransportError)
        #expect(reason.message.contains("certificate required"), "\(reason)")
        try await log.waitForMessage(containing: "peer did not return a certificate")
        #expect(acceptor.count == 0)

        // With one: accepted.
        var clientConfiguration = certificates.clientConfiguration()
        clientConfiguration.certificateChain = certificates.client.certificate
        clientConfiguration.privateKey = certificates.client.key
        let authenticated = try NacosTLSTransport(group: group, tls: clientConfiguration)
        let connection = try await authenticated.connect(to: listener.localAddress)
        try await self.echo(over: connection, frames: 5)
        connection.close()
        _ = await connection.closed()

        await listener.close()
        await group.shutdownGracefully()
    }
}
