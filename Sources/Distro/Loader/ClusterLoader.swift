public import NacosRemote

/// Reads every member's load and asks members to shed connections (the cluster half of Nacos's
/// `ServerLoaderController`, reference §5.1): this node answers itself with the same handlers that answer
/// its peers' `ServerLoaderInfoRequest` and `ServerReloadRequest`; peers are asked over the cluster link.
public final class ClusterLoader: Sendable {
    /// This node's `ip:port`.
    public let selfAddress: String
    /// This node's connection manager (its own load, and where its resets happen).
    public let connections: NacosConnectionManager
    private let members: @Sendable () -> [String]
    private let sender: any ClusterRequestSender

    /// Creates a loader.
    ///
    /// - Parameters:
    ///   - members: every member's `ip:port`, self included (self is added when missing).
    ///   - sender: the cluster link to peers.
    public init(
        selfAddress: String,
        connections: NacosConnectionManager,
        members: @escaping @Sendable () -> [String],
        sender: any ClusterRequestSender
    ) {
        self.selfAddress = selfAddress
        self.connections = connections
        self.members = members
        self.sender = sender
    }

    /// Every member's load, sorted by address: this node's read locally, each peer's asked in parallel
    /// with `timeout`; a peer that fails, times out or answers unreadable metrics is left out.
    public func memberLoads(timeout: Duration) async -> [ClusterMemberLoad] {
        var addresses = Set(self.members())
        addresses.insert(self.selfAddress)
        let loads = await withTaskGroup(of: ClusterMemberLoad?.self) { group in
            for address in addresses {
                group.addTask {
                    address == self.selfAddress ? await self.localLoad() : await self.peerLoad(address, timeout: timeout)
                }
            }
            var loads: [ClusterMemberLoad] = []
            for await load in group {
                if let load { loads.append(load) }
            }
            return loads
        }
        return loads.sorted { $0.address.utf16.lexicographicallyPrecedes($1.address.utf16) }
    }

    /// Asks member `from` to keep `reloadCount` SDK connections and move the others toward `to` (`ip:port`)
    /// with a `ServerReloadRequest` (answered locally when `from` is this node).
    ///
    /// - Returns: whether the member accepted the request (it may still have ignored it as not loaded enough).
    public func requestReload(from member: String, reloadCount: Int, to target: String, timeout: Duration = .seconds(3)) async -> Bool {
        let request = ServerReloadRequest(reloadCount: reloadCount, reloadServer: target)
        if member == self.selfAddress {
            let handler = NacosServerReloadHandler(connectionManager: self.connections)
            let response = try? await handler.handle(request, meta: self.localMeta)
            return response?.success ?? false
        }
        do {
            let response = try await self.sender.send(request, to: member, expecting: ServerReloadResponse.self, timeout: timeout)
            return response.success
        } catch {
            return false
        }
    }

    /// This node's load, through the handler that answers peers.
    func localLoad() async -> ClusterMemberLoad {
        let handler = NacosServerLoaderInfoHandler(connectionManager: self.connections)
        if let response = try? await handler.handle(ServerLoaderInfoRequest(), meta: self.localMeta),
            let load = ClusterMemberLoad(address: self.selfAddress, loaderMetrics: response.loaderMetrics)
        {
            return load
        }
        return ClusterMemberLoad(
            address: self.selfAddress,
            connectionCount: self.connections.connectionCount,
            sdkConnectionCount: self.connections.sdkConnectionCount
        )
    }

    private func peerLoad(_ address: String, timeout: Duration) async -> ClusterMemberLoad? {
        guard
            let response = try? await self.sender.send(
                ServerLoaderInfoRequest(),
                to: address,
                expecting: ServerLoaderInfoResponse.self,
                timeout: timeout
            ),
            response.success
        else { return nil }
        return ClusterMemberLoad(address: address, loaderMetrics: response.loaderMetrics)
    }

    private var localMeta: NacosRequestMeta {
        NacosRequestMeta(connectionId: "local", clientIp: "127.0.0.1", labels: ["source": "cluster"])
    }
}
