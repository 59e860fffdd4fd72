public import NacosTransport

/// A change of a `NacosRpcClient`'s connection, told to its connection listeners (the SDK's redo runs on
/// `connected`).
public enum NacosRpcClientEvent: Sendable, Equatable {
    /// A connection to `server` was set up and the client is running.
    case connected(connectionId: String, server: NacosSocketAddress)
    /// The connection to `server` was lost or replaced.
    case disconnected(connectionId: String, server: NacosSocketAddress)
}
