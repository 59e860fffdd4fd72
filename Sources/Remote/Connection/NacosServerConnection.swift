import NacosTransport
import Synchronization

/// A client's connection as the server sees it: its `NacosConnectionMeta`, and requests the server
/// pushes to the client (Nacos's `GrpcConnection`).
///
/// Pushes are correlated by `requestId`, so responses may come in any order; every pending push fails
/// when the connection closes. A connection whose outbound queue is full reports `connectionBusy` instead
/// of queueing without bound.
public final class NacosServerConnection: Sendable, CustomStringConvertible {
    /// The id the server assigned (`<epochMillis>_<remoteIp>_<remotePort>`).
    public let connectionId: String
    private let channel: RpcChannel
    private let metaState: Mutex<NacosConnectionMeta>

    internal init(channel: RpcChannel, meta: NacosConnectionMeta) {
        self.connectionId = meta.connectionId
        self.channel = channel
        self.metaState = Mutex(meta)
    }

    /// A snapshot of the connection's meta.
    public var meta: NacosConnectionMeta { self.metaState.withLock { $0 } }

    /// The payload connection underneath (native frames or gRPC).
    public var transportConnection: any NacosPayloadConnection { self.channel.connection }

    /// Whether the transport connection is still open.
    public var isConnected: Bool { self.channel.connection.isOpen && !self.channel.isClosed }

    /// Whether every payload on this connection is logged in detail (its client IP is in the limit rule's
    /// `monitorIpList`).
    public var isTraced: Bool { self.channel.isTraced }

    /// Sends `request` to the client and waits for its response, failing after `timeout`.
    ///
    /// The request's `requestId` is replaced by a fresh process-wide id.
    ///
    /// - Throws: `NacosRemoteError` with code `connectionBusy` when the connection is not writable,
    ///   `timeout`, or `connectionClosed`.
    public func request(_ request: some NacosRequest, timeout: Duration) async throws -> any NacosResponse {
        var request = request
        request.requestId = PushRequestIds.next()
        let response = try await self.channel.push(request, timeout: timeout)
        self.refreshActiveTime()
        return response
    }

    /// Sends `request` to the client without waiting for an answer (any answer is dropped).
    ///
    /// - Throws: `NacosRemoteError` with code `connectionBusy` when the connection is not writable, or
    ///   `connectionClosed`.
    public func requestWithoutAck(_ request: some NacosRequest) throws {
        var request = request
        if request.requestId == nil { request.requestId = PushRequestIds.next() }
        try self.channel.sendWithoutResponse(request)
    }

    /// Closes the connection after flushing what was sent; pending pushes fail.
    public func close() {
        self.channel.close()
    }

    /// `connectionId (remoteIp:remotePort)`.
    public var description: String {
        let meta = self.meta
        return "\(self.connectionId) (\(meta.remoteIp):\(meta.remotePort))"
    }

    /// Stamps the connection active now.
    internal func refreshActiveTime() {
        let now = self.channel.clock.nowMillis()
        self.metaState.withLock { $0.lastActiveTime = now }
    }

    /// Turns detailed payload logging on or off.
    internal func setTraced(_ traced: Bool) {
        self.channel.isTraced = traced
    }

    /// The channel, for the server's dispatch.
    internal var rpcChannel: RpcChannel { self.channel }
}
