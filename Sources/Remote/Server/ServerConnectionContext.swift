import Synchronization

/// What the server keeps for one accepted transport connection before and after ConnectionSetupRequest:
/// the id it assigned at accept time, the channel, and the registered connection once set up.
internal final class ServerConnectionContext: Sendable {
    /// The id assigned when the transport connection was accepted.
    let connectionId: String
    /// The channel over the transport connection.
    let channel: RpcChannel
    private let registered = Mutex<NacosServerConnection?>(nil)
    private let heartbeatTimer = Mutex<(any NacosTimer)?>(nil)

    init(connectionId: String, channel: RpcChannel) {
        self.connectionId = connectionId
        self.channel = channel
    }

    /// The connection registered by ConnectionSetupRequest, if any.
    var serverConnection: NacosServerConnection? {
        get { self.registered.withLock { $0 } }
        set { self.registered.withLock { $0 = newValue } }
    }

    /// Replaces the pending heartbeat timer, cancelling the previous one.
    func setHeartbeatTimer(_ timer: (any NacosTimer)?) {
        self.heartbeatTimer.withLock { current in
            current?.cancel()
            current = timer
        }
    }
}
