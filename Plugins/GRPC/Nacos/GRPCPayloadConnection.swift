import NacosHTTP2
import NacosRemote
import NacosTransport

/// What the server and client gRPC payload connections share: the `NacosPayloadConnection` surface read
/// from their `core`, and sends that reach the HTTP/2 connection's loop in batches, one write per batch.
internal protocol GRPCPayloadConnection: NacosPayloadConnection {
    /// The thread-safe state and send path.
    var core: GRPCPayloadConnectionCore { get }
    /// The HTTP/2 connection underneath, while it lives; on the loop only.
    var http2: HTTP2Connection? { get }
    /// Writes one encoded payload where it belongs (its call's stream or the bi-stream); on the loop only.
    func write(_ payload: NacosPayload, _ message: NacosByteBuffer, completion: (@Sendable (Result<Void, NacosTransportError>) -> Void)?)
}

extension GRPCPayloadConnection {
    var id: UInt64 { self.core.id }
    var protocolName: String { NacosGRPCProtocol.name }
    var localAddress: NacosSocketAddress? { self.core.localAddress }
    var remoteAddress: NacosSocketAddress? { self.core.remoteAddress }
    var eventLoop: NacosEventLoop { self.core.eventLoop }
    var isWritable: Bool { self.core.isWritable }
    var isOpen: Bool { self.core.isOpen }

    func send(_ payload: NacosPayload, completion: (@Sendable (Result<Void, NacosTransportError>) -> Void)?) throws(NacosRemoteError) {
        try self.core.send(payload, completion: completion) { [self] batch in
            guard let http2 = self.http2 else {
                for (_, _, completion) in batch { completion?(.failure(NacosTransportError(.connectionClosed, "gRPC connection \(self.id) is closed"))) }
                return
            }
            http2.batchingWrites {
                for (payload, message, completion) in batch { self.write(payload, message, completion: completion) }
            }
        }
    }

    func closed() async -> (any Error)? {
        await self.core.waitUntilClosed()
    }

    /// Runs `body` on the connection's loop: at once when already there.
    func onLoop(_ body: @escaping @Sendable () -> Void) {
        if self.eventLoop.inEventLoop { body() } else { self.eventLoop.execute(body) }
    }
}
