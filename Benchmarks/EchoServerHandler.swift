import NacosTransport

/// The server side of the echo scenarios: sends every frame straight back (stateless, shared by all connections).
final class EchoServerHandler: NacosConnectionHandler {
    func connection(_ connection: any NacosConnection, didReceive frame: NacosByteBuffer) {
        connection.send(frame)
    }

    func connectionClosed(_ connection: any NacosConnection, error: (any Error)?) {}
}
