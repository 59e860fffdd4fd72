import Foundation
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

@testable import NacosTLS

/// ALPN (RFC 7301): what each side offers and selects, what the layer above the TLS layer sees, and how
/// independent peers (the `openssl` tool, Python's `ssl` module) get along with our server and client.
@Suite struct TLSALPNTests {
    // MARK: - Engines back to back

    /// Runs a handshake between engines offering `client` and accepting `server`; `version` caps the client.
    private func negotiate(client: [String], server: [String], version: String = "TLSv1.3") throws -> EnginePair {
        let certificates = try TestCertificates.shared
        var clientConfiguration = certificates.clientConfiguration()
        clientConfiguration.applicationProtocols = client
        var serverConfiguration = certificates.serverConfiguration()
        serverConfiguration.applicationProtocols = server
        let range: TLSContext.LegacyProtocolRange? =
            version == "TLSv1.2" ? TLSContext.LegacyProtocolRange(minimum: 0x0303, maximum: 0x0303) : nil
        let pair = try EnginePair(client: clientConfiguration, server: serverConfiguration, clientLegacyRange: range)
        pair.handshake()
        return pair
    }

    @Test(arguments: ["TLSv1.3", "TLSv1.2"])
    func clientAndServerAgreeOnH2(version: String) throws {
        let pair = try self.negotiate(client: ["h2", "http/1.1"], server: ["h2"], version: version)
        #expect(pair.clientError == nil && pair.serverError == nil, "\(String(describing: pair.clientError ?? pair.serverError))")
        #expect(pair.clientDone && pair.serverDone)
        #expect(pair.client.negotiatedProtocol == version)
        #expect(pair.client.negotiatedApplicationProtocol == "h2")
        #expect(pair.server.negotiatedApplicationProtocol == "h2")
    }

    @Test(arguments: ["TLSv1.3", "TLSv1.2"])
    func theServersOrderOfPreferenceWins(version: String) throws {
        let h2First = try self.negotiate(client: ["http/1.1", "h2"], server: ["h2", "http/1.1"], version: version)
        #expect(h2First.clientDone && h2First.serverDone)
        #expect(h2First.client.negotiatedApplicationProtocol == "h2")
        #expect(h2First.server.negotiatedApplicationProtocol == "h2")

        // The same two protocols, the preferences swapped: the server still decides.
        let http11First = try self.negotiate(client: ["h2", "http/1.1"], server: ["http/1.1", "h2"], version: version)
        #expect(http11First.clientDone && http11First.serverDone)
        #expect(http11First.client.negotiatedApplicationProtocol == "http/1.1")
        #expect(http11First.server.negotiatedApplicationProtocol == "http/1.1")

        // A protocol only the client offers is skipped, however early it comes in the client's list.
        let skipped = try self.negotiate(client: ["spdy/3", "h2"], server: ["h2"], version: version)
        #expect(skipped.client.negotiatedApplicationProtocol == "h2")
    }

    @Test(arguments: ["TLSv1.3", "TLSv1.2"])
    func noCommonProtocolStillCompletesTheHandshakeWithoutALPN(version: String) throws {
        let pair = try self.negotiate(client: ["http/1.1"], server: ["h2"], version: version)
        #expect(pair.clientError == nil && pair.serverError == nil, "\(String(describing: pair.clientError ?? pair.serverError))")
        #expect(pair.clientDone && pair.serverDone)
        #expect(pair.client.negotiatedApplicationProtocol == nil)
        #expect(pair.server.negotiatedApplicationProtocol == nil)
        // The session works: application data flows.
        var ping = NacosByteBuffer(string: "ping")
        _ = pair.client.writePlaintext(&ping)
        pair.pump()
        #expect(pair.readAll(pair.server).bytes == Array("ping".utf8))
    }

    @Test func aSideWithoutALPNNegotiatesNone() throws {
        let quietClient = try self.negotiate(client: [], server: ["h2"])
        #expect(quietClient.clientDone && quietClient.serverDone)
        #expect(quietClient.client.negotiatedApplicationProtocol == nil)
        #expect(quietClient.server.negotiatedApplicationProtocol == nil)

        let quietServer = try self.negotiate(client: ["h2"], server: [])
        #expect(quietServer.clientDone && quietServer.serverDone)
        #expect(quietServer.client.negotiatedApplicationProtocol == nil)
        #expect(quietServer.server.negotiatedApplicationProtocol == nil)
    }

    @Test func aServerSelectingAProtocolTheClientDidNotOfferFailsTheClient() throws {
        let certificates = try TestCertificates.shared
        var client = certificates.clientConfiguration()
        client.applicationProtocols = ["h2"]
        var server = certificates.serverConfiguration()
        server.applicationProtocols = ["spdy/3"]
        let pair = try EnginePair(
            clientContext: TLSContext(configuration: client, side: .client),
            serverContext: TLSContext(configuration: server, side: .server, selectsUnofferedApplicationProtocol: true)
        )
        pair.handshake()
        // OpenSSL's client checks the selection against its offer and answers with a decode_error alert.
        let error = try #require(pair.clientError)
        #expect(error.code == .tlsHandshakeFailed)
        #expect(error.message.contains("bad extension"), "\(error)")
        #expect(!pair.clientDone && !pair.serverDone)
        let serverError = try #require(pair.serverError)
        #expect(serverError.message.contains("alert"), "\(serverError)")
    }

    // MARK: - Validation and wire format

    @Test func invalidNamesAreRefusedByValidation() throws {
        let certificates = try TestCertificates.shared

        var empty = certificates.clientConfiguration()
        empty.applicationProtocols = ["h2", ""]
        let emptyError = try #require(throws: NacosTransportError.self) { try empty.validate() }
        #expect(emptyError.code == .invalidConfiguration)
        #expect(emptyError.message.contains("applicationProtocols[1] ('') is 0 bytes long"), "\(emptyError)")
        #expect(emptyError.message.contains("must be 1 to 255 bytes"), "\(emptyError)")

        // Bytes count, not characters: 128 two-byte characters are 256 bytes.
        var tooLong = certificates.serverConfiguration()
        tooLong.applicationProtocols = [String(repeating: "é", count: 128)]
        let longError = try #require(throws: NacosTransportError.self) { try tooLong.validate() }
        #expect(longError.message.contains("applicationProtocols[0] ('éééé"), "\(longError)")
        #expect(longError.message.contains("is 256 bytes long"), "\(longError)")
        // The stream layer refuses it too, on the server side as well as the client side.
        #expect(throws: NacosTransportError.self) { try NacosTLSStreamLayer(configuration: tooLong) }

        // 257 names of 255 bytes take 257 × 256 bytes on the wire, past the two-byte length.
        var tooMany = certificates.clientConfiguration()
        tooMany.applicationProtocols = (0..<257).map { String(format: "%03d", $0) + String(repeating: "p", count: 252) }
        let manyError = try #require(throws: NacosTransportError.self) { try tooMany.validate() }
        #expect(manyError.message.contains("applicationProtocols take 65792 bytes on the wire"), "\(manyError)")
        #expect(manyError.message.contains("at most 65535"), "\(manyError)")

        // The limits themselves are fine.
        var longest = certificates.serverConfiguration()
        longest.applicationProtocols = [String(repeating: "x", count: 255), "h2"]
        try longest.validate()
        var most = certificates.clientConfiguration()
        most.applicationProtocols = (0..<255).map { String(format: "%03d", $0) + String(repeating: "p", count: 252) }
        try most.validate()
    }

    @Test func wireFormatIsLengthPrefixedAndMalformedOffersSelectNothing() throws {
        let encoded = try TLSApplicationProtocols.encode(["h2", "http/1.1"])
        #expect(encoded.bytes == [2] + Array("h2".utf8) + [8] + Array("http/1.1".utf8))
        #expect(encoded.entries == [1..<3, 4..<12])

        let protocols = try TLSApplicationProtocols(names: ["h2", "http/1.1"])
        func select(_ offer: [UInt8]) -> String? {
            offer.withUnsafeBufferPointer { pointer in
                protocols.select(from: pointer).map { String(decoding: $0, as: UTF8.self) }
            }
        }
        #expect(select([8] + Array("http/1.1".utf8) + [2] + Array("h2".utf8)) == "h2")
        #expect(select([8] + Array("http/1.1".utf8)) == "http/1.1")
        #expect(select([6] + Array("spdy/3".utf8)) == nil)
        #expect(select([]) == nil)
        // An empty entry, or one running past the end, makes the whole offer invalid.
        #expect(select([0, 2] + Array("h2".utf8)) == nil)
        #expect(select([2] + Array("h2".utf8) + [9] + Array("http/1.1".utf8)) == nil)
        #expect(select([255]) == nil)
    }

    // MARK: - Above the TLS layer

    @Test func bothInnerLayersSeeTheNegotiatedProtocol() async throws {
        let certificates = try TestCertificates.shared
        var serverConfiguration = certificates.serverConfiguration()
        serverConfiguration.applicationProtocols = ["h2", "http/1.1"]
        var clientConfiguration = certificates.clientConfiguration()
        clientConfiguration.applicationProtocols = ["http/1.1", "h2"]
        let serverLayer = try NacosTLSStreamLayer(configuration: serverConfiguration)
        let clientLayer = try NacosTLSStreamLayer(configuration: clientConfiguration)
        let group = try NacosEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let (clientEnd, serverEnd) = PipeEnd.pair(on: loop)
        let clientInner = ALPNRecorder()
        let serverInner = ALPNRecorder()
        loop.execute {
            clientEnd.handler = clientLayer.makeHandler(
                wrapping: clientInner,
                role: .client(serverName: "localhost"),
                logger: .disabled()
            )
            serverEnd.handler = serverLayer.makeHandler(wrapping: serverInner, role: .server, logger: .disabled())
            serverEnd.activate()
            clientEnd.activate()
        }
        try await waitUntil("both handshakes") { clientInner.snapshot.active && serverInner.snapshot.active }
        #expect(clientInner.snapshot.applicationProtocol == "h2")
        #expect(serverInner.snapshot.applicationProtocol == "h2")
        await group.shutdownGracefully()
    }

    @Test func theCompatibilityLayerReportsALPNForTLSAndNoneForPlaintext() async throws {
        let certificates = try TestCertificates.shared
        var serverConfiguration = certificates.serverConfiguration()
        serverConfiguration.applicationProtocols = ["h2"]
        var clientConfiguration = certificates.clientConfiguration()
        clientConfiguration.applicationProtocols = ["h2"]
        let serverLayer = try NacosOptionalTLSStreamLayer(configuration: serverConfiguration)
        let clientLayer = try NacosTLSStreamLayer(configuration: clientConfiguration)
        let group = try NacosEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()

        // A TLS client: the sniffer installs the TLS layer, whose output reports h2.
        let (tlsClientEnd, tlsServerEnd) = PipeEnd.pair(on: loop)
        let tlsClient = ALPNRecorder()
        let tlsServer = ALPNRecorder()
        loop.execute {
            tlsClientEnd.handler = clientLayer.makeHandler(
                wrapping: tlsClient,
                role: .client(serverName: "localhost"),
                logger: .disabled()
            )
            tlsServerEnd.handler = serverLayer.makeHandler(wrapping: tlsServer, role: .server, logger: .disabled())
            tlsServerEnd.activate()
            tlsClientEnd.activate()
        }
        try await waitUntil("TLS handshakes") { tlsClient.snapshot.active && tlsServer.snapshot.active }
        #expect(tlsServer.snapshot.applicationProtocol == "h2")
        #expect(tlsClient.snapshot.applicationProtocol == "h2")

        // A plaintext client: the inner layer writes to the socket directly, which negotiated nothing.
        let (plainClientEnd, plainServerEnd) = PipeEnd.pair(on: loop)
        let plainServer = ALPNRecorder()
        loop.execute {
            plainServerEnd.handler = serverLayer.makeHandler(wrapping: plainServer, role: .server, logger: .disabled())
            plainServerEnd.activate()
            plainClientEnd.write(NacosByteBuffer(string: "plain hello"), completion: nil)
            plainClientEnd.flush()
        }
        try await waitUntil("plaintext at the server") { plainServer.snapshot.received == Array("plain hello".utf8) }
        #expect(plainServer.snapshot.active)
        #expect(plainServer.snapshot.applicationProtocol == nil)
        await group.shutdownGracefully()
    }

    // MARK: - Independent peers

    /// Starts a TLS listener with `protocols` whose streams are recorded into `recorders`.
    private func listen(
        group: NacosEventLoopGroup,
        protocols: [String],
        recorders: ALPNRecorders
    ) async throws -> any NacosListener {
        var configuration = try TestCertificates.shared.serverConfiguration()
        configuration.applicationProtocols = protocols
        let transport = try NacosTLSTransport(group: group, tls: configuration)
        return try await transport.listenStreams(on: .loopbackIPv4()) { _ in
            let recorder = ALPNRecorder()
            recorders.all.withLock { $0.append(recorder) }
            return recorder
        }
    }

    @Test func aMissingPeerFailsWithHowToInstallIt() async throws {
        let certificates = try TestCertificates.shared
        let error = await #expect(throws: ExternalPeer.Missing.self) {
            try await ExternalPeer.require(
                ["nacos-no-such-tool-\(UUID().uuidString)", "--version"],
                "install it with `apt-get install nacos-no-such-tool`",
                in: certificates.directory
            )
        }
        let message = error?.description ?? ""
        #expect(message.hasPrefix("install it with `apt-get install nacos-no-such-tool`"), "\(message)")
        #expect(message.contains("exited with 127"), "\(message)")
    }

    @Test func opensslSClientNegotiatesH2WithOurServer() async throws {
        let certificates = try TestCertificates.shared
        try await ExternalPeer.require(
            ["openssl", "version"],
            "the openssl command-line tool is needed to play an independent ALPN client: install it with `apt-get install openssl` (Debian/Ubuntu), `dnf install openssl` (Fedora) or `brew install openssl@3` (macOS)",
            in: certificates.directory
        )
        let group = try NacosEventLoopGroup(numberOfThreads: 1)
        let recorders = ALPNRecorders()
        let listener = try await self.listen(group: group, protocols: ["h2", "http/1.1"], recorders: recorders)

        let client = try ExternalPeer.start(
            [
                "openssl", "s_client", "-connect", "127.0.0.1:\(listener.localAddress.port)", "-servername", "localhost",
                "-CAfile", certificates.ca.certificatePath, "-verify_return_error", "-alpn", "h2",
            ],
            in: certificates.directory
        )
        let result = try await client.waitForExit(timeout: .seconds(30))
        #expect(result.output.contains("ALPN protocol: h2"), "openssl s_client printed:\n\(result.output)\n\(result.errors)")
        #expect(result.output.contains("Verify return code: 0 (ok)"), "\(result.output)")

        try await waitUntil("the server stream") { recorders.first?.snapshot.active ?? false }
        #expect(recorders.first?.snapshot.applicationProtocol == "h2")
        await listener.close()
        await group.shutdownGracefully()
    }

    @Test func pythonClientGetsOurServersPreference() async throws {
        let certificates = try TestCertificates.shared
        try await ExternalPeer.requirePythonSSL(in: certificates.directory)
        let group = try NacosEventLoopGroup(numberOfThreads: 1)
        let recorders = ALPNRecorders()
        let listener = try await self.listen(group: group, protocols: ["h2", "http/1.1"], recorders: recorders)

        // The client prefers HTTP/1.1; the server's preference (h2) wins.
        let script = """
            import socket, ssl, sys
            port, cafile, offered = int(sys.argv[1]), sys.argv[2], sys.argv[3].split(",")
            context = ssl.create_default_context(cafile=cafile)
            context.set_alpn_protocols(offered)
            with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
                with context.wrap_socket(raw, server_hostname="localhost") as tls:
                    print("selected:", tls.selected_alpn_protocol(), flush=True)
            """
        let client = try ExternalPeer.start(
            ["python3", "-c", script, "\(listener.localAddress.port)", certificates.ca.certificatePath, "http/1.1,h2"],
            in: certificates.directory
        )
        let result = try await client.waitForExit(timeout: .seconds(30))
        #expect(result.status == 0, "python3 failed:\n\(result.errors)")
        #expect(result.output.contains("selected: h2"), "python3 printed:\n\(result.output)\n\(result.errors)")

        try await waitUntil("the server stream") { recorders.first?.snapshot.active ?? false }
        #expect(recorders.first?.snapshot.applicationProtocol == "h2")
        await listener.close()
        await group.shutdownGracefully()
    }

    @Test func ourClientNegotiatesH2WithAPythonServer() async throws {
        let certificates = try TestCertificates.shared
        try await ExternalPeer.requirePythonSSL(in: certificates.directory)
        let portFile = "\(certificates.directory)/python-server-\(UUID().uuidString).port"
        let script = """
            import os, socket, ssl, sys
            certificate, key, offered, port_file = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4]
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certificate, key)
            context.set_alpn_protocols(offered)
            with socket.create_server(("127.0.0.1", 0)) as listener:
                listener.settimeout(20)
                with open(port_file + ".tmp", "w") as f:
                    f.write(str(listener.getsockname()[1]))
                os.rename(port_file + ".tmp", port_file)
                raw, _ = listener.accept()
                raw.settimeout(20)
                with context.wrap_socket(raw, server_side=True) as tls:
                    print("selected:", tls.selected_alpn_protocol(), flush=True)
            """
        let server = try ExternalPeer.start(
            ["python3", "-c", script, certificates.server.certificatePath, certificates.server.keyPath, "h2", portFile],
            in: certificates.directory
        )
        try await waitUntil(timeout: .seconds(30), interval: .milliseconds(10), "the Python server's port") {
            FileManager.default.fileExists(atPath: portFile) || !server.isRunning
        }
        let portText = try String(contentsOfFile: portFile, encoding: .utf8)
        let port = try #require(Int(portText), "port file held '\(portText)'")

        var configuration = certificates.clientConfiguration()
        configuration.applicationProtocols = ["h2", "http/1.1"]
        let group = try NacosEventLoopGroup(numberOfThreads: 1)
        let transport = try NacosTLSTransport(group: group, tls: configuration)
        let client = ALPNRecorder()
        try transport.connectStream(to: .loopbackIPv4(port: port), timeout: .seconds(10)) { _ in client }
        try await waitUntil(timeout: .seconds(30), "our client's handshake") {
            client.snapshot.active || client.snapshot.closed
        }
        #expect(client.snapshot.active, "\(String(describing: client.snapshot.closeError))")
        #expect(client.snapshot.applicationProtocol == "h2")

        let result = try await server.waitForExit(timeout: .seconds(30))
        #expect(result.status == 0, "python3 failed:\n\(result.errors)")
        #expect(result.output.contains("selected: h2"), "python3 printed:\n\(result.output)\n\(result.errors)")
        await group.shutdownGracefully()
    }
}

/// A top layer that records the application protocol its output reports when it becomes active.
///
/// `@unchecked Sendable`: `output` is only touched on the stream's loop; the recorded events sit behind a Mutex.
private final class ALPNRecorder: NacosStreamHandler, @unchecked Sendable {
    struct Events {
        var active = false
        var applicationProtocol: String?
        var received: [UInt8] = []
        var closed = false
        var closeError: (any Error)?
    }

    private let events = Mutex(Events())
    private var output: (any NacosStreamOutput)?

    func streamActive(_ output: any NacosStreamOutput) {
        self.output = output
        let applicationProtocol = output.negotiatedApplicationProtocol
        self.events.withLock {
            $0.active = true
            $0.applicationProtocol = applicationProtocol
        }
        output.setReadingEnabled(true)
    }

    func streamRead(_ bytes: inout NacosByteBuffer) {
        let received = bytes.readBytes(length: bytes.readableBytes) ?? []
        self.events.withLock { $0.received += received }
    }

    func streamWritabilityChanged(_ isWritable: Bool) {}

    func streamInputClosed() {
        // The peer is done: close our side too, so that a peer process waiting for it can exit.
        self.output?.close(flush: true, error: nil)
    }

    func streamClosed(_ error: (any Error)?) {
        self.output = nil
        self.events.withLock {
            $0.closed = true
            $0.closeError = error
        }
    }

    var snapshot: Events { self.events.withLock { $0 } }
}

/// The recorders of a listener's streams, in the order they were accepted.
private final class ALPNRecorders: Sendable {
    let all = Mutex<[ALPNRecorder]>([])

    /// The first stream's recorder, once there is one.
    var first: ALPNRecorder? { self.all.withLock { $0.first } }
}

/// A command-line peer (`openssl`, `python3`) run as a child process, its output collected in files.
///
private final class ExternalPeer: Sendable {
    /// What the peer printed and how it exited.
    struct Exit {
        let status: Int32
        let output: String
        let errors: String
    }

    /// The peer could not run: the message says how to install it.
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    private let process: ChildProcess
    private let command: String
    private let outputPath: String
    private let errorPath: String

    private init(process: ChildProcess, command: String, outputPath: String, errorPath: String) {
        self.process = process
        self.command = command
        self.outputPath = outputPath
        self.errorPath = errorPath
    }

    /// Whether the process is still running.
    var isRunning: Bool { self.process.isRunning }

    /// Starts `arguments` (looked up on `PATH`) in `directory`, with an empty standard input.
    static func start(_ arguments: [String], in directory: String) throws -> ExternalPeer {
        let name = "\(arguments[0])-\(UUID().uuidString)"
        let outputPath = "\(directory)/\(name).out"
        let errorPath = "\(directory)/\(name).err"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let process = try ChildProcess.spawn(
            "/usr/bin/env", arguments, directory: directory, standardOutput: .file(outputPath), standardError: .file(errorPath)
        )
        return ExternalPeer(
            process: process,
            command: arguments.prefix(2).joined(separator: " "),
            outputPath: outputPath,
            errorPath: errorPath
        )
    }

    /// Waits for the process to exit (terminating it after `timeout`) and returns what it printed.
    func waitForExit(timeout: Duration) async throws -> Exit {
        do {
            try await waitUntil(timeout: timeout, interval: .milliseconds(10), "\(self.command) to exit") {
                !self.process.isRunning
            }
        } catch {
            await self.process.killAndReap()
            throw error
        }
        let status: Int32 = switch await self.process.waitForExit() {
        case .exited(let code): code
        case .signalled(let signal): 128 + signal
        }
        return Exit(
            status: status,
            output: (try? String(contentsOfFile: self.outputPath, encoding: .utf8)) ?? "",
            errors: (try? String(contentsOfFile: self.errorPath, encoding: .utf8)) ?? ""
        )
    }

    /// Runs `check` and fails with `hint` (how to install the tool) unless it exits with status 0.
    static func require(_ check: [String], _ hint: String, in directory: String) async throws {
        let result: Exit
        do {
            result = try await Self.start(check, in: directory).waitForExit(timeout: .seconds(30))
        } catch {
            throw Missing(description: "\(hint) (`\(check.joined(separator: " "))` could not run: \(error))")
        }
        guard result.status == 0 else {
            throw Missing(
                description: "\(hint) (`\(check.joined(separator: " "))` exited with \(result.status): \(result.errors))"
            )
        }
    }

    /// Fails unless `python3` with an ALPN-capable `ssl` module is installed.
    static func requirePythonSSL(in directory: String) async throws {
        try await Self.require(
            ["python3", "-c", "import ssl, sys; sys.exit(0 if ssl.HAS_ALPN else 1)"],
            "python3 with its ssl module (built against OpenSSL, with ALPN) is needed to play an independent ALPN peer: install it with `apt-get install python3` (Debian/Ubuntu), `dnf install python3` (Fedora) or `brew install python` (macOS)",
            in: directory
        )
    }
}
