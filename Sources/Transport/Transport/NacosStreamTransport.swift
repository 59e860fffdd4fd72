/// A transport that can also hand out raw byte streams, for protocol layers other than the native frames
/// (HTTP/1.1, later gRPC over HTTP/2).
///
/// The stream is the same one the frame layer sits on: below it the transport's stream layer (TLS, TLS-or-
/// plaintext sniffing) still runs, so an HTTP server over `NacosTLSTransport` speaks HTTPS.
public protocol NacosStreamTransport: NacosTransport {
    /// The limits and timeouts of this transport's streams and frames.
    var configuration: NacosTransportConfiguration { get }

    /// Starts accepting streams on `address`; `makeHandler` is called once per accepted stream with the loop
    /// that will own it, and the handler it returns receives that stream's events.
    func listenStreams(
        on address: NacosSocketAddress,
        makeHandler: @escaping @Sendable (NacosEventLoop) -> any NacosStreamHandler
    ) async throws -> any NacosListener

    /// Opens a stream to `address` owned by the handler `makeHandler` returns; the handler learns the
    /// outcome from `streamActive` (connected, and for TLS handshaken) or `streamClosed` (failed).
    ///
    /// Throws only for failures known before connecting (a shut-down group, an address this transport
    /// cannot reach).
    func connectStream(
        to address: NacosSocketAddress,
        timeout: Duration?,
        makeHandler: (NacosEventLoop) -> any NacosStreamHandler
    ) throws
}

extension NacosStreamTransport {
    /// A handler that turns the stream it is installed on into a framed `NacosConnection` with this
    /// transport's limits, as `listen` does for every accepted stream (`eventLoop` is the stream's loop); `onEstablished` runs once, on the
    /// stream's loop, when the stream becomes active (or fails before that).
    ///
    /// A protocol router (`NacosProtocolSniffingHandler`) uses it to hand a stream that turned out to
    /// speak the native frames to the frame layer.
    public func makeFramedHandler(
        eventLoop: NacosEventLoop,
        logger: NacosLogger,
        onEstablished: @escaping (Result<any NacosConnection, any Error>) -> Void
    ) -> any NacosStreamHandler {
        FramedConnection(eventLoop: eventLoop, configuration: self.configuration, logger: logger) { result in
            onEstablished(result.map { $0 as any NacosConnection })
        }
    }
}
