public import NacosTransport

/// Frames over TLS over TCP: `NacosTCPTransport` with a TLS stream layer.
///
/// Listening needs a configuration with a certificate chain and private key; connecting verifies the
/// server against the dialed IP address (or the configuration's `serverName`). `connect` returns once the
/// handshake has completed and throws `.tlsHandshakeFailed` with OpenSSL's reason when it fails.
///
/// ```swift
/// let tls = NacosTLSConfiguration.server(certificateChain: .file("server.pem"), privateKey: .file("server.key"))
/// let transport = try NacosTLSTransport(group: group, tls: tls)
/// let listener = try await transport.listen(on: .loopbackIPv4(port: 9849)) { connection in … }
/// ```
///
/// With `allowPlaintext`, listeners also accept plaintext clients on the same port (Nacos's compatibility
/// mode, see `NacosOptionalTLSStreamLayer`); outgoing connections always use TLS.
public struct NacosTLSTransport: NacosStreamTransport {
    /// The TLS settings.
    public let tls: NacosTLSConfiguration
    /// Whether listeners also accept plaintext clients.
    public let allowPlaintext: Bool
    /// The TCP transport carrying the TLS layer.
    public let tcp: NacosTCPTransport

    /// The TCP transport's limits and timeouts.
    public var configuration: NacosTransportConfiguration { self.tcp.configuration }

    /// Creates a TLS transport, loading every certificate and key now.
    ///
    /// - Parameters:
    ///   - group: the loops that own the sockets.
    ///   - tls: certificates, trust roots and verification settings.
    ///   - configuration: the TCP transport's limits and timeouts.
    ///   - logger: where connection and handshake failures are logged.
    ///   - allowPlaintext: servers only: accept plaintext clients too, detected from their first bytes.
    /// - Throws: `NacosTransportError(.invalidConfiguration)` naming what is wrong with `tls`.
    public init(
        group: NacosEventLoopGroup = .shared,
        tls: NacosTLSConfiguration,
        configuration: NacosTransportConfiguration = NacosTransportConfiguration(),
        logger: NacosLogger = NacosLogger(label: "nacos.transport.tls"),
        allowPlaintext: Bool = false
    ) throws(NacosTransportError) {
        let layer = try NacosTLSStreamLayer(configuration: tls)
        self.init(
            group: group,
            tlsLayer: layer,
            configuration: configuration,
            logger: logger,
            allowPlaintext: allowPlaintext
        )
    }

    /// Creates a TLS transport from a prepared layer (tests use it to play peers outside the public options).
    internal init(
        group: NacosEventLoopGroup,
        tlsLayer: NacosTLSStreamLayer,
        configuration: NacosTransportConfiguration,
        logger: NacosLogger,
        allowPlaintext: Bool
    ) {
        self.tls = tlsLayer.configuration
        self.allowPlaintext = allowPlaintext
        let layer: any NacosStreamLayer = allowPlaintext ? NacosOptionalTLSStreamLayer(tls: tlsLayer) : tlsLayer
        self.tcp = NacosTCPTransport(group: group, configuration: configuration, logger: logger, streamLayer: layer)
    }

    /// Accepts TLS (and, with `allowPlaintext`, plaintext) connections on `address`.
    ///
    /// The acceptor sees a connection only once its handshake has completed.
    public func listen(
        on address: NacosSocketAddress,
        acceptor: @escaping @Sendable (any NacosConnection) -> Void
    ) async throws -> any NacosListener {
        try self.checkCanServe()
        return try await self.tcp.listen(on: address, acceptor: acceptor)
    }

    /// Connects to `address` and completes a TLS handshake; `timeout` bounds the TCP connect, the
    /// configuration's `handshakeTimeout` the handshake.
    public func connect(to address: NacosSocketAddress, timeout: Duration?) async throws -> any NacosConnection {
        try await self.tcp.connect(to: address, timeout: timeout)
    }

    /// Accepts TLS (and, with `allowPlaintext`, plaintext) streams on `address`; each handler sees its stream
    /// become active once the handshake has completed.
    public func listenStreams(
        on address: NacosSocketAddress,
        makeHandler: @escaping @Sendable (NacosEventLoop) -> any NacosStreamHandler
    ) async throws -> any NacosListener {
        try self.checkCanServe()
        return try await self.tcp.listenStreams(on: address, makeHandler: makeHandler)
    }

    /// Connects to `address` and hands the decrypted stream to the handler `makeHandler` returns, active
    /// once the handshake has completed.
    public func connectStream(
        to address: NacosSocketAddress,
        timeout: Duration?,
        makeHandler: (NacosEventLoop) -> any NacosStreamHandler
    ) throws {
        try self.tcp.connectStream(to: address, timeout: timeout, makeHandler: makeHandler)
    }

    private func checkCanServe() throws(NacosTransportError) {
        if !self.tls.canServe {
            throw NacosTransportError(
                .invalidConfiguration,
                "a TLS listener needs certificateChain and privateKey in its NacosTLSConfiguration"
            )
        }
    }
}
