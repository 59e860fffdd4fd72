import NacosTransport

/// A client connection handler that drives load from its own callbacks once started.
protocol LoadGenerator: NacosConnectionHandler {
    /// Sends the first requests; called on the connection's loop after `start(_:)` installed the handler.
    func startLoad(on connection: any NacosConnection)
}

extension RoundTripClientHandler: LoadGenerator {}
extension StreamingClientHandler: LoadGenerator {}
