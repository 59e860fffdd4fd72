import NacosHTTP
import NacosNaming
import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// Cluster mode of the Open API (reference §4.1 DistroFilter, §7.1): instance writes for which another
/// member is responsible are forwarded to it, a forwarded request is never forwarded again, a forward that
/// cannot reach its member is a 500; and the operator endpoints `/core/cluster/nodes` and
/// `/operator/distro/client`.
@Suite("OpenAPI cluster") struct OpenAPIClusterTests {
    typealias Paths = OpenAPIPaths

    /// An instance tag node A maps to node B.
    static let tagOfB = (ip: "10.1.0.1", port: 8080)
    /// An instance tag every node keeps (nobody maps it elsewhere).
    static let tagOfA = (ip: "10.2.0.2", port: 9090)

    @Test func writesForAnotherMembersInstanceAreHandledByThatMember() async throws {
        try await TwoOpenAPINodes.run { nodes in
            nodes.a.table.assign("\(Self.tagOfB.ip):\(Self.tagOfB.port)", to: nodes.b.address)
            let instance = [("serviceName", "orders"), ("ip", Self.tagOfB.ip), ("port", String(Self.tagOfB.port))]

            let registered = try await nodes.a.call(.post, Paths.v1Instance, instance, form: true)
            #expect(registered.status == 200 && registered.text == "ok", "\(registered)")
            #expect(try await nodes.b.hosts("orders").map { $0["ip"].string } == [Self.tagOfB.ip])
            #expect(try await nodes.a.hosts("orders").isEmpty)

            // v2: B's envelope comes back as it is.
            let v2 = try await nodes.a.call(.post, Paths.v2Instance, [("serviceName", "v2orders"), ("ip", Self.tagOfB.ip), ("port", "8080")], form: true)
            #expect(v2.isEnvelope(status: 200, code: 0, message: "success") && v2.json["data"].string == "ok", "\(v2)")
            #expect(try await nodes.b.hosts("v2orders").count == 1)
            #expect(try await nodes.a.hosts("v2orders").isEmpty)

            // PATCH and PUT update B's instance.
            let patched = try await nodes.a.call(.patch, Paths.v1Instance, instance + [("weight", "3")], form: true)
            #expect(patched.status == 200, "\(patched)")
            #expect(try await nodes.b.hosts("orders").first?["weight"].double == 3)

            // A beat that names its instance only in the `beat` JSON is B's too: B knows the instance (10200);
            // A would have registered it from the beat.
            let beat = #"{"ip":"10.1.0.1","port":8080,"serviceName":"DEFAULT_GROUP@@orders","cluster":"DEFAULT","weight":3}"#
            let beatReply = try await nodes.a.call(.put, Paths.v1Beat, [("serviceName", "orders"), ("beat", beat)], form: true)
            #expect(beatReply.status == 200 && beatReply.json["code"].int == 10200, "\(beatReply)")
            #expect(try await nodes.a.hosts("orders").isEmpty)

            // B's own errors are relayed with their status.
            let noService = try await nodes.a.call(.post, Paths.v1Instance, [("ip", Self.tagOfB.ip), ("port", "8080")], form: true)
            #expect(noService.status == 400 && noService.text == "Param 'serviceName' is required.", "\(noService)")

            let deleted = try await nodes.a.call(.delete, Paths.v1Instance, instance)
            #expect(deleted.status == 200 && deleted.text == "ok", "\(deleted)")
            #expect(try await nodes.b.hosts("orders").isEmpty)
        }
    }

    @Test func writesForThisNodesInstanceStayLocal() async throws {
        try await TwoOpenAPINodes.run { nodes in
            nodes.a.table.assign("\(Self.tagOfB.ip):\(Self.tagOfB.port)", to: nodes.b.address)
            let registered = try await nodes.a.call(.post, Paths.v1Instance, [
                ("serviceName", "local"), ("ip", Self.tagOfA.ip), ("port", String(Self.tagOfA.port)),
            ], form: true)
            #expect(registered.status == 200, "\(registered)")
            #expect(try await nodes.a.hosts("local").count == 1)
            #expect(try await nodes.b.hosts("local").isEmpty)

            // A write without an ip is answered here (nothing to map), with the endpoint's own 400.
            let noIP = try await nodes.a.call(.post, Paths.v1Instance, [("serviceName", "local"), ("port", "1")], form: true)
            #expect(noIP.status == 400 && noIP.text == "Param 'ip' is required.", "\(noIP)")
        }
    }

    @Test func aForwardedRequestIsNeverForwardedAgain() async throws {
        try await TwoOpenAPINodes.run { nodes in
            let tag = "\(Self.tagOfB.ip):\(Self.tagOfB.port)"
            // Both nodes think the other is responsible (members that disagree during a change).
            nodes.a.table.assign(tag, to: nodes.b.address)
            nodes.b.table.assign(tag, to: nodes.a.address)
            let instance = [("serviceName", "loop"), ("ip", Self.tagOfB.ip), ("port", String(Self.tagOfB.port))]

            // A forwards to B, marked; B handles it instead of sending it back.
            let viaA = try await nodes.a.call(.post, Paths.v1Instance, instance, form: true)
            #expect(viaA.status == 200 && viaA.text == "ok", "\(viaA)")
            #expect(try await nodes.b.hosts("loop").count == 1)
            #expect(try await nodes.a.hosts("loop").isEmpty)

            // A request that arrives marked is handled where it arrives.
            let marked = try await nodes.a.call(
                .post, Paths.v1Instance, [("serviceName", "marked"), ("ip", Self.tagOfB.ip), ("port", "8080")],
                form: true, headers: [("X-Nacos-Distro-Forwarded", nodes.b.address)]
            )
            #expect(marked.status == 200, "\(marked)")
            #expect(try await nodes.a.hosts("marked").count == 1)
            #expect(try await nodes.b.hosts("marked").isEmpty)
        }
    }

    @Test func aForwardThatCannotReachItsMemberIsA500NamingIt() async throws {
        try await TwoOpenAPINodes.run { nodes in
            nodes.a.table.assign("\(Self.tagOfB.ip):\(Self.tagOfB.port)", to: TwoOpenAPINodes.silentMember)
            nodes.a.table.assign("10.3.0.3:1", to: "10.0.0.250:8848")
            let instance = [("serviceName", "lost"), ("ip", Self.tagOfB.ip), ("port", String(Self.tagOfB.port))]

            let v1 = try await nodes.a.call(.post, Paths.v1Instance, instance, form: true)
            #expect(v1.status == 500, "\(v1)")
            #expect(v1.text.contains(TwoOpenAPINodes.silentMember), "\(v1)")

            let v2 = try await nodes.a.call(.delete, Paths.v2Instance, instance)
            #expect(v2.isEnvelope(status: 500, code: 30000, message: "server error"), "\(v2)")
            #expect(v2.json["data"].string?.contains(TwoOpenAPINodes.silentMember) == true, "\(v2)")

            // A member whose address cannot be resolved fails the same way.
            let unknown = try await nodes.a.call(.post, Paths.v1Instance, [("serviceName", "lost"), ("ip", "10.3.0.3"), ("port", "1")], form: true)
            #expect(unknown.status == 500 && unknown.text.contains("10.0.0.250:8848"), "\(unknown)")

            #expect(try await nodes.a.hosts("lost").isEmpty)
            // The node still serves its own writes afterwards.
            let local = try await nodes.a.call(.post, Paths.v1Instance, [("serviceName", "lost"), ("ip", Self.tagOfA.ip), ("port", "1")], form: true)
            #expect(local.status == 200, "\(local)")
        }
    }

    @Test func clusterNodesListsTheMembersSortedAndFiltered() async throws {
        try await TwoOpenAPINodes.run { nodes in
            nodes.a.table.setNodes([
                ClusterNodeView(ip: "10.0.0.2", port: 8848, state: "SUSPICIOUS", failAccessCount: 2),
                ClusterNodeView(ip: "10.0.0.1", port: 8848, extendInfo: ["version": "0.1.0"]),
                ClusterNodeView(ip: "10.0.1.7", port: 8848, state: "DOWN", failAccessCount: 4),
            ])
            let all = try await nodes.a.call(.get, "/nacos/v1/core/cluster/nodes")
            #expect(all.status == 200, "\(all)")
            #expect(all.json.keys == ["code", "message", "data"])
            #expect(all.json["code"].int == 200)
            #expect(all.json["message"].exists && all.json["message"].string == nil)
            let data = all.json["data"].array
            #expect(data.map { $0["address"].string } == ["10.0.0.1:8848", "10.0.0.2:8848", "10.0.1.7:8848"])
            #expect(data[0].keys == ["ip", "port", "state", "extendInfo", "address", "failAccessCnt", "abilities"])
            #expect(data[0]["ip"].string == "10.0.0.1" && data[0]["port"].int == 8848 && data[0]["state"].string == "UP")
            #expect(data[0]["extendInfo"]["version"].string == "0.1.0")
            #expect(data[1]["state"].string == "SUSPICIOUS" && data[1]["failAccessCnt"].int == 2)

            let filtered = try await nodes.a.call(.get, "/nacos/v1/core/cluster/nodes", [("keyword", "10.0.0.")])
            #expect(filtered.json["data"].array.map { $0["address"].string } == ["10.0.0.1:8848", "10.0.0.2:8848"])

            let down = try await nodes.a.call(.get, "/nacos/v2/core/cluster/node/list", [("state", "down")])
            #expect(down.isEnvelope(status: 200, code: 0, message: "success"), "\(down)")
            #expect(down.json["data"].array.map { $0["address"].string } == ["10.0.1.7:8848"])
            let byAddress = try await nodes.a.call(.get, "/nacos/v2/core/cluster/node/list", [("address", "10.0.0.2")])
            #expect(byAddress.json["data"].array.map { $0["address"].string } == ["10.0.0.2:8848"])
            let illegal = try await nodes.a.call(.get, "/nacos/v2/core/cluster/node/list", [("state", "SLEEPY")])
            #expect(illegal.isEnvelope(status: 400, code: 23000, message: "illegal state"), "\(illegal)")
            #expect(illegal.json["data"].string == "Illegal state: SLEEPY")

            let me = try await nodes.a.call(.get, "/nacos/v1/core/cluster/self")
            #expect(me.json["data"]["address"].string == nodes.a.address && me.json["data"]["extendInfo"]["version"].string == "0.1.0")
        }
    }

    @Test func aStandaloneNodeListsItselfAsItsOnlyMember() async throws {
        try await OpenAPIHarness.run { harness in
            let nodes = try await harness.get("/nacos/v1/core/cluster/nodes")
            #expect(nodes.json["data"].array.map { $0["address"].string } == ["127.0.0.1:8848"])
            #expect(nodes.json["data"][0]["state"].string == "UP")
            let distro = try await harness.get("/nacos/v1/ns/operator/distro/client", [("ip", "10.0.0.1"), ("port", "80")])
            #expect(distro.status == 200 && distro.json.keys == ["responsibleServer"])
            #expect(distro.json["responsibleServer"].string == "127.0.0.1:8848")
            // Writes are never forwarded standalone, whatever they carry.
            try await harness.register("solo", ip: "10.9.9.9", port: 1)
        }
    }

    @Test func distroClientAnswersTheResponsibleMember() async throws {
        try await TwoOpenAPINodes.run { nodes in
            nodes.a.table.assign("10.1.0.1:8080", to: nodes.b.address)
            let b = try await nodes.a.call(.get, "/nacos/v1/ns/operator/distro/client", [("ip", "10.1.0.1"), ("port", "8080")])
            #expect(b.status == 200 && b.json["responsibleServer"].string == nodes.b.address, "\(b)")
            let a = try await nodes.a.call(.get, "/nacos/v1/ns/ops/distro/client", [("ip", "10.1.0.2"), ("port", "8080")])
            #expect(a.json["responsibleServer"].string == nodes.a.address, "\(a)")
            let noPort = try await nodes.a.call(.get, "/nacos/v1/ns/operator/distro/client", [("ip", "10.1.0.1")])
            #expect(noPort.status == 400 && noPort.text == "Param 'port' is required.", "\(noPort)")
            let noIP = try await nodes.a.call(.get, "/nacos/v1/ns/operator/distro/client", [("port", "1")])
            #expect(noIP.status == 400 && noIP.text == "Param 'ip' is required.", "\(noIP)")
        }
    }
}

/// Which member each node thinks is responsible for a tag, and the members it lists; tests change both.
final class ClusterViewTable: Sendable {
    private struct State {
        var owners: [String: String] = [:]
        var nodes: [ClusterNodeView]?
    }

    private let state = Mutex(State())

    /// Makes `member` responsible for `tag`.
    func assign(_ tag: String, to member: String) {
        self.state.withLock { $0.owners[tag] = member }
    }

    /// The responsible member of `tag`, `fallback` for tags nobody assigned.
    func owner(of tag: String, fallback: String) -> String {
        self.state.withLock { $0.owners[tag] } ?? fallback
    }

    /// Sets the members the node lists.
    func setNodes(_ nodes: [ClusterNodeView]) {
        self.state.withLock { $0.nodes = nodes }
    }

    /// The members the node lists, `fallback` until set.
    func nodes(fallback: ClusterNodeView) -> [ClusterNodeView] {
        self.state.withLock { $0.nodes } ?? [fallback]
    }
}

/// Two Open API nodes, A (`10.0.0.1:8848`) and B (`10.0.0.2:8848`), each with its own registry, served
/// over the in-memory transport and forwarding to each other; `10.0.0.9:8848` resolves to an address
/// where nothing listens.
struct TwoOpenAPINodes: Sendable {
    /// A member that resolves but never answers.
    static let silentMember = "10.0.0.9:8848"

    /// One node.
    struct Node: Sendable {
        let address: String
        let registry: NamingRegistry
        let manager: NacosConnectionManager
        let api: NacosOpenAPI
        let server: NacosHTTPServer
        let client: NacosHTTPClient
        let table: ClusterViewTable

        /// Calls the node, as `OpenAPIHarness.call` does.
        func call(
            _ method: HTTPMethod,
            _ path: String,
            _ parameters: [(String, String)] = [],
            form: Bool = false,
            headers: [(String, String)] = []
        ) async throws -> OpenAPIReply {
            let encoded = FormEncoding.encode(parameters)
            var target = path
            var body: [UInt8] = []
            var fields = HTTPHeaders()
            for (name, value) in headers { fields.add(name: name, value: value) }
            if form {
                body = Array(encoded.utf8)
                fields.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            } else if !encoded.isEmpty {
                target += "?" + encoded
            }
            return OpenAPIReply(try await self.client.send(HTTPRequest(method: method, target: target, headers: fields, body: body)))
        }

        /// The hosts of `service` in this node's own registry (`/instance/list` is never forwarded).
        func hosts(_ service: String) async throws -> [JSONNode] {
            let reply = try await self.call(.get, OpenAPIPaths.v1List, [("serviceName", service)])
            #expect(reply.status == 200, "list \(service) at \(self.address): \(reply)")
            return reply.json["hosts"].array
        }
    }

    let a: Node
    let b: Node

    /// Runs `body` against two started nodes, tearing everything down afterwards.
    static func run(_ body: (TwoOpenAPINodes) async throws -> Void) async throws {
        try await withEventLoopGroup { group in
            let logger = CapturingLogHandler().logger(label: "openapi-cluster-test", level: .warning)
            let clock = NacosSystemClock(group: group)
            let transport = NacosInMemoryTransport(group: group, logger: logger)
            let suffix = UInt64.random(in: 0...UInt64.max)
            let listen: [String: NacosSocketAddress] = [
                "10.0.0.1:8848": .inMemory("node-a-\(suffix)"),
                "10.0.0.2:8848": .inMemory("node-b-\(suffix)"),
                Self.silentMember: .inMemory("nobody-\(suffix)"),
            ]
            let forwarding = OpenAPIForwarding(transport: transport, resolve: { listen[$0] }, timeout: .seconds(5))

            func start(_ address: String) async throws -> Node {
                let manager = NacosConnectionManager(clock: clock, logger: logger)
                let registry = NamingRegistry(
                    configuration: OpenAPIHarness.fastNaming,
                    connectionManager: manager,
                    clock: clock,
                    logger: logger,
                    healthProber: AlwaysHealthyProber()
                )
                registry.start()
                let table = ClusterViewTable()
                var context = OpenAPIContext(registry: registry, connections: manager, selfAddress: address)
                context.responsibleServer = { table.owner(of: $0, fallback: address) }
                context.clusterNodes = { table.nodes(fallback: ClusterNodeView(ip: String(address.split(separator: ":")[0]), port: 8848)) }
                context.forwarding = forwarding
                let api = NacosOpenAPI(context: context)
                let server = NacosHTTPServer(transport: transport, responder: api.makeRouter(), logger: logger)
                let bound = try await server.start(on: listen[address]!)
                let client = NacosHTTPClient(transport: transport, address: bound)
                return Node(address: address, registry: registry, manager: manager, api: api, server: server, client: client, table: table)
            }

            let nodes = TwoOpenAPINodes(a: try await start("10.0.0.1:8848"), b: try await start("10.0.0.2:8848"))
            var failure: (any Error)?
            do {
                try await body(nodes)
            } catch {
                failure = error
            }
            for node in [nodes.a, nodes.b] {
                await node.client.close()
                await node.server.shutdown(gracePeriod: .milliseconds(100))
                await node.api.shutdown()
                node.registry.shutdown()
                node.manager.shutdown()
            }
            if let failure { throw failure }
        }
    }
}
