import NacosClient
import NacosDistro
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

// In-process clusters for the Distro suites: every node is a registry behind an SDK port and a cluster
// port on the in-memory transport, all on one manual clock that the tests advance while they wait.

/// One in-process cluster member.
final class ClusterTestNode: Sendable {
    let address: String
    let connections: NacosConnectionManager
    let registry: NamingRegistry
    let sdkServer: NacosRpcServer
    let clusterServer: NacosRpcServer
    let cluster: NacosCluster

    init(
        address: String,
        connections: NacosConnectionManager,
        registry: NamingRegistry,
        sdkServer: NacosRpcServer,
        clusterServer: NacosRpcServer,
        cluster: NacosCluster
    ) {
        self.address = address
        self.connections = connections
        self.registry = registry
        self.sdkServer = sdkServer
        self.clusterServer = clusterServer
        self.cluster = cluster
    }

    /// The `ip:port` addresses of the instances this node lists for `name`.
    func addresses(_ name: String) -> Set<String> {
        Set(self.registry.storage.instances(of: Service(namespace: "public", group: NamingDefaults.group, name: name)).map { "\($0.ip):\($0.port)" })
    }

    /// Stops the node as a crash would: its servers close every connection and nothing more is sent.
    func stop() async {
        self.cluster.shutdown()
        self.registry.shutdown()
        await self.sdkServer.shutdown()
        await self.clusterServer.shutdown()
        self.connections.shutdown()
    }
}

/// Drops Distro messages between chosen members while reporting them delivered, as a lossy network
/// would; every other request goes through.
final class DroppingSender: ClusterRequestSender {
    private let base: any ClusterRequestSender
    private let from: String
    private let partitions: PartitionTable

    init(base: any ClusterRequestSender, from: String, partitions: PartitionTable) {
        self.base = base
        self.from = from
        self.partitions = partitions
    }

    func send<Response: NacosResponse>(
        _ request: some NacosRequest,
        to address: String,
        expecting responseType: Response.Type,
        timeout: Duration
    ) async throws -> Response {
        if request is DistroDataRequest, let dropped = DistroDataResponse() as? Response,
            self.partitions.drops(from: self.from, to: address)
        {
            return dropped
        }
        return try await self.base.send(request, to: address, expecting: responseType, timeout: timeout)
    }
}

/// The members cut off from Distro messages (both directions) while a test runs.
final class PartitionTable: Sendable {
    private let members = Mutex<Set<String>>([])

    /// Cuts `address` off, or lets its messages flow again.
    func set(_ address: String, partitioned: Bool) {
        self.members.withLock { members in
            if partitioned {
                members.insert(address)
            } else {
                members.remove(address)
            }
        }
    }

    /// Whether a message between `from` and `to` is dropped.
    func drops(from: String, to: String) -> Bool {
        self.members.withLock { $0.contains(from) || $0.contains(to) }
    }
}

/// The event loops, manual clock, members and SDK clients of one test, torn down together.
final class ClusterTestScope: Sendable {
    let group: NacosEventLoopGroup
    let transport: NacosInMemoryTransport
    let clock = NacosManualClock()
    let partitions = PartitionTable()
    private let nodes = Mutex<[ClusterTestNode]>([])
    private let services = Mutex<[NamingService]>([])

    init() throws {
        self.group = try NacosEventLoopGroup(numberOfThreads: 2, logger: .disabled())
        self.transport = NacosInMemoryTransport(group: self.group, logger: .disabled())
    }

    /// Starts member `address` of a cluster of `members` (all `ip:port`).
    func startNode(_ address: String, members: [String], distro configure: (inout DistroConfiguration) -> Void = { _ in }) async throws -> ClusterTestNode {
        let connections = NacosConnectionManager(clock: self.clock, logger: .disabled())
        let mapper = DistroMapper(selfAddress: address, healthyMembers: members)
        var naming = NamingConfiguration()
        naming.healthCheckEnabled = false
        let registry = NamingRegistry(
            configuration: naming,
            connectionManager: connections,
            clock: self.clock,
            logger: .disabled(),
            isResponsibleAddress: { mapper.isResponsible($0) }
        )
        var distro = DistroConfiguration()
        configure(&distro)
        let partitions = self.partitions
        let cluster = NacosCluster(
            selfMember: try #require(ClusterMember.parse(address)),
            members: members.compactMap { ClusterMember.parse($0) },
            distroConfiguration: distro,
            mapper: mapper,
            registry: registry,
            connections: connections,
            transport: self.transport,
            resolve: { .inMemory("cluster-\($0)") },
            decorateSender: { DroppingSender(base: $0, from: address, partitions: partitions) },
            clock: self.clock,
            logger: .disabled()
        )
        var sdkHandlers = NacosRequestHandlerRegistry()
        registry.install(into: &sdkHandlers)
        let sdkServer = NacosRpcServer(
            configuration: NacosRpcServerConfiguration(kind: .sdk, address: .inMemory("sdk-\(address)")),
            transport: self.transport,
            handlers: sdkHandlers,
            payloads: .naming,
            connectionManager: connections,
            clock: self.clock,
            logger: .disabled()
        )
        var clusterHandlers = NacosRequestHandlerRegistry()
        cluster.install(into: &clusterHandlers)
        let clusterServer = NacosRpcServer(
            configuration: NacosRpcServerConfiguration(kind: .cluster, address: .inMemory("cluster-\(address)")),
            transport: self.transport,
            handlers: clusterHandlers,
            payloads: .cluster,
            connectionManager: connections,
            clock: self.clock,
            logger: .disabled()
        )
        try await sdkServer.start()
        try await clusterServer.start()
        connections.start()
        registry.start()
        cluster.start()
        let node = ClusterTestNode(
            address: address,
            connections: connections,
            registry: registry,
            sdkServer: sdkServer,
            clusterServer: clusterServer,
            cluster: cluster
        )
        self.nodes.withLock { $0.append(node) }
        return node
    }

    /// A started naming service connected to `node` (on the system clock, so its own timers run freely).
    func makeService(on node: ClusterTestNode) async throws -> NamingService {
        var configuration = NamingClientConfiguration(serverAddresses: [.inMemory("sdk-\(node.address)")], appName: "distro-test")
        configuration.redoInterval = .milliseconds(100)
        configuration.rpc.reconnectBackoffUnit = .milliseconds(10)
        // The in-memory nodes serve the native protocol only (gRPC is covered by the SDK and process suites).
        configuration.rpc.protocolLayer = NacosNativeProtocol()
        let service = try NamingService(
            configuration: configuration,
            transport: self.transport,
            clock: NacosSystemClock(group: self.group),
            logger: .disabled()
        )
        self.services.withLock { $0.append(service) }
        #expect(await service.start())
        return service
    }

    /// Advances the shared manual clock by `step` between polls of `condition`, failing after `timeout` of
    /// real time.
    func advanceUntil(
        _ what: String,
        step: Duration = .milliseconds(20),
        timeout: Duration = .seconds(20),
        _ condition: () -> Bool
    ) async throws {
        let clock = self.clock
        try await waitUntil(timeout: timeout, interval: .milliseconds(2), what) {
            if condition() { return true }
            clock.advance(by: step)
            return false
        }
    }

    fileprivate func tearDown() async {
        for service in self.services.withLock({ $0 }) { service.shutdown() }
        for node in self.nodes.withLock({ $0 }) { await node.stop() }
        await self.group.shutdownGracefully()
    }
}

/// Runs `body` with a fresh `ClusterTestScope`, tearing it down afterwards, also when `body` throws.
func withClusterTestScope<R>(_ body: (ClusterTestScope) async throws -> R) async throws -> R {
    let scope = try ClusterTestScope()
    do {
        let result = try await body(scope)
        await scope.tearDown()
        return result
    } catch {
        await scope.tearDown()
        throw error
    }
}
