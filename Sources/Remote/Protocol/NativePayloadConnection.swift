import NacosTransport
import Synchronization

/// A payload connection of the native protocol: each payload is one frame of a framed `NacosConnection`,
/// encoded by a `NacosPayloadCodec`.
internal final class NativePayloadConnection: NacosPayloadConnection, NacosConnectionHandler {
    /// The framed connection underneath.
    let connection: any NacosConnection
    private let codec: NacosPayloadCodec
    private let handler = Mutex<(any NacosPayloadConnectionHandler)?>(nil)

    init(connection: any NacosConnection, codec: NacosPayloadCodec) {
        self.connection = connection
        self.codec = codec
    }

    var id: UInt64 { self.connection.id }
    var protocolName: String { NacosNativeProtocol.name }
    var localAddress: NacosSocketAddress? { self.connection.localAddress }
    var remoteAddress: NacosSocketAddress? { self.connection.remoteAddress }
    var eventLoop: NacosEventLoop { self.connection.eventLoop }
    var isWritable: Bool { self.connection.isWritable }
    var isOpen: Bool { self.connection.isOpen }

    func start(_ handler: any NacosPayloadConnectionHandler) {
        self.handler.withLock { $0 = handler }
        self.connection.start(self)
    }

    func send(_ payload: NacosPayload, completion: (@Sendable (Result<Void, NacosTransportError>) -> Void)?) throws(NacosRemoteError) {
        self.connection.send(try self.codec.encode(payload), completion: completion)
    }

    func close(flush: Bool) {
        self.connection.close(flush: flush)
    }

    func closed() async -> (any Error)? {
        await self.connection.closed()
    }

    // MARK: - NacosConnectionHandler

    func connection(_ connection: any NacosConnection, didReceive frame: NacosByteBuffer) {
        guard let handler = self.handler.withLock({ $0 }) else { return }
        do {
            handler.connection(self, didReceive: try self.codec.decode(frame))
        } catch {
            // Reads what the frame says it is, so that a request is answered and a call fails at once.
            let base = frame.readerIndex
            let known = frame.getInteger(at: base, as: UInt8.self) == NacosPayloadCodec.version
            let kind = known ? frame.getInteger(at: base + 1, as: UInt8.self).flatMap(NacosPayload.Kind.init(rawValue:)) : nil
            let callId = known ? frame.getInteger(at: base + 2, as: UInt64.self) ?? 0 : 0
            handler.connection(self, didReceiveUndecodable: error, kind: kind, callId: callId)
        }
    }

    func connectionClosed(_ connection: any NacosConnection, error: (any Error)?) {
        self.handler.withLock { $0 }?.connectionClosed(self, error: error)
    }
}
