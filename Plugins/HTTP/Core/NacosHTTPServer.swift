public import NacosTransport
import Synchronization

/// An HTTP/1.1 server over any stream transport (TCP, TLS, in-memory) that hands each request to an
/// `HTTPResponder`.
///
/// Requests are parsed on the connection's event loop and answered in order, one at a time per
/// connection; the responder runs in a task. Limits and timeouts come from `HTTPServerConfiguration`;
/// malformed requests get an error status and a closed connection.
public final class NacosHTTPServer: Sendable {
    private enum Status {
        case created
        case starting
        case running
        case stopped
    }

    private struct State {
        var status = Status.created
        var listener: (any NacosListener)?
    }

    /// The limits and timeouts the server enforces.
    public let configuration: HTTPServerConfiguration
    private let transport: any NacosStreamTransport
    private let shared: HTTPServerShared
    private let logger: NacosLogger
    private let state = Mutex(State())

    /// Creates a server; nothing listens until `start(on:)`.
    public init(
        transport: any NacosStreamTransport,
        configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
        responder: any HTTPResponder,
        logger: NacosLogger
    ) {
        self.transport = transport
        self.configuration = configuration
        self.logger = logger
        self.shared = HTTPServerShared(configuration: configuration, responder: responder, logger: logger)
    }

    /// Validates the configuration, starts listening on `address` and returns the bound address (with the
    /// real port when 0 was asked for).
    ///
    /// - Throws: `NacosTransportError` for an invalid configuration, a second start, a start after
    ///   shutdown, or a failure to listen.
    public func start(on address: NacosSocketAddress) async throws -> NacosSocketAddress {
        try self.configuration.validate()
        try self.state.withLock { (state) throws(NacosTransportError) in
            switch state.status {
            case .created: state.status = .starting
            case .starting, .running: throw NacosTransportError(.invalidConfiguration, "the HTTP server is already started")
            case .stopped: throw NacosTransportError(.shutDown, "the HTTP server has been shut down")
            }
        }
        let shared = self.shared
        let listener: any NacosListener
        do {
            listener = try await self.transport.listenStreams(on: address) { loop in
                HTTPServerConnection(eventLoop: loop, shared: shared)
            }
        } catch {
            self.state.withLock { if $0.status == .starting { $0.status = .created } }
            throw error
        }
        let running = self.state.withLock { state -> Bool in
            guard state.status == .starting else { return false }
            state.status = .running
            state.listener = listener
            return true
        }
        guard running else {
            await listener.close()
            throw NacosTransportError(.shutDown, "the HTTP server was shut down while starting")
        }
        self.logger.info("HTTP server listening on \(listener.localAddress)")
        return listener.localAddress
    }

    /// The bound address while the server is listening.
    public var localAddress: NacosSocketAddress? { self.state.withLock { $0.listener?.localAddress } }

    /// The number of open connections.
    public var connectionCount: Int { self.shared.count }

    /// Stops accepting connections; lets requests in progress finish and be answered (their responses
    /// carry `Connection: close`); closes idle keep-alive connections at once; after `gracePeriod` closes
    /// whatever is left. Returns once every connection is closed (or, if a transport does not report a
    /// close, shortly after the grace period).
    public func shutdown(gracePeriod: Duration) async {
        let listener = self.state.withLock { state -> (any NacosListener)? in
            state.status = .stopped
            defer { state.listener = nil }
            return state.listener
        }
        await listener?.close()
        let connections = self.shared.beginDraining()
        for connection in connections {
            connection.eventLoop.execute { connection.drain() }
        }
        if await self.shared.waitUntilEmpty(timeout: gracePeriod) { return }
        let remaining = self.shared.snapshot()
        self.logger.info("closing \(remaining.count) HTTP connections still open after the \(gracePeriod) grace period")
        for connection in remaining {
            connection.eventLoop.execute { connection.forceClose() }
        }
        _ = await self.shared.waitUntilEmpty(timeout: .seconds(1))
    }
}
