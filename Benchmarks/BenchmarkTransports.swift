import NacosTLS
import NacosTransport

/// The server and client transports of one scenario, each on its own event loop group.
struct BenchmarkTransports {
    /// The transport the server listens with.
    let server: any NacosTransport
    /// The transport the load generator connects with.
    let client: any NacosTransport

    /// Builds the transports of `kind`; TLS needs `certificate` (the server presents it, the client trusts it).
    static func make(
        _ kind: BenchmarkTransportKind,
        serverGroup: NacosEventLoopGroup,
        clientGroup: NacosEventLoopGroup,
        certificate: SelfSignedCertificate?,
        logger: NacosLogger
    ) throws -> BenchmarkTransports {
        switch kind {
        case .tcp:
            return BenchmarkTransports(
                server: NacosTCPTransport(group: serverGroup, logger: logger),
                client: NacosTCPTransport(group: clientGroup, logger: logger)
            )
        case .tls:
            guard let certificate else { throw BenchmarkError("TLS needs a certificate") }
            let serverTLS = NacosTLSConfiguration.server(
                certificateChain: .file(certificate.certificatePath),
                privateKey: .file(certificate.privateKeyPath)
            )
            // Full verification: the certificate names IP 127.0.0.1, the host the client dials.
            let clientTLS = NacosTLSConfiguration.client(trustRoots: .file(certificate.certificatePath))
            return BenchmarkTransports(
                server: try NacosTLSTransport(group: serverGroup, tls: serverTLS, logger: logger),
                client: try NacosTLSTransport(group: clientGroup, tls: clientTLS, logger: logger)
            )
        }
    }
}
