public import NacosTransport

/// How payloads are framed on a byte stream: the protocol-layer plug-in (the native frames, gRPC over
/// HTTP/2), on the server side for accepted streams and on the client side for outgoing connections.
///
/// A server port may serve several layers at once; each accepted stream is given to the first layer that
/// recognizes its first bytes (`detect`).
public protocol NacosProtocolLayer: Sendable {
    /// The protocol's name as connection metadata records it (`NATIVE`, `GRPC`).
    var name: String { get }

    /// Classifies the first bytes a client sent on a stream.
    func detect(_ prefix: NacosByteBuffer) -> NacosProtocolSniffingHandler.Detection

    /// Makes the handler of an accepted stream, on its loop; `onConnection` runs once, on that loop, when
    /// the stream has become a payload connection (it never runs for a stream that fails first).
    func makeServerHandler(
        transport: any NacosStreamTransport,
        eventLoop: NacosEventLoop,
        options: NacosProtocolOptions,
        logger: NacosLogger,
        onConnection: @escaping (any NacosPayloadConnection) -> Void
    ) -> any NacosStreamHandler

    /// Opens a payload connection to `address` over `transport`, failing after `timeout` (or the transport's
    /// default when `nil`).
    func connect(
        over transport: any NacosTransport,
        to address: NacosSocketAddress,
        timeout: Duration?,
        options: NacosProtocolOptions,
        logger: NacosLogger
    ) async throws -> any NacosPayloadConnection
}

/// Payload-level limits every protocol layer applies, set by the server or client that uses it.
public struct NacosProtocolOptions: Sendable {
    /// The most headers one payload may carry.
    public var maxHeaderCount: Int

    /// Creates the options.
    public init(maxHeaderCount: Int = 256) {
        self.maxHeaderCount = maxHeaderCount
    }
}
