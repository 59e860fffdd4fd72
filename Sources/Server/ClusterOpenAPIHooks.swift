import NacosDistro
import NacosHTTP
import NacosTransport

/// Points the Open API's cluster hooks at a node's cluster parts: the member list and loads, reloads on
/// other members, the DistroMapper for `/operator/distro/client`, and forwarding of instance writes to the
/// responsible member, caught up with through a Distro query before the answer is relayed.
enum ClusterOpenAPIHooks {
    /// How long the cluster-wide loader endpoints wait for each member's metrics (Nacos: 200 ms, ≤ 1 s overall).
    static let loaderTimeout: Duration = .milliseconds(500)

    /// Sets `context`'s cluster hooks from `cluster`; forwarded writes travel over `httpTransport`.
    static func install(_ cluster: NacosCluster, into context: inout OpenAPIContext, httpTransport: any NacosStreamTransport) {
        let members = cluster.members
        let loader = cluster.loader
        let mapper = cluster.mapper
        context.memberCount = { members.allMembers.count }
        context.memberLoads = {
            await loader.memberLoads(timeout: Self.loaderTimeout).map {
                MemberLoad(
                    address: $0.address,
                    connectionCount: $0.connectionCount,
                    sdkConnectionCount: $0.sdkConnectionCount,
                    load: $0.load,
                    cpu: $0.cpu
                )
            }
        }
        context.requestReload = { from, reloadCount, to in
            await loader.requestReload(from: from, reloadCount: reloadCount, to: to)
        }
        context.clusterNodes = {
            members.allMembers.map {
                ClusterNodeView(ip: $0.ip, port: $0.port, state: $0.state.rawValue, failAccessCount: $0.failAccessCount, extendInfo: $0.extendInfo)
            }
        }
        context.responsibleServer = { mapper.mapServer($0) }
        var forwarding = OpenAPIForwarding(transport: httpTransport)
        forwarding.catchUp = Self.catchUp(cluster, timeout: forwarding.timeout)
        context.forwarding = forwarding
    }

    /// Read-your-writes for a forwarded ephemeral write: the written `ip:port#true` client's data is queried
    /// from the member that handled the write (Distro QUERY, at most `timeout`) and applied as a sync from
    /// it, so the copy here is an ordinary synced client that later syncs and verifies replace. A light
    /// beat for a copy whose instances are all healthy already changes nothing here and is not queried. A
    /// failed query is logged by Distro; the client is answered all the same.
    static func catchUp(_ cluster: NacosCluster, timeout: Duration) -> @Sendable (OpenAPIForwarding.ForwardedWrite) async -> Void {
        let distro = cluster.distro
        let processor = cluster.processor
        return { write in
            if write.kind == .beat(light: true), processor.holdsHealthyInstances(clientId: write.clientId) { return }
            await distro.refreshClient(write.clientId, from: write.member, timeout: timeout)
        }
    }
}
