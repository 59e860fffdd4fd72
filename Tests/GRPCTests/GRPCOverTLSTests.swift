import NacosGRPC
import NacosNamingAPI
import NacosRemote
import NacosTLS
import NacosTestKit
import NacosTransport
import Testing

/// gRPC over TLS with ALPN `h2` on a port in the TLS-or-plaintext compatibility mode: grpcio (which requires
/// ALPN h2), our gRPC client over TLS, and plaintext gRPC and native TLS clients on the same port.
@Suite("gRPC over TLS")
struct GRPCOverTLSTests {
    private static func withTLSServer(_ body: (GRPCNamingServer, TestCertificates) async throws -> Void) async throws {
        let certificates = try TestCertificates.shared
        var tls = certificates.serverConfiguration()
        tls.requireClientCertificate = false
        tls.applicationProtocols = ["h2"]
        try await withGRPCNamingServer(
            configure: { $0.tlsProtected = true },
            makeTransport: { group, logger in try NacosTLSTransport(group: group, tls: tls, logger: logger, allowPlaintext: true) }
        ) { server in
            try await body(server, certificates)
        }
    }

    private func client(_ address: NacosSocketAddress, transport: any NacosTransport, layer: any NacosProtocolLayer) -> NacosRpcClient {
        var configuration = NacosRpcClientConfiguration(name: "tls-test", serverAddresses: [address])
        configuration.protocolLayer = layer
        configuration.labels = ["source": "sdk", "module": "naming"]
        return NacosRpcClient(configuration: configuration, transport: transport, payloads: .naming, logger: .disabled())
    }

    @Test func grpcioNegotiatesH2AndSpeaksNacos() async throws {
        try await Self.withTLSServer { server, certificates in
            for scenario in ["handshake", "register"] {
                let outcome = try await PythonPeer.run(
                    "grpcio_client.py",
                    ["--target", "127.0.0.1:\(server.port)", "--tls", "--ca", certificates.ca.certificatePath, "--server-name", "localhost", scenario],
                    timeout: .seconds(120)
                )
                #expect(outcome.succeeded, "\(scenario): \(outcome)")
            }
            #expect(server.logs.messages.contains { $0.contains("ALPN h2") }, "the server negotiated h2 with grpcio")
        }
    }

    @Test func ourGRPCClientOverTLSPlaintextGRPCAndNativeTLSShareThePort() async throws {
        try await Self.withTLSServer { server, certificates in
            var tls = NacosTLSConfiguration.client(trustRoots: certificates.ca.certificate)
            tls.serverName = "localhost"
            tls.applicationProtocols = ["h2"]
            let tlsTransport = try NacosTLSTransport(group: server.group, tls: tls, logger: .disabled())
            var secure = NacosGRPCConfiguration()
            secure.scheme = "https"
            let grpcOverTLS = self.client(server.address, transport: tlsTransport, layer: NacosGRPCProtocol(configuration: secure))
            let grpcPlain = self.client(server.address, transport: NacosTCPTransport(group: server.group, logger: .disabled()), layer: NacosGRPCProtocol())
            let nativeOverTLS = self.client(server.address, transport: tlsTransport, layer: NacosNativeProtocol())
            defer {
                grpcOverTLS.shutdown()
                grpcPlain.shutdown()
                nativeOverTLS.shutdown()
            }
            for client in [grpcOverTLS, grpcPlain, nativeOverTLS] {
                #expect(await client.start())
                #expect(try await client.request(HealthCheckRequest(), expecting: HealthCheckResponse.self).success)
            }
            let ids = [grpcOverTLS, grpcPlain, nativeOverTLS].compactMap(\.connectionId)
            try await waitUntil("all three registered") { ids.allSatisfy { server.manager.isRegistered($0) } }
            #expect(ids.compactMap { server.manager.connection($0)?.meta.connectType } == ["GRPC", "GRPC", "NATIVE"])
        }
    }
}
