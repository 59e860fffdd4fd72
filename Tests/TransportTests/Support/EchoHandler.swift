import NacosTransport

/// Sends every received frame straight back.
final class EchoHandler: NacosConnectionHandler {
    func connection(_ connection: any NacosConnection, didReceive frame: NacosByteBuffer) {
        connection.send(frame)
    }

    func connectionClosed(_ connection: any NacosConnection, error: (any Error)?) {}
}
