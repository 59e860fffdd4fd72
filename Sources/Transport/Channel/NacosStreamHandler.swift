/// Receives the events of one ordered byte stream (a socket, a TLS session, an in-memory pipe).
///
/// A stream is built from layers: the socket at the bottom, optional layers such as TLS in the middle, and
/// the frame layer on top. Each layer is the handler of the layer below it and writes through that layer's
/// `NacosStreamOutput`.
///
/// **Threading.** Every method is called on the stream's event loop, never concurrently, in this order:
/// `streamActive` once, then any number of `streamRead` and `streamWritabilityChanged`, at most one
/// `streamInputClosed`, and finally `streamClosed` exactly once (also when the stream fails before it became
/// active, in which case `streamActive` is never called).
public protocol NacosStreamHandler: AnyObject {
    /// The stream is open; `output` is how this handler writes to it from now on.
    func streamActive(_ output: any NacosStreamOutput)

    /// Bytes arrived. The handler must consume what it needs before returning: the buffer is reused for the
    /// next read, and bytes left readable are discarded. (Slices taken from it stay valid.)
    func streamRead(_ bytes: inout NacosByteBuffer)

    /// The output's writability changed: `false` once queued bytes pass the high watermark, `true` again
    /// once they fall below the low watermark.
    func streamWritabilityChanged(_ isWritable: Bool)

    /// The peer closed its side for writing (end of stream); the output may still be writable.
    func streamInputClosed()

    /// The stream is closed; `error` is `nil` for an orderly close.
    func streamClosed(_ error: (any Error)?)
}

/// How a handler writes to the stream beneath it.
///
/// Every method must be called on `eventLoop`.
public protocol NacosStreamOutput: AnyObject {
    /// The event loop that owns this stream.
    var eventLoop: NacosEventLoop { get }
    /// The local address, if the stream has one.
    var localAddress: NacosSocketAddress? { get }
    /// The peer's address, if the stream has one.
    var remoteAddress: NacosSocketAddress? { get }
    /// Whether queued bytes are below the high watermark.
    var isWritable: Bool { get }
    /// Whether the stream is still open for writing.
    var isOpen: Bool { get }
    /// The application protocol negotiated with ALPN (`h2`), if any.
    var negotiatedApplicationProtocol: String? { get }

    /// Queues bytes; `completion` runs on the event loop once they are handed to the kernel or have failed.
    ///
    /// Bytes are not sent before `flush()`. A write beyond the hard outbound limit fails at once with
    /// `.writeBufferFull` instead of growing memory.
    func write(_ bytes: NacosByteBuffer, completion: NacosWriteCompletion?)

    /// Sends everything queued so far, as far as the peer accepts it.
    func flush()

    /// Starts or stops reading from the peer (inbound back-pressure).
    func setReadingEnabled(_ enabled: Bool)

    /// Closes the stream for writing after queued bytes are flushed (half-close).
    func shutdownOutput()

    /// Closes the stream. With `flush`, queued bytes are sent first (bounded by the stream's close timeout);
    /// without it they fail with `.connectionClosed`. `error` is reported to the handler as the cause.
    func close(flush: Bool, error: (any Error)?)
}

extension NacosStreamOutput {
    /// The application protocol the stream negotiated with ALPN (`h2`), if any; `nil` below TLS.
    public var negotiatedApplicationProtocol: String? { nil }
}

/// The callback of a queued write: success once the bytes reached the kernel, or the reason they never will.
public typealias NacosWriteCompletion = (Result<Void, NacosTransportError>) -> Void

/// Builds the layers that sit between a socket and the frame layer (TLS, protocol sniffing).
public protocol NacosStreamLayer: Sendable {
    /// Returns the handler to install on a new stream, wrapping `inner`; return `inner` itself for no layer.
    ///
    /// - Parameters:
    ///   - inner: the handler above this layer, to be made active once this layer is ready (for TLS, after
    ///     the handshake).
    ///   - role: whether this side accepted (`.server`) or opened (`.client`) the stream.
    ///   - logger: the transport's logger.
    func makeHandler(wrapping inner: any NacosStreamHandler, role: NacosStreamRole, logger: NacosLogger) -> any NacosStreamHandler
}

/// Which side of a stream a layer is on.
public enum NacosStreamRole: Sendable, Hashable {
    /// The side that accepted the stream.
    case server
    /// The side that opened the stream; for TLS it carries the expected server name, if any.
    case client(serverName: String?)
}
