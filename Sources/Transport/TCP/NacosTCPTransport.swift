/// The default transport: length-prefixed frames over TCP on the group's epoll loops.
///
/// An optional stream layer (TLS, protocol sniffing) sits between each socket and its frames; the TLS
/// plug-in is this transport with a TLS layer.
public struct NacosTCPTransport: NacosStreamTransport {
    /// The loops that own the sockets.
    public let group: NacosEventLoopGroup
    /// Limits and timeouts.
    public let configuration: NacosTransportConfiguration
    /// Where connection-level events (bad frames, accept failures) are logged.
    public let logger: NacosLogger
    /// The layer installed between each socket and the frame layer, if any.
    public let streamLayer: (any NacosStreamLayer)?

    /// Creates a TCP transport over `group`.
    public init(
        group: NacosEventLoopGroup = .shared,
        configuration: NacosTransportConfiguration = NacosTransportConfiguration(),
        logger: NacosLogger = NacosLogger(label: "nacos.transport"),
        streamLayer: (any NacosStreamLayer)? = nil
    ) {
        self.group = group
        self.configuration = configuration
        self.logger = logger
        self.streamLayer = streamLayer
    }

    /// Binds `address` (IPv4 or IPv6; port 0 picks a free port) and accepts connections on it.
    public func listen(
        on address: NacosSocketAddress,
        acceptor: @escaping @Sendable (any NacosConnection) -> Void
    ) async throws -> any NacosListener {
        let configuration = self.configuration
        let logger = self.logger
        return try await self.listenStreams(on: address) { childLoop in
            FramedConnection(eventLoop: childLoop, configuration: configuration, logger: logger) { result in
                switch result {
                case .success(let connection):
                    acceptor(connection)
                case .failure(let error):
                    logger.debug("an incoming connection on \(address) failed before it was established: \(error)")
                }
            }
        }
    }

    /// Binds `address` and hands each accepted socket, as a raw byte stream beneath the stream layer, to a
    /// handler from `makeHandler`.
    public func listenStreams(
        on address: NacosSocketAddress,
        makeHandler: @escaping @Sendable (NacosEventLoop) -> any NacosStreamHandler
    ) async throws -> any NacosListener {
        try self.configuration.validate()
        try self.checkRunning()
        let loop = self.group.next()
        let configuration = self.configuration
        let logger = self.logger
        let layer = self.streamLayer
        let group = self.group
        let server = try await loop.submitAndWait {
            try ServerSocketChannel.bind(
                to: address,
                eventLoop: loop,
                group: group,
                configuration: configuration,
                logger: logger
            ) { childLoop in
                let handler = makeHandler(childLoop)
                return layer?.makeHandler(wrapping: handler, role: .server, logger: logger) ?? handler
            }
        }
        return TCPListener(server: server)
    }

    /// Connects to `address`; with a stream layer, returns once that layer is ready (TLS: after the handshake).
    public func connect(to address: NacosSocketAddress, timeout: Duration?) async throws -> any NacosConnection {
        try await FramedConnection.connect(
            over: self,
            to: address,
            timeout: timeout,
            configuration: self.configuration,
            logger: self.logger
        )
    }

    /// Connects to `address` and hands the socket, as a raw byte stream beneath the stream layer, to the
    /// handler `makeHandler` returns (made on the loop that owns the socket).
    public func connectStream(
        to address: NacosSocketAddress,
        timeout: Duration?,
        makeHandler: (NacosEventLoop) -> any NacosStreamHandler
    ) throws {
        try self.configuration.validate()
        try self.checkRunning()
        guard address.family != .inMemory else {
            throw NacosTransportError(.invalidAddress, "the TCP transport cannot connect to \(address)")
        }
        let loop = self.group.next()
        let configuration = self.configuration
        let logger = self.logger
        let inner = makeHandler(loop)
        let handler = self.streamLayer?.makeHandler(wrapping: inner, role: .client(serverName: address.host), logger: logger) ?? inner
        let connectTimeout = timeout ?? configuration.connectTimeout
        let box = LoopHandoff(handler)
        let accepted = loop.submit {
            SocketChannel.connect(
                to: address,
                timeout: connectTimeout,
                eventLoop: loop,
                handler: box.value,
                configuration: configuration,
                logger: logger
            )
        }
        if !accepted {
            throw NacosTransportError(.shutDown, "the event loop group has been shut down")
        }
    }

    private func checkRunning() throws(NacosTransportError) {
        if self.group.isShutDown {
            throw NacosTransportError(.shutDown, "the event loop group has been shut down")
        }
    }
}

/// A bound TCP listener.
internal struct TCPListener: NacosListener {
    let server: ServerSocketChannel

    var localAddress: NacosSocketAddress { self.server.localAddress }

    func close() async {
        let server = self.server
        // If the loop has shut down, shutting down already closed the socket.
        try? await server.eventLoop.submitAndWait { server.close() }
    }
}
