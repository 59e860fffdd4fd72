public import NacosTransport

/// A long-lived connection carrying `NacosPayload`s in each direction: the protocol-layer plug-in contract.
///
/// The native protocol (one payload per transport frame, docs/protocol.md) and gRPC over HTTP/2 (the
/// NacosGRPC module) both hand out connections of this shape, so the RPC server, the client and the shared
/// peer links are written once above them. A payload's `callId` is the protocol's own correlation of a
/// unary call with its response (the native frame's call id, gRPC's HTTP/2 stream); 0 marks the messages
/// that travel outside unary calls (ConnectionSetupRequest, server pushes and their answers — gRPC's
/// bi-stream).
///
/// All methods are safe to call from any thread. Handler callbacks run on `eventLoop`, one at a time, in
/// the order the payloads arrived.
public protocol NacosPayloadConnection: AnyObject, Sendable {
    /// A process-unique number for this connection.
    var id: UInt64 { get }
    /// The protocol's name as connection metadata records it (`NATIVE`, `GRPC`).
    var protocolName: String { get }
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

    /// Installs the handler and starts delivering payloads; call it once.
    func start(_ handler: any NacosPayloadConnectionHandler)

    /// Encodes `payload` now and queues it; `completion`, if given, runs on the event loop once it reached
    /// the kernel or failed.
    ///
    /// - Throws: `NacosRemoteError` with code `encodingFailed` when the payload does not fit the protocol.
    func send(_ payload: NacosPayload, completion: (@Sendable (Result<Void, NacosTransportError>) -> Void)?) throws(NacosRemoteError)

    /// Closes the connection. With `flush`, what was already sent is delivered first.
    func close(flush: Bool)

    /// Waits until the connection is closed and returns why (`nil` for an orderly close).
    func closed() async -> (any Error)?
}

/// Receives the payloads and life-cycle events of one `NacosPayloadConnection`, on its event loop.
public protocol NacosPayloadConnectionHandler: AnyObject, Sendable {
    /// A whole payload arrived. Its body may share memory with the read buffer: copy it if you keep it long.
    func connection(_ connection: any NacosPayloadConnection, didReceive payload: NacosPayload)

    /// A message arrived that does not decode into a payload; `kind` and `callId` say what it was when the
    /// protocol could tell (so that a request can be answered with an error and a call failed at once).
    func connection(
        _ connection: any NacosPayloadConnection,
        didReceiveUndecodable error: NacosRemoteError,
        kind: NacosPayload.Kind?,
        callId: UInt64
    )

    /// The connection closed; `error` is `nil` for an orderly close by either side.
    func connectionClosed(_ connection: any NacosPayloadConnection, error: (any Error)?)
}
