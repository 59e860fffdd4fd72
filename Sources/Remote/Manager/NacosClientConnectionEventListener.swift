/// Told when a client connection is registered with or removed from the `NacosConnectionManager`
/// (Nacos's `ClientConnectionEventListener`); the naming module creates and releases its clients here.
///
/// Listeners run in registration order, synchronously, outside the manager's lock. An error thrown by
/// one is logged and never stops the others.
public protocol NacosClientConnectionEventListener: Sendable {
    /// A name for logs.
    var name: String { get }

    /// `connection` was registered.
    func clientConnected(_ connection: NacosServerConnection) throws

    /// `connection` was unregistered (closed, ejected or expelled).
    func clientDisconnected(_ connection: NacosServerConnection) throws
}
