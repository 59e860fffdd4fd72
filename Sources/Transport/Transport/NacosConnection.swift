/// A long-lived connection carrying an ordered stream of frames in each direction.
///
/// This is the transport plug-in contract seen from above: every transport (TCP, TLS, in-memory) hands out
/// connections of this shape. A connection delivers nothing until `start(_:)` installs a handler; until
/// then the peer's frames wait in the kernel (or the in-memory pipe), which is what lets an acceptor decide
/// before reading.
///
/// All methods are safe to call from any thread. Handler callbacks run on `eventLoop`, one at a time, in
/// the order the frames arrived.
public protocol NacosConnection: AnyObject, Sendable {
    /// A process-unique number for this connection.
    var id: UInt64 { get }
    /// The local address, if the transport has one.
    var localAddress: NacosSocketAddress? { get }
    /// The peer's address, if the transport has one.
    var remoteAddress: NacosSocketAddress? { get }
    /// The event loop that owns this connection and runs its handler.
    var eventLoop: NacosEventLoop { get }
    /// Whether queued outbound bytes are below the high watermark (a snapshot when read off the loop).
    var isWritable: Bool { get }
    /// Whether the connection is still open (a snapshot when read off the loop).
    var isOpen: Bool { get }

    /// Installs the handler and starts delivering frames; call it once.
    func start(_ handler: any NacosConnectionHandler)

    /// Queues one frame and sends it as soon as the loop runs.
    ///
    /// `completion`, if given, runs on the event loop once the frame reached the kernel or failed
    /// (`.connectionClosed`, `.writeBufferFull`, `.frameTooLarge`).
    func send(_ frame: NacosByteBuffer, completion: (@Sendable (Result<Void, NacosTransportError>) -> Void)?)

    /// Closes the connection. With `flush`, frames already sent are delivered first (bounded by the
    /// transport's close timeout); without it they fail.
    func close(flush: Bool)

    /// Waits until the connection is closed and returns why (`nil` for an orderly close).
    func closed() async -> (any Error)?
}

extension NacosConnection {
    /// Queues one frame with no completion callback.
    public func send(_ frame: NacosByteBuffer) {
        self.send(frame, completion: nil)
    }

    /// Closes the connection after flushing what was already sent.
    public func close() {
        self.close(flush: true)
    }
}

/// Receives the frames and life-cycle events of one connection, on the connection's event loop.
public protocol NacosConnectionHandler: AnyObject, Sendable {
    /// A whole frame arrived. The payload may share memory with the read buffer: copy it if you keep it long.
    func connection(_ connection: any NacosConnection, didReceive frame: NacosByteBuffer)

    /// Outbound writability changed (see `NacosConnection.isWritable`).
    func connection(_ connection: any NacosConnection, writabilityChanged isWritable: Bool)

    /// The connection closed; `error` is `nil` for an orderly close by either side.
    func connectionClosed(_ connection: any NacosConnection, error: (any Error)?)
}

extension NacosConnectionHandler {
    /// Ignores writability changes by default.
    public func connection(_ connection: any NacosConnection, writabilityChanged isWritable: Bool) {}
}
