import NacosTLS
import NacosTransport

/// Builds the transport of one listening port from its TLS settings: plain TCP, or TLS (optionally
/// also accepting plaintext, optionally requiring client certificates).
enum ServerTransportFactory {
    /// The transport for a port with `tls` settings and frames up to `maxFrameLength` bytes; over TLS it
    /// negotiates `applicationProtocols` with ALPN (`h2` where gRPC is served: grpc-java and tonic require it).
    static func make(
        tls: NacosServerTLSSettings,
        maxFrameLength: Int,
        applicationProtocols: [String] = [],
        group: NacosEventLoopGroup,
        logger: NacosLogger
    ) throws -> any NacosStreamTransport {
        var transport = NacosTransportConfiguration()
        transport.maxFrameLength = maxFrameLength
        guard tls.enabled else {
            return NacosTCPTransport(group: group, configuration: transport, logger: logger)
        }
        guard let chain = tls.certificateChainFile, let key = tls.privateKeyFile else {
            throw NacosTransportError(.invalidConfiguration, "TLS is enabled but the certificate chain or private key file is missing")
        }
        let configuration = NacosTLSConfiguration(
            certificateChain: .file(chain),
            privateKey: .file(key),
            trustRoots: tls.trustCertificateFile.map { .file($0) },
            requireClientCertificate: tls.mutualAuth,
            applicationProtocols: applicationProtocols
        )
        return try NacosTLSTransport(
            group: group,
            tls: configuration,
            configuration: transport,
            logger: logger,
            allowPlaintext: tls.allowPlaintext
        )
    }
}
