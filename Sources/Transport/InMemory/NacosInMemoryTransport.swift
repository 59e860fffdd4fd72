import Synchronization

/// A transport whose connections are in-memory pipes between two event loops of one process.
///
/// For tests and for embedding a server and its clients in one process. Listeners are registered by
/// name (`NacosSocketAddress.inMemory("name")`) in this transport instance; connections behave like TCP
/// ones (ordering, writability, hard limits, half-close, close) and run through the same frame layer and
/// optional stream layer, so even TLS can run over it.
public final class NacosInMemoryTransport: NacosStreamTransport {
    private struct Endpoint: Sendable {
        /// Makes the handler of an accepted pipe end (below any stream layer) for the loop that owns it.
        let makeHandler: @Sendable (NacosEventLoop) -> any NacosStreamHandler
    }

    /// The loops that run the connections.
    public let group: NacosEventLoopGroup
    /// Limits (frame size, watermarks) applied as over TCP.
    public let configuration: NacosTransportConfiguration
    /// Where connection-level events are logged.
    public let logger: NacosLogger
    /// The layer installed between each pipe end and the frame layer, if any.
    public let streamLayer: (any NacosStreamLayer)?

    private let endpoints = Mutex<[String: Endpoint]>([:])
    private let nextName = Atomic<Int>(0)

    /// Creates an in-memory transport with its own namespace of listener names.
    public init(
        group: NacosEventLoopGroup = .shared,
        configuration: NacosTransportConfiguration = NacosTransportConfiguration(),
        logger: NacosLogger = NacosLogger(label: "nacos.transport.inmemory"),
        streamLayer: (any NacosStreamLayer)? = nil
    ) {
        self.group = group
        self.configuration = configuration
        self.logger = logger
        self.streamLayer = streamLayer
    }

    /// Registers a listener under the address's name (an empty name, or any non-in-memory address, gets a
    /// fresh unique name).
    public func listen(
        on address: NacosSocketAddress,
        acceptor: @escaping @Sendable (any NacosConnection) -> Void
    ) async throws -> any NacosListener {
        let configuration = self.configuration
        let logger = self.logger
        return try await self.listenStreams(on: address) { loop in
            FramedConnection(eventLoop: loop, configuration: configuration, logger: logger) { result in
                if case .success(let connection) = result {
                    acceptor(connection)
                }
            }
        }
    }

    /// Registers a listener whose accepted pipe ends are handed to handlers from `makeHandler` as raw byte
    /// streams (beneath the transport's stream layer, if any).
    public func listenStreams(
        on address: NacosSocketAddress,
        makeHandler: @escaping @Sendable (NacosEventLoop) -> any NacosStreamHandler
    ) async throws -> any NacosListener {
        try self.configuration.validate()
        let name: String
        if address.family == .inMemory && !address.host.isEmpty {
            name = address.host
        } else {
            name = "listener-\(self.nextName.wrappingAdd(1, ordering: .relaxed).newValue)"
        }
        try self.endpoints.withLock { (endpoints) throws(NacosTransportError) in
            guard endpoints[name] == nil else {
                throw NacosTransportError(.invalidAddress, "in-memory address '\(name)' is already in use")
            }
            endpoints[name] = Endpoint(makeHandler: makeHandler)
        }
        return InMemoryListener(transport: self, localAddress: .inMemory(name))
    }

    /// Opens a pipe to the listener registered under the address's name.
    public func connect(to address: NacosSocketAddress, timeout: Duration?) async throws -> any NacosConnection {
        try await FramedConnection.connect(
            over: self,
            to: address,
            timeout: timeout,
            configuration: self.configuration,
            logger: self.logger
        )
    }

    /// Opens a pipe to the listener registered under the address's name and hands this end, as a raw byte
    /// stream, to the handler `makeHandler` returns; the handler learns the outcome from `streamActive` or
    /// `streamClosed`.
    public func connectStream(
        to address: NacosSocketAddress,
        timeout: Duration?,
        makeHandler: (NacosEventLoop) -> any NacosStreamHandler
    ) throws {
        try self.configuration.validate()
        guard !self.group.isShutDown else {
            throw NacosTransportError(.shutDown, "the event loop group has been shut down")
        }
        guard address.family == .inMemory, let endpoint = self.endpoints.withLock({ $0[address.host] }) else {
            throw NacosTransportError(.connectionRefused, "no in-memory listener at \(address)")
        }
        let clientLoop = self.group.next()
        let serverLoop = self.group.next()
        let configuration = self.configuration
        let logger = self.logger
        let clientAddress = NacosSocketAddress.inMemory("\(address.host)#client-\(self.nextName.wrappingAdd(1, ordering: .relaxed).newValue)")
        let serverHandler = endpoint.makeHandler(serverLoop)
        let serverEnd = InMemoryStreamEndpoint(
            eventLoop: serverLoop,
            localAddress: address,
            remoteAddress: clientAddress,
            handler: self.streamLayer?.makeHandler(wrapping: serverHandler, role: .server, logger: logger) ?? serverHandler,
            configuration: configuration
        )
        let clientHandler = makeHandler(clientLoop)
        let clientEnd = InMemoryStreamEndpoint(
            eventLoop: clientLoop,
            localAddress: clientAddress,
            remoteAddress: address,
            handler: self.streamLayer?.makeHandler(wrapping: clientHandler, role: .client(serverName: nil), logger: logger)
                ?? clientHandler,
            configuration: configuration
        )
        InMemoryStreamEndpoint.pair(clientEnd, serverEnd)
        guard serverLoop.submit({ serverEnd.activate() }), clientLoop.submit({ clientEnd.activate() }) else {
            throw NacosTransportError(.shutDown, "the event loop group has been shut down")
        }
    }

    fileprivate func removeEndpoint(_ name: String) {
        _ = self.endpoints.withLock { $0.removeValue(forKey: name) }
    }
}

/// A name registered with an in-memory transport.
private struct InMemoryListener: NacosListener {
    let transport: NacosInMemoryTransport
    let localAddress: NacosSocketAddress

    func close() async {
        self.transport.removeEndpoint(self.localAddress.host)
    }
}
