import NacosTestKit
import NacosTransport
@testable import NacosTLS

/// Reaches the internal TLS record detection for unit tests.
enum SniffProbe {
    static func detect(_ bytes: [UInt8]) -> String {
        switch TLSSniffingHandler.detect(NacosByteBuffer(bytes: bytes)) {
        case .needMoreBytes: "needMoreBytes"
        case .tls: "tls"
        case .plaintext: "plaintext"
        }
    }
}

/// Builds peers that the public options refuse to configure, such as a client that stops at TLS 1.1.
enum LegacyPeers {
    /// A TLS transport whose client side offers only TLS 1.0 and 1.1.
    static func tls11OnlyClient(
        group: NacosEventLoopGroup,
        configuration: NacosTLSConfiguration
    ) throws -> NacosTLSTransport {
        let client = try TLSContext(
            configuration: configuration,
            side: .client,
            legacyProtocolRange: TLSContext.LegacyProtocolRange(minimum: 0x0301, maximum: 0x0302)
        )
        let layer = NacosTLSStreamLayer(configuration: configuration, serverContext: nil, clientContext: client)
        return NacosTLSTransport(
            group: group,
            tlsLayer: layer,
            configuration: NacosTransportConfiguration(),
            logger: .disabled(),
            allowPlaintext: false
        )
    }
}
