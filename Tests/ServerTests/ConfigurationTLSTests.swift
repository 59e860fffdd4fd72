import NacosNaming
import NacosRemote
import NacosServer
import NacosTransport
import Testing

@Suite struct ConfigurationTLSTests {
    private static let files = ["/pki/cert.pem": "CERT", "/pki/key.pem": "KEY", "/pki/ca.pem": "CA"]

    private func load(_ arguments: [String]) throws -> NacosServerConfiguration {
        let loader = NacosServerConfigurationLoader(environment: [:], files: Self.files)
        guard case .run(let configuration, _) = try loader.load(arguments: arguments) else {
            throw ConfigurationLoaderTests.LoaderOutcomeMismatch()
        }
        return configuration
    }

    private func error(_ arguments: [String]) -> NacosServerConfigurationError? {
        do {
            _ = try self.load(arguments)
            return nil
        } catch {
            return error as? NacosServerConfigurationError
        }
    }

    @Test func tlsIsOffByDefaultAndRpcPortsAcceptPlaintextOnceOn() throws {
        let configuration = try self.load([])
        #expect(!configuration.clientRpcTLS.enabled && !configuration.clusterRpcTLS.enabled && !configuration.httpTLS.enabled)
        #expect(configuration.clientRpcTLS.allowPlaintext && configuration.clusterRpcTLS.allowPlaintext)
        #expect(!configuration.httpTLS.allowPlaintext)
    }

    @Test func eachPortTakesItsOwnNacosKeys() throws {
        let configuration = try self.load([
            "--nacos.remote.server.rpc.tls.enableTls=true",
            "--nacos.remote.server.rpc.tls.certChainFile=/pki/cert.pem",
            "--nacos.remote.server.rpc.tls.certPrivateKey=/pki/key.pem",
            "--nacos.remote.server.rpc.tls.compatibility=false",
            "--nacos.remote.peer.rpc.tls.enableTls=true",
            "--nacos.remote.peer.rpc.tls.certChainFile=/pki/cert.pem",
            "--nacos.remote.peer.rpc.tls.certPrivateKey=/pki/key.pem",
            "--nacos.remote.peer.rpc.tls.trustCollectionCertFile=/pki/ca.pem",
            "--nacos.remote.peer.rpc.tls.mutualAuthEnable=true",
            "--server.ssl.enabled=true",
            "--server.ssl.certificate=/pki/cert.pem",
            "--server.ssl.certificate-private-key=/pki/key.pem",
        ])
        #expect(configuration.clientRpcTLS == NacosServerTLSSettings(
            enabled: true, certificateChainFile: "/pki/cert.pem", privateKeyFile: "/pki/key.pem", allowPlaintext: false
        ))
        #expect(configuration.clusterRpcTLS == NacosServerTLSSettings(
            enabled: true, certificateChainFile: "/pki/cert.pem", privateKeyFile: "/pki/key.pem",
            trustCertificateFile: "/pki/ca.pem", mutualAuth: true
        ))
        #expect(configuration.httpTLS == NacosServerTLSSettings(
            enabled: true, certificateChainFile: "/pki/cert.pem", privateKeyFile: "/pki/key.pem", allowPlaintext: false
        ))
    }

    @Test func enabledTLSNeedsACertificateAndAKey() throws {
        let noCertificate = try #require(self.error(["--nacos.remote.server.rpc.tls.enableTls"]))
        #expect(noCertificate.kind == .inconsistent)
        #expect(noCertificate.key == "nacos.remote.server.rpc.tls.certChainFile")
        #expect(noCertificate.description.contains("nacos.remote.server.rpc.tls.enableTls"))
        #expect(noCertificate.description.contains("flag --nacos.remote.server.rpc.tls.enableTls"))

        let noKey = try #require(self.error(["--server.ssl.enabled=true", "--server.ssl.certificate=/pki/cert.pem"]))
        #expect(noKey.key == "server.ssl.certificate-private-key")
    }

    @Test func certificateFilesMustExist() throws {
        let error = try #require(self.error([
            "--nacos.remote.peer.rpc.tls.enableTls=true",
            "--nacos.remote.peer.rpc.tls.certChainFile=/pki/missing.pem",
            "--nacos.remote.peer.rpc.tls.certPrivateKey=/pki/key.pem",
        ]))
        #expect(error.kind == .inconsistent)
        #expect(error.key == "nacos.remote.peer.rpc.tls.certChainFile")
        #expect(error.description.contains("/pki/missing.pem"))
        #expect(error.description.contains("does not exist"))
    }

    @Test func mutualAuthNeedsATrustFile() throws {
        let error = try #require(self.error([
            "--server.ssl.enabled=true", "--server.ssl.certificate=/pki/cert.pem",
            "--server.ssl.certificate-private-key=/pki/key.pem", "--server.ssl.client-auth=need",
        ]))
        #expect(error.key == "server.ssl.trust-certificate")
        #expect(error.description.contains("server.ssl.client-auth"))
    }

    @Test func filesOfDisabledTLSAreNotChecked() throws {
        let configuration = try self.load(["--nacos.remote.server.rpc.tls.certChainFile=/nowhere.pem"])
        #expect(configuration.clientRpcTLS.certificateChainFile == "/nowhere.pem")
    }

    @Test func validateChecksTheRealFileSystem() throws {
        let certificate = temporaryPath("cert.pem")
        let key = temporaryPath("key.pem")
        try #require(writeFile(certificate, "CERT") && writeFile(key, "KEY"))
        defer {
            removeFile(certificate)
            removeFile(key)
        }
        var configuration = NacosServerConfiguration()
        configuration.clientRpcTLS = NacosServerTLSSettings(enabled: true, certificateChainFile: certificate, privateKeyFile: key)
        #expect(throws: Never.self) { try configuration.validate() }
        configuration.clientRpcTLS.privateKeyFile = key + ".missing"
        #expect {
            try configuration.validate()
        } throws: { error in
            (error as? NacosServerConfigurationError)?.key == "nacos.remote.server.rpc.tls.certPrivateKey"
        }
    }
}
