public import NacosTransport

/// A stream layer for Nacos's TLS compatibility mode: accepted streams may speak TLS or plaintext.
///
/// On the server side the layer looks at the first bytes the client sends. A TLS record header
/// (`0x16 0x03 0x00…0x04`, a handshake record of SSL 3.0 to TLS 1.3) installs the TLS layer; anything else
/// installs nothing, and the bytes go to the frame layer as they are. Detection waits until the first
/// five bytes (a record header) have arrived, unless an earlier byte already rules TLS out; a peer that
/// closes before that, or sends nothing within the configuration's `handshakeTimeout`, is disconnected.
///
/// On the client side the layer always speaks TLS, like `NacosTLSStreamLayer`.
public struct NacosOptionalTLSStreamLayer: NacosStreamLayer {
    /// The TLS layer used for streams that speak TLS.
    public let tls: NacosTLSStreamLayer

    /// Builds the TLS contexts described by `configuration`.
    ///
    /// - Throws: `NacosTransportError(.invalidConfiguration)` naming what is wrong (see `NacosTLSConfiguration.validate()`).
    public init(configuration: NacosTLSConfiguration) throws(NacosTransportError) {
        self.tls = try NacosTLSStreamLayer(configuration: configuration)
    }

    /// Uses an existing TLS layer for the streams that speak TLS.
    public init(tls: NacosTLSStreamLayer) {
        self.tls = tls
    }

    /// Returns a protocol-sniffing handler for accepted streams, and a TLS handler for opened ones.
    public func makeHandler(
        wrapping inner: any NacosStreamHandler,
        role: NacosStreamRole,
        logger: NacosLogger
    ) -> any NacosStreamHandler {
        switch role {
        case .server:
            return TLSSniffingHandler(
                wrapping: inner,
                tls: self.tls,
                detectionTimeout: self.tls.configuration.handshakeTimeout,
                logger: logger
            )
        case .client:
            return self.tls.makeHandler(wrapping: inner, role: role, logger: logger)
        }
    }
}
