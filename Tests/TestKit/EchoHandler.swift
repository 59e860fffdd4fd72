package import NacosTransport

/// Sends every received frame straight back.
package final class EchoHandler: NacosConnectionHandler {
    /// Creates the handler.
    package init() {}

    /// Echoes the frame.
    package func connection(_ connection: any NacosConnection, didReceive frame: NacosByteBuffer) {
        connection.send(frame)
    }

    /// Ignores the close.
    package func connectionClosed(_ connection: any NacosConnection, error: (any Error)?) {}
}
