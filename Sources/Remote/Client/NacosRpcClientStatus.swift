/// Where a `NacosRpcClient` is in its life (Nacos's `RpcClientStatus`).
public enum NacosRpcClientStatus: String, Sendable, Equatable, CustomStringConvertible {
    /// Created with a server list, not started.
    case initialized = "INITIALIZED"
    /// Started, not connected yet.
    case starting = "STARTING"
    /// Connected and healthy.
    case running = "RUNNING"
    /// The connection failed a health check or was lost; reconnecting.
    case unhealthy = "UNHEALTHY"
    /// Shut down for good.
    case shutdown = "SHUTDOWN"

    /// The Java constant name.
    public var description: String { self.rawValue }
}
