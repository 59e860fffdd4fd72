public import NacosRemote

/// Sends a cluster-only request to a member, named by its `ip:port` (HTTP) address; the cluster RPC
/// links implement it, and tests substitute their own.
public protocol ClusterRequestSender: Sendable {
    /// Sends `request` to the member at `address` and returns its response as `Response`.
    ///
    /// - Throws: `ClusterRequestError` when the member is unknown or unreachable, or what the member answered.
    func send<Response: NacosResponse>(
        _ request: some NacosRequest,
        to address: String,
        expecting responseType: Response.Type,
        timeout: Duration
    ) async throws -> Response
}
