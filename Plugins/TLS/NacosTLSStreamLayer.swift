public import NacosTransport

/// A stream layer that runs TLS between the socket and the frame layer.
///
/// Give it to `NacosTCPTransport(streamLayer:)` (or use `NacosTLSTransport`, which does). Accepted streams
/// (`.server` role) run a server handshake with the configuration's certificate; opened streams
/// (`.client(serverName:)`) run a client handshake, sending SNI and verifying the server against the
/// configuration's `serverName` or, by default, the dialed host. The frame layer becomes active only after
/// the handshake; a failed or timed-out handshake closes the stream with `.tlsHandshakeFailed`. The
/// frame layer's output then reports the protocol negotiated with ALPN (see
/// `NacosTLSConfiguration.applicationProtocols`) as `negotiatedApplicationProtocol`.
///
/// All files and PEM are loaded once, in `init`; making a handler per stream is cheap.
public struct NacosTLSStreamLayer: NacosStreamLayer {
    /// The configuration the layer was built from.
    public let configuration: NacosTLSConfiguration
    /// The server context, when the configuration has a certificate chain and key.
    private let serverContext: TLSContext?
    /// The client context.
    private let clientContext: TLSContext

    /// Builds the OpenSSL contexts described by `configuration`.
    ///
    /// - Throws: `NacosTransportError(.invalidConfiguration)` naming what is wrong (see `NacosTLSConfiguration.validate()`).
    public init(configuration: NacosTLSConfiguration) throws(NacosTransportError) {
        self.configuration = configuration
        self.serverContext = configuration.canServe ? try TLSContext(configuration: configuration, side: .server) : nil
        self.clientContext = try TLSContext(configuration: configuration, side: .client)
    }

    /// Builds a layer from prepared contexts (tests use it to play peers outside the public options).
    internal init(configuration: NacosTLSConfiguration, serverContext: TLSContext?, clientContext: TLSContext) {
        self.configuration = configuration
        self.serverContext = serverContext
        self.clientContext = clientContext
    }

    /// Returns a TLS handler around `inner` for the given role.
    ///
    /// A `.server` role on a layer without a certificate yields a handler that fails the stream with
    /// `.tlsFailure` as soon as it opens.
    public func makeHandler(
        wrapping inner: any NacosStreamHandler,
        role: NacosStreamRole,
        logger: NacosLogger
    ) -> any NacosStreamHandler {
        let engine: Result<TLSEngine, NacosTransportError>
        switch role {
        case .server:
            if let context = self.serverContext {
                engine = Result { () throws(NacosTransportError) in try TLSEngine(context: context, serverName: nil) }
            } else {
                engine = .failure(
                    NacosTransportError(
                        .invalidConfiguration,
                        "TLS cannot accept connections: the configuration has no certificateChain and privateKey"
                    )
                )
            }
        case .client(let serverName):
            engine = Result { () throws(NacosTransportError) in
                try TLSEngine(context: self.clientContext, serverName: serverName)
            }
        }
        return TLSStreamHandler(
            wrapping: inner,
            engine: engine,
            handshakeTimeout: self.configuration.handshakeTimeout,
            logger: logger
        )
    }
}
