public import NacosNamingAPI
public import NacosRemote

/// Pushes `NotifySubscriberRequest` over the subscriber's connection (Nacos's `PushExecutorRpcImpl`).
public struct RpcPushExecutor: PushExecutor {
    private let connections: NacosConnectionManager

    /// Creates an executor over the node's connections.
    public init(connections: NacosConnectionManager) {
        self.connections = connections
    }

    /// Sends the push and checks the acknowledgement; a connection that is gone counts as done.
    public func push(_ request: NotifySubscriberRequest, to clientId: String, timeout: Duration) async throws {
        guard let connection = self.connections.connection(clientId), connection.isConnected else { return }
        let response = try await connection.request(request, timeout: timeout)
        guard response.success else {
            throw NacosException(NacosErrorCode(rawValue: response.errorCode), response.message ?? "push to \(clientId) failed")
        }
    }
}
