import NacosTransport
import Synchronization

/// The server side of the stream scenario: discards frames and counts their payload bytes.
final class ByteSinkServerHandler: NacosConnectionHandler {
    private let received = Atomic<Int>(0)

    /// Payload bytes received so far by every connection using this handler (readable from any thread).
    var bytesReceived: Int { self.received.load(ordering: .relaxed) }

    func connection(_ connection: any NacosConnection, didReceive frame: NacosByteBuffer) {
        self.received.wrappingAdd(frame.readableBytes, ordering: .relaxed)
    }

    func connectionClosed(_ connection: any NacosConnection, error: (any Error)?) {}
}
