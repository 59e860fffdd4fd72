import NacosDistro
import NacosRemote
import NacosServer
import NacosTransport

/// One member of the benchmark's cluster: a `NacosServerNode` in cluster mode, as `nacos-server -m cluster`
/// runs it (HTTP port P on 127.0.0.1, client RPC P + 1000, cluster RPC P + 1001, members from
/// `nacos.member.list`), on its own event loop group and clock, so that each node has loops of its own as a
/// separate process would.
final class DistroBenchmarkNode: Sendable {
    /// The node.
    let node: NacosServerNode
    /// Its cluster parts (members, Distro, loader).
    let cluster: NacosCluster
    /// The event loops of this node only.
    let group: NacosEventLoopGroup
    /// The member address (`127.0.0.1:P`).
    let address: String

    private init(node: NacosServerNode, cluster: NacosCluster, group: NacosEventLoopGroup) {
        self.node = node
        self.cluster = cluster
        self.group = group
        self.address = cluster.selfMember.address
    }

    /// The configuration of member `127.0.0.1:httpPort` of the cluster of `members`: the server's defaults
    /// but for the ports, the member list, the Distro sync delay and the cluster frame limit.
    static func configuration(httpPort: Int, members: [String], syncDelay: Duration, clusterMaxFrameMiB: Int?) -> NacosServerConfiguration {
        var configuration = NacosServerConfiguration()
        configuration.httpPort = httpPort
        configuration.bindHost = "127.0.0.1"
        configuration.advertisedIP = "127.0.0.1"
        configuration.mode = .cluster
        configuration.memberList = members
        configuration.distro.syncDelay = syncDelay
        // Distro moves ephemeral data only: the nodes share no durable store (and no file).
        configuration.store.kind = .memory
        if let mebibytes = clusterMaxFrameMiB {
            configuration.rpc.clusterMaxFrameLength = mebibytes * 1024 * 1024
        }
        return configuration
    }

    /// Starts a node with `configuration` on a new group of `threads` event loops.
    ///
    /// - Throws: the node's start-up error (a port taken meanwhile), after the group is shut down again.
    static func start(configuration: NacosServerConfiguration, threads: Int, logger: NacosLogger) async throws -> DistroBenchmarkNode {
        let group = try NacosEventLoopGroup(numberOfThreads: threads, logger: logger)
        do {
            let node = try await NacosServerNode.start(
                configuration: configuration,
                logger: logger,
                group: group,
                clock: NacosSystemClock(group: group)
            )
            guard let cluster = node.cluster else {
                await node.shutdown(gracePeriod: .zero)
                throw BenchmarkError("node \(configuration.httpPort) did not start in cluster mode")
            }
            return DistroBenchmarkNode(node: node, cluster: cluster, group: group)
        } catch {
            await group.shutdownGracefully()
            throw error
        }
    }

    /// Where SDK clients connect.
    var clientRpcAddress: NacosSocketAddress { self.node.clientRpcAddress }

    /// Whether this node sees every member of the cluster UP.
    var seesEveryMemberUp: Bool {
        self.cluster.members.allMembers.allSatisfy { $0.state == .up }
    }

    /// Stops the node (briefly graceful) and its event loops.
    func stop() async {
        await self.node.shutdown(gracePeriod: .milliseconds(500))
        await self.group.shutdownGracefully()
    }
}
