import NacosTLS
import NacosTestKit
import NacosTransport
import Testing

/// Configuration validation: every problem is named in the error.
@Suite struct TLSConfigurationTests {
    @Test func validConfigurationsPass() throws {
        let certificates = try TestCertificates.shared
        try certificates.serverConfiguration().validate()
        try certificates.clientConfiguration().validate()
    }

    @Test func missingFileIsNamed() throws {
        let certificates = try TestCertificates.shared
        let configuration = NacosTLSConfiguration.server(
            certificateChain: .file("/nonexistent/server.pem"),
            privateKey: certificates.server.key
        )
        let error = try #require(throws: NacosTransportError.self) { try configuration.validate() }
        #expect(error.code == .invalidConfiguration)
        #expect(error.message.contains("certificateChain file '/nonexistent/server.pem' cannot be read"), "\(error)")
        #expect(error.message.contains("No such file or directory"), "\(error)")
    }

    @Test func badPEMIsNamed() throws {
        let certificates = try TestCertificates.shared
        var configuration = certificates.clientConfiguration()
        configuration.trustRoots = .pem("not a certificate")
        let error = try #require(throws: NacosTransportError.self) { try configuration.validate() }
        #expect(error.message.contains("trustRoots (inline PEM) contains no PEM certificate"), "\(error)")

        let truncated = String(certificates.ca.certificatePEM.dropLast(40))
        configuration.trustRoots = .pem(truncated)
        let truncatedError = try #require(throws: NacosTransportError.self) { try configuration.validate() }
        #expect(truncatedError.message.contains("trustRoots (inline PEM)"), "\(truncatedError)")

        let badKey = NacosTLSConfiguration.server(
            certificateChain: certificates.server.certificate,
            privateKey: .pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        )
        let keyError = try #require(throws: NacosTransportError.self) { try badKey.validate() }
        #expect(
            keyError.message.contains("privateKey (inline PEM) is not an unencrypted PEM private key"),
            "\(keyError)"
        )
    }

    @Test func keyThatDoesNotMatchTheCertificateIsNamed() throws {
        let certificates = try TestCertificates.shared
        let configuration = NacosTLSConfiguration.server(
            certificateChain: certificates.server.certificate,
            privateKey: certificates.client.key
        )
        let error = try #require(throws: NacosTransportError.self) { try configuration.validate() }
        #expect(error.message.contains("does not match the certificate"), "\(error)")
        #expect(error.message.contains("key values mismatch"), "\(error)")
    }

    @Test func inconsistentOptionsAreNamed() throws {
        let certificates = try TestCertificates.shared
        var mutual = NacosTLSConfiguration.server(
            certificateChain: certificates.server.certificate,
            privateKey: certificates.server.key
        )
        mutual.requireClientCertificate = true
        let mutualError = try #require(throws: NacosTransportError.self) { try mutual.validate() }
        #expect(mutualError.message.contains("requireClientCertificate needs trustRoots"), "\(mutualError)")

        var halfIdentity = certificates.clientConfiguration()
        halfIdentity.certificateChain = certificates.client.certificate
        let halfError = try #require(throws: NacosTransportError.self) { try halfIdentity.validate() }
        #expect(halfError.message.contains("certificateChain and privateKey must be set together"), "\(halfError)")

        var ciphers = certificates.clientConfiguration()
        ciphers.cipherList = "NO-SUCH-CIPHER"
        let cipherError = try #require(throws: NacosTransportError.self) { try ciphers.validate() }
        #expect(cipherError.message.contains("cipherList 'NO-SUCH-CIPHER'"), "\(cipherError)")

        var timeout = certificates.clientConfiguration()
        timeout.handshakeTimeout = .zero
        #expect(throws: NacosTransportError.self) { try timeout.validate() }
    }

    @Test func listeningWithoutCertificateFails() async throws {
        let certificates = try TestCertificates.shared
        let group = try NacosEventLoopGroup(numberOfThreads: 1)
        let transport = try NacosTLSTransport(group: group, tls: certificates.clientConfiguration())
        await #expect(throws: NacosTransportError.self) {
            _ = try await transport.listen(on: .loopbackIPv4()) { $0.close() }
        }
        await group.shutdownGracefully()
    }
}
