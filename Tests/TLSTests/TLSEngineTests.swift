import NacosTestKit
import NacosTransport
import Testing

@testable import NacosTLS

/// The TLS engine back to back in memory: no sockets, no event loop.
@Suite struct TLSEngineTests {
    @Test func handshakeBulkTransferAndCloseNotify() throws {
        let certificates = try TestCertificates.shared
        let pair = try EnginePair(
            client: certificates.clientConfiguration(),
            server: certificates.serverConfiguration()
        )
        pair.handshake()
        #expect(pair.clientError == nil)
        #expect(pair.serverError == nil)
        #expect(pair.clientDone && pair.serverDone)
        #expect(pair.client.negotiatedProtocol == "TLSv1.3")

        let size = 200 * 1024
        let upstream = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let downstream = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 17 &+ 5) }
        var clientOut = NacosByteBuffer(bytes: upstream)
        var serverOut = NacosByteBuffer(bytes: downstream)
        guard case .complete(let sentUp) = pair.client.writePlaintext(&clientOut),
            case .complete(let sentDown) = pair.server.writePlaintext(&serverOut)
        else {
            Issue.record("writes did not complete")
            return
        }
        #expect(sentUp == size && sentDown == size)
        pair.pump()
        let atServer = pair.readAll(pair.server)
        let atClient = pair.readAll(pair.client)
        #expect(atServer.bytes == upstream)
        #expect(atClient.bytes == downstream)

        // The client sends close_notify; the server sees it, answers, and both sides are done.
        guard case .complete(let clientBothDone) = pair.client.doShutdown() else {
            Issue.record("client shutdown failed")
            return
        }
        #expect(!clientBothDone)
        pair.pump()
        #expect(pair.readAll(pair.server).end.isClosed)
        #expect(pair.server.receivedCloseNotify)
        guard case .complete(let serverBothDone) = pair.server.doShutdown() else {
            Issue.record("server shutdown failed")
            return
        }
        #expect(serverBothDone)
        pair.pump()
        #expect(pair.readAll(pair.client).end.isClosed)
        #expect(pair.client.receivedCloseNotify)
    }

    @Test func inlinePEMAndIPAddressVerification() throws {
        let certificates = try TestCertificates.shared
        let server = NacosTLSConfiguration.server(
            certificateChain: .pem(certificates.server.certificatePEM),
            privateKey: .pem(certificates.server.keyPEM)
        )
        let client = NacosTLSConfiguration.client(trustRoots: .pem(certificates.ca.certificatePEM))
        for name in ["127.0.0.1", "::1", "[::1]", "localhost"] {
            let pair = try EnginePair(client: client, server: server, serverName: name)
            pair.handshake()
            #expect(pair.clientError == nil, "\(name): \(String(describing: pair.clientError))")
            #expect(pair.clientDone && pair.serverDone, "\(name)")
        }
    }

    @Test func untrustedCertificateFailsWithOpenSSLReason() throws {
        let certificates = try TestCertificates.shared
        let server = NacosTLSConfiguration.server(
            certificateChain: certificates.untrusted.certificate,
            privateKey: certificates.untrusted.key
        )
        let pair = try EnginePair(client: certificates.clientConfiguration(), server: server)
        pair.handshake()
        let clientError = try #require(pair.clientError)
        #expect(clientError.code == .tlsHandshakeFailed)
        #expect(clientError.message.contains("certificate verify failed"), "\(clientError)")
        #expect(clientError.message.contains("self-signed certificate"), "\(clientError)")
        let serverError = try #require(pair.serverError)
        #expect(serverError.message.contains("alert"), "\(serverError)")
    }

    @Test func untrustedCertificateIsAcceptedWithoutVerification() throws {
        let certificates = try TestCertificates.shared
        let server = NacosTLSConfiguration.server(
            certificateChain: certificates.untrusted.certificate,
            privateKey: certificates.untrusted.key
        )
        var client = certificates.clientConfiguration()
        client.certificateVerification = .none
        let pair = try EnginePair(client: client, server: server, serverName: nil)
        pair.handshake()
        #expect(pair.clientDone && pair.serverDone)
    }

    @Test(arguments: ["localhost", "127.0.0.1"])
    func wrongHostnameFails(serverName: String) throws {
        let certificates = try TestCertificates.shared
        let server = NacosTLSConfiguration.server(
            certificateChain: certificates.wrongHost.certificate,
            privateKey: certificates.wrongHost.key
        )
        let pair = try EnginePair(client: certificates.clientConfiguration(), server: server, serverName: serverName)
        pair.handshake()
        let error = try #require(pair.clientError)
        #expect(error.code == .tlsHandshakeFailed)
        #expect(error.message.contains("certificate verify failed"), "\(error)")
        #expect(error.message.lowercased().contains("mismatch"), "\(error)")
        #expect(error.message.contains("expected '\(serverName)'"), "\(error)")

        // The same certificate passes when host names are not checked.
        var lenient = certificates.clientConfiguration()
        lenient.certificateVerification = .noHostnameVerification
        let lenientPair = try EnginePair(client: lenient, server: server, serverName: serverName)
        lenientPair.handshake()
        #expect(lenientPair.clientDone && lenientPair.serverDone)
    }

    @Test func serverNameOverrideIsVerified() throws {
        let certificates = try TestCertificates.shared
        let server = NacosTLSConfiguration.server(
            certificateChain: certificates.wrongHost.certificate,
            privateKey: certificates.wrongHost.key
        )
        var client = certificates.clientConfiguration()
        client.serverName = "wrong.example"
        let pair = try EnginePair(client: client, server: server, serverName: "127.0.0.1")
        pair.handshake()
        #expect(pair.clientError == nil, "\(String(describing: pair.clientError))")
        #expect(pair.clientDone && pair.serverDone)
    }

    @Test func mutualTLSWithoutClientCertificateFails() throws {
        let certificates = try TestCertificates.shared
        var server = certificates.serverConfiguration()
        server.requireClientCertificate = true
        let pair = try EnginePair(client: certificates.clientConfiguration(), server: server)
        pair.handshake()
        let serverError = try #require(pair.serverError)
        #expect(serverError.code == .tlsHandshakeFailed)
        #expect(serverError.message.contains("peer did not return a certificate"), "\(serverError)")
        // With TLS 1.3 the client finishes its side first and learns of the refusal from the alert.
        let clientError = pair.clientError ?? pair.readAll(pair.client).end.failure
        let error = try #require(clientError)
        #expect(error.message.contains("certificate required"), "\(error)")
    }

    @Test func mutualTLSWithClientCertificateSucceeds() throws {
        let certificates = try TestCertificates.shared
        var server = certificates.serverConfiguration()
        server.requireClientCertificate = true
        var client = certificates.clientConfiguration()
        client.certificateChain = certificates.client.certificate
        client.privateKey = certificates.client.key
        let pair = try EnginePair(client: client, server: server)
        pair.handshake()
        #expect(pair.clientDone && pair.serverDone)
        var ping = NacosByteBuffer(string: "ping")
        _ = pair.client.writePlaintext(&ping)
        pair.pump()
        #expect(pair.readAll(pair.server).bytes == Array("ping".utf8))
        #expect(pair.serverError == nil)
    }

    @Test func tls11OnlyClientIsRefused() throws {
        let certificates = try TestCertificates.shared
        let pair = try EnginePair(
            client: certificates.clientConfiguration(),
            server: certificates.serverConfiguration(),
            clientLegacyRange: TLSContext.LegacyProtocolRange(minimum: 0x0301, maximum: 0x0302)
        )
        pair.handshake()
        let serverError = try #require(pair.serverError)
        #expect(serverError.code == .tlsHandshakeFailed)
        #expect(serverError.message.contains("unsupported protocol"), "\(serverError)")
        let clientError = try #require(pair.clientError)
        #expect(clientError.message.contains("protocol version"), "\(clientError)")
    }

    @Test func tls13OnlyServerRefusesTLS12Client() throws {
        let certificates = try TestCertificates.shared
        var server = certificates.serverConfiguration()
        server.minimumTLSVersion = .tlsv13
        let pair = try EnginePair(
            client: certificates.clientConfiguration(),
            server: server,
            clientLegacyRange: TLSContext.LegacyProtocolRange(minimum: 0x0303, maximum: 0x0303)
        )
        pair.handshake()
        #expect(pair.serverError?.code == .tlsHandshakeFailed)
        #expect(pair.clientError != nil)

        // TLS 1.2 is still negotiated by default.
        let tls12 = try EnginePair(
            client: certificates.clientConfiguration(),
            server: certificates.serverConfiguration(),
            clientLegacyRange: TLSContext.LegacyProtocolRange(minimum: 0x0303, maximum: 0x0303)
        )
        tls12.handshake()
        #expect(tls12.clientDone && tls12.serverDone)
        #expect(tls12.server.negotiatedProtocol == "TLSv1.2")
    }
}
