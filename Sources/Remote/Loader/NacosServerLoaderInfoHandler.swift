/// Answers `ServerLoaderInfoRequest` from a cluster peer with this node's load: `conCount`, `sdkConCount`,
/// `load` (the 1-minute load average) and `cpu` (load per core), as strings (reference §5.1).
public struct NacosServerLoaderInfoHandler: NacosRequestHandler {
    /// The node's connection manager.
    public let connectionManager: NacosConnectionManager

    /// Creates the handler over `connectionManager`.
    public init(connectionManager: NacosConnectionManager) {
        self.connectionManager = connectionManager
    }

    /// Returns the node's connection counts and load.
    public func handle(_ request: ServerLoaderInfoRequest, meta: NacosRequestMeta) async throws -> ServerLoaderInfoResponse {
        let host = NacosHostLoad.current()
        return ServerLoaderInfoResponse(loaderMetrics: [
            "conCount": String(self.connectionManager.connectionCount),
            "sdkConCount": String(self.connectionManager.sdkConnectionCount),
            "load": String(host.load),
            "cpu": String(host.cpu),
        ])
    }
}
