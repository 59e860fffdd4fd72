import NacosClient
import NacosHTTP
import NacosRemote
import NacosServer
import NacosTestKit
import NacosTransport
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A cluster of `nacos-server` processes on loopback ports, and the SDK clients a test connects to it.
///
/// Start it with `withClusterProcesses`, which picks free member ports, starts every member with the
/// others in its `nacos.member.list`, waits until all are ready, and afterwards shuts the SDK clients down
/// and kills every process, also when the test fails.
final class ClusterProcessScope: Sendable {
    /// How often a cluster start is tried with fresh ports when a member cannot bind its ports.
    static let startAttempts = 3
    /// How many SDK clients `startClient(homeAt:)` may create before one lands on its home member.
    static let pinAttempts = 40

    /// The members, in the order of their ports in the member list.
    let nodes: [ClusterProcessNode]
    private let transport: NacosTCPTransport
    private let group: NacosEventLoopGroup
    private let clients = Mutex<[NamingService]>([])

    private init(nodes: [ClusterProcessNode], transport: NacosTCPTransport, group: NacosEventLoopGroup) {
        self.nodes = nodes
        self.transport = transport
        self.group = group
    }

    /// The command line of the member on `port` of a cluster of `ports`: loopback only, cluster mode,
    /// the member list, then `extra`.
    static func arguments(port: Int, ports: [Int], extra: [String]) -> [String] {
        [
            "-m", "cluster",
            "--server.address=127.0.0.1",
            "--server.port=\(port)",
            "--nacos.member.list=" + ports.map { "127.0.0.1:\($0)" }.joined(separator: ","),
            "--nacos.server.shutdown.grace-period=1s",
        ] + extra
    }

    /// Every member's address and standard error so far (also of killed members).
    var logs: [(member: String, standardError: String)] {
        self.nodes.map { ($0.memberAddress, $0.process.standardError) }
    }

    /// Creates and starts an SDK client whose server list is the member at `index` first and then the
    /// others, and that is connected to that member; with `credentials`, it logs in as that user.
    ///
    /// The SDK picks its first server at random (as Nacos's does), so a client that connected elsewhere is
    /// shut down again (it has registered nothing yet) and another one is made.
    func startClient(homeAt index: Int, appName: String, credentials: (username: String, password: String)? = nil) async throws -> NamingService {
        let home = self.nodes[index]
        let servers = [home] + self.nodes.enumerated().filter { $0.offset != index }.map(\.element)
        var configuration = NamingClientConfiguration(serverAddresses: servers.map(\.clientRpcAddress), appName: appName)
        configuration.rpc.connectTimeout = .seconds(2)
        configuration.rpc.requestTimeout = .seconds(3)
        configuration.rpc.reconnectBackoffUnit = .milliseconds(20)
        configuration.username = credentials?.username
        configuration.password = credentials?.password
        for _ in 0..<Self.pinAttempts {
            let naming = try NamingService(
                configuration: configuration,
                transport: self.transport,
                clock: NacosSystemClock(group: self.group),
                logger: .disabled()
            )
            self.clients.withLock { $0.append(naming) }
            guard await naming.start(), let connectionId = naming.connectionId else {
                naming.shutdown()
                continue
            }
            var holder: ClusterProcessNode?
            try await pollUntil(timeout: .seconds(5), "a member to list the SDK connection \(connectionId)") {
                holder = try await self.liveNode(holding: connectionId)
                return holder != nil
            }
            if holder === home { return naming }
            naming.shutdown()
        }
        throw ClusterProcessFailure(
            what: "no SDK client connected to \(home.memberAddress) in \(Self.pinAttempts) attempts",
            logs: self.logs
        )
    }

    /// The running member that has the SDK connection `connectionId` open, if any.
    func liveNode(holding connectionId: String) async throws -> ClusterProcessNode? {
        for node in self.nodes where node.process.isRunning {
            if try await node.connectionIds().contains(connectionId) { return node }
        }
        return nil
    }

    /// Shuts every SDK client down, then kills every member and removes its output files.
    fileprivate func stop() async {
        let clients = self.clients.withLock { clients in
            defer { clients = [] }
            return clients
        }
        for client in clients { client.shutdown() }
        for node in self.nodes { await node.http.close() }
        await Self.stop(self.nodes.map(\.process))
    }

    private static func stop(_ processes: [ServerProcess]) async {
        for process in processes { process.send(signal: SIGKILL) }
        for process in processes { await process.forceStop() }
    }

    /// Starts `count` members on free ports, retrying with fresh ports when one of them could not bind,
    /// and waits until every member is ready.
    fileprivate static func start(
        count: Int,
        arguments extra: [String],
        group: NacosEventLoopGroup
    ) async throws -> ClusterProcessScope {
        let transport = NacosTCPTransport(group: group, logger: .disabled())
        for attempt in 1...Self.startAttempts {
            guard let ports = LoopbackPortProbe.clusterBases(count: count) else {
                throw ClusterProcessFailure(what: "no \(count) free loopback port triples found", logs: [])
            }
            var processes: [ServerProcess] = []
            do {
                for port in ports {
                    processes.append(try ServerProcess.launch(Self.arguments(port: port, ports: ports, extra: extra)))
                }
                for process in processes {
                    _ = try await process.waitForStart(timeout: .seconds(20))
                }
            } catch {
                let logs = zip(ports, processes).map { ("127.0.0.1:\($0)", $1.standardError) }
                let couldNotBind = processes.contains { $0.exit == .exited(NacosServerLauncher.startFailureStatus) }
                await Self.stop(processes)
                if couldNotBind && attempt < Self.startAttempts { continue }
                throw ClusterProcessFailure(what: "the cluster did not start: \(error)", logs: logs)
            }
            let nodes = zip(ports, processes).map { ClusterProcessNode(port: $0, process: $1, transport: transport) }
            let scope = ClusterProcessScope(nodes: nodes, transport: transport, group: group)
            do {
                try await pollUntil(timeout: .seconds(20), interval: .milliseconds(50), "every member to be ready") {
                    for node in nodes where !(await node.isReady()) { return false }
                    return true
                }
            } catch {
                let logs = scope.logs
                await scope.stop()
                throw ClusterProcessFailure(what: "\(error)", logs: logs)
            }
            return scope
        }
        throw ClusterProcessFailure(what: "the cluster did not start in \(Self.startAttempts) attempts", logs: [])
    }
}

/// Runs `body` with a ready cluster of `count` `nacos-server` processes (cluster mode, each started with
/// `arguments` after the member settings) and stops the SDK clients and kills the processes afterwards,
/// also when `body` throws; a thrown error is wrapped with the end of every member's standard error.
func withClusterProcesses<R>(
    count: Int = 3,
    arguments: [String] = [],
    group: NacosEventLoopGroup,
    _ body: (ClusterProcessScope) async throws -> R
) async throws -> R {
    // Several servers at once are heavy: one such test at a time.
    try await TestSlots.heavy.withSlot { try await runClusterProcesses(count: count, arguments: arguments, group: group, body) }
}

private func runClusterProcesses<R>(
    count: Int,
    arguments: [String],
    group: NacosEventLoopGroup,
    _ body: (ClusterProcessScope) async throws -> R
) async throws -> R {
    let scope = try await ClusterProcessScope.start(count: count, arguments: arguments, group: group)
    do {
        let result = try await body(scope)
        await scope.stop()
        return result
    } catch let failure as ClusterProcessFailure {
        await scope.stop()
        throw failure
    } catch {
        let logs = scope.logs
        await scope.stop()
        throw ClusterProcessFailure(what: "\(error)", logs: logs)
    }
}
