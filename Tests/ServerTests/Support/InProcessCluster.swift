import Foundation
import NacosDistro
import NacosHTTP
import NacosServer
import NacosTestKit
import NacosTransport
import Synchronization

/// Three (or more) `NacosServerNode`s in this process, in cluster mode on loopback TCP ports, each with a
/// keep-alive HTTP client to its Open API: the real wiring of `nacos-server` (forwarding, Distro, the
/// Open API hooks) without the cost of starting processes.
final class InProcessCluster: Sendable {
    /// How often a start is tried with fresh ports when a member cannot bind its ports.
    static let startAttempts = 3

    /// One member.
    final class Member: Sendable {
        /// The running node.
        let node: NacosServerNode
        /// A keep-alive client to the node's HTTP port.
        let http: NacosHTTPClient
        /// The member address, `127.0.0.1:<HTTP port>`, as every member's list names it.
        let address: String

        init(node: NacosServerNode, http: NacosHTTPClient, address: String) {
            self.node = node
            self.http = http
            self.address = address
        }

        /// Sends `method target` with no body and returns the response.
        func call(_ method: HTTPMethod, _ path: String, _ parameters: [(String, String)]) async throws -> HTTPResponse {
            let query = parameters.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
            return try await self.http.send(HTTPRequest(method: method, target: query.isEmpty ? path : "\(path)?\(query)"))
        }

        private static func escape(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
        }
    }

    /// The members, in member-list order.
    let members: [Member]
    /// Warnings and errors the nodes logged.
    let log: RecordingLogHandler

    private init(members: [Member], log: RecordingLogHandler) {
        self.members = members
        self.log = log
    }

    /// Starts `count` members on free loopback ports (retrying with fresh ports when a bind fails), waits
    /// until every member is ready and sees every member UP, runs `body`, and stops every member, also
    /// when `body` throws.
    static func run<R>(
        count: Int = 3,
        group: NacosEventLoopGroup,
        configure: (inout NacosServerConfiguration) -> Void = { _ in },
        _ body: (InProcessCluster) async throws -> R
    ) async throws -> R {
        // Three nodes under a thousand rounds are heavy: one such test at a time.
        try await TestSlots.heavy.withSlot { try await Self.runStarted(count: count, group: group, configure: configure, body) }
    }

    private static func runStarted<R>(
        count: Int,
        group: NacosEventLoopGroup,
        configure: (inout NacosServerConfiguration) -> Void,
        _ body: (InProcessCluster) async throws -> R
    ) async throws -> R {
        let log = RecordingLogHandler()
        let logger = NacosLogger(label: "in-process-cluster", handler: log, logLevel: .warning)
        var lastError: (any Error)?
        for _ in 0..<Self.startAttempts {
            guard let bases = LoopbackPortProbe.clusterBases(count: count) else { continue }
            var started: [Member] = []
            do {
                for base in bases {
                    var configuration = NacosServerConfiguration()
                    configuration.mode = .cluster
                    configuration.bindHost = "127.0.0.1"
                    configuration.advertisedIP = "127.0.0.1"
                    configuration.httpPort = base
                    configuration.memberList = bases.map { "127.0.0.1:\($0)" }
                    configuration.udpPush.enabled = false
                    // Three nodes in one process cannot share a home's SQLite file; this cluster keeps
                    // ephemeral data only.
                    configuration.store.kind = .memory
                    configure(&configuration)
                    let node = try await NacosServerNode.start(configuration: configuration, logger: logger, group: group)
                    let http = NacosHTTPClient(
                        transport: NacosTCPTransport(group: group, logger: .disabled()),
                        address: .loopbackIPv4(port: base),
                        timeout: .seconds(5)
                    )
                    started.append(Member(node: node, http: http, address: "127.0.0.1:\(base)"))
                }
            } catch {
                lastError = error
                await Self.stop(started)
                continue
            }
            let cluster = InProcessCluster(members: started, log: log)
            do {
                try await cluster.waitUntilFormed()
                let result = try await body(cluster)
                await Self.stop(started)
                return result
            } catch {
                await Self.stop(started)
                throw error
            }
        }
        throw ServerProcessFailure(
            what: "no in-process cluster of \(count) started in \(Self.startAttempts) attempts (last error: \(lastError.map { "\($0)" } ?? "no free ports"))",
            standardError: log.messages.joined(separator: "\n")
        )
    }

    /// Waits until every member is ready (start-up load done), counts every member as UP, and has a
    /// working cluster link to every other member (a Distro query of a client the other member owns gets
    /// an answer: a member that started before its peers listened has its first links in reconnect
    /// back-off for a while); then forgets what was logged while the cluster formed.
    private func waitUntilFormed() async throws {
        let addresses = self.members.map(\.address)
        try await pollUntil(timeout: .seconds(30), "every member ready, with every member UP") {
            self.members.allSatisfy { member in
                guard member.node.isReady, let cluster = member.node.cluster else { return false }
                let up = cluster.members.allMembers.filter { $0.state == .up }.map(\.address)
                return Set(up) == Set(addresses)
            }
        }
        for member in self.members {
            guard let cluster = member.node.cluster else { continue }
            for peer in addresses where peer != member.address {
                let owned = (1...10_000).lazy.map { "192.0.2.\($0 % 250 + 1):\($0)" }.first { cluster.mapper.mapServer($0) == peer }
                guard let owned else { throw ServerProcessFailure(what: "no address that \(peer) owns", standardError: "") }
                try await pollUntil(timeout: .seconds(30), "\(member.address) to reach \(peer) over its cluster link") {
                    await cluster.distro.refreshClient("\(owned)#true", from: peer, timeout: .seconds(2))
                }
            }
        }
        self.log.clear()
    }

    private static func stop(_ members: [Member]) async {
        for member in members { await member.http.close() }
        for member in members { await member.node.shutdown(gracePeriod: .milliseconds(200)) }
    }
}

/// Keeps what the nodes logged, to name it in a failure.
final class RecordingLogHandler: NacosLogHandler {
    private let events = Mutex<[String]>([])

    func log(event: NacosLogEvent) {
        self.events.withLock { $0.append("\(event.level) \(event.message)") }
    }

    /// Every message so far.
    var messages: [String] { self.events.withLock { $0 } }

    /// Forgets every message so far.
    func clear() { self.events.withLock { $0 = [] } }
}
