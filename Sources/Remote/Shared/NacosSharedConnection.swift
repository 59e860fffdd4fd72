public import NacosTransport
import Synchronization

/// A reference-counted handle on the connections to one remote address, shared by every caller that
/// acquired it from a `NacosSharedConnectionPool`; call `release()` once per `acquire`.
public final class NacosSharedConnection: Sendable {
    /// The remote RPC address.
    public let address: NacosSocketAddress
    private let clients: [NacosRpcClient]
    private let cursor = Atomic<Int>(0)
    private let started = Atomic<Bool>(false)
    private let pool: NacosSharedConnectionPool

    internal init(address: NacosSocketAddress, clients: [NacosRpcClient], pool: NacosSharedConnectionPool) {
        self.address = address
        self.clients = clients
        self.pool = pool
    }

    /// Whether at least one of the connections is up.
    public var isConnected: Bool { self.clients.contains { $0.isRunning } }

    /// The connections' clients (for inspection: status, connection ids).
    public var underlyingClients: [NacosRpcClient] { self.clients }

    /// Connects every connection that is not started yet (done by `acquire` unless the pool is lazy).
    public func connect() async {
        guard !self.started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await withTaskGroup(of: Void.self) { group in
            for client in self.clients {
                group.addTask { _ = await client.start() }
            }
        }
    }

    /// Sends `request` on the next connection (round-robin), connecting first if the pool is lazy.
    public func request(_ request: some NacosRequest, timeout: Duration? = nil) async throws -> any NacosResponse {
        if !self.started.load(ordering: .acquiring) { await self.connect() }
        return try await self.nextClient().request(request, timeout: timeout)
    }

    /// Sends `request` and returns its response as `Response` (see `NacosRpcClient.request(_:expecting:timeout:)`).
    public func request<Response: NacosResponse>(
        _ request: some NacosRequest,
        expecting responseType: Response.Type,
        timeout: Duration? = nil
    ) async throws -> Response {
        if !self.started.load(ordering: .acquiring) { await self.connect() }
        return try await self.nextClient().request(request, expecting: responseType, timeout: timeout)
    }

    /// Drops this holder's reference; the connections close when the last holder releases.
    public func release() {
        self.pool.release(self)
    }

    private func nextClient() -> NacosRpcClient {
        if self.clients.count == 1 { return self.clients[0] }
        let running = self.clients.filter(\.isRunning)
        let candidates = running.isEmpty ? self.clients : running
        let index = self.cursor.wrappingAdd(1, ordering: .relaxed).oldValue
        return candidates[(index % candidates.count + candidates.count) % candidates.count]
    }

    /// Shuts every connection down.
    internal func close() {
        for client in self.clients { client.shutdown() }
    }
}
