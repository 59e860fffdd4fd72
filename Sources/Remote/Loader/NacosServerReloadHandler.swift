/// Answers `ServerReloadRequest` from a cluster peer: when this node has more SDK connections than
/// `reloadCount`, the next ejector pass moves connections toward `reloadServer` until
/// `max(reloadCount, sdkCount × 0.9)` remain, and the answer is `ok`; otherwise it is `ignore`
/// (reference §5.1; Java's `ConnectionManager.loadCount` is `NacosConnectionManager.setLoadClient`).
public struct NacosServerReloadHandler: NacosRequestHandler {
    /// The node's connection manager.
    public let connectionManager: NacosConnectionManager

    /// Creates the handler over `connectionManager`.
    public init(connectionManager: NacosConnectionManager) {
        self.connectionManager = connectionManager
    }

    /// Asks the ejector to move connections away (without waiting for it) or ignores the request.
    public func handle(_ request: ServerReloadRequest, meta: NacosRequestMeta) async throws -> ServerReloadResponse {
        var response = ServerReloadResponse()
        let sdkCount = self.connectionManager.sdkConnectionCount
        guard sdkCount > request.reloadCount else {
            response.message = "ignore"
            return response
        }
        let keep = max(request.reloadCount, Int(Double(sdkCount) * 0.9))
        self.connectionManager.setLoadClient(keep, redirectAddress: request.reloadServer)
        response.message = "ok"
        return response
    }
}
