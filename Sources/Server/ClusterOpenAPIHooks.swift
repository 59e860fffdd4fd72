import NacosDistro
import NacosHTTP
import NacosTransport

/// Points the Open API's cluster hooks at a node's cluster parts: the member list and loads, reloads on
/// other members, the DistroMapper for `/operator/distro/client`, and forwarding of instance writes to the
/// responsible member.
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
        context.forwarding = OpenAPIForwarding(transport: httpTransport)
    }
}
