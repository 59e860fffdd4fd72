import Foundation
import NacosClient
import NacosHTTP
import NacosTestKit
import NacosTransport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Three `nacos-server` processes on one PostgreSQL (`nacos.naming.store=postgresql`): persistent data
/// written at one node reaches the others' subscribers, every node reads its own writes at once, a
/// restart of PostgreSQL loses no acknowledged write, and a restarted node loads the state.
@Suite("nacos-server cluster on PostgreSQL", .serialized)
struct PostgresClusterProcessTests {
    private static let service = "pg.orders"

    private static func register(_ node: ClusterProcessNode, port: Int, service: String = Self.service) async throws -> HTTPResponse {
        try await node.http.send(
            ServerProcessTests.form(.post, "/nacos/v1/ns/instance", "serviceName=\(service)&ip=127.0.0.1&port=\(port)&ephemeral=false")
        )
    }

    @Test("a persistent instance written at A reaches B's and C's subscribers; PostgreSQL restarts; a node restarts")
    func sharedPersistentState() async throws {
        try await PostgresTestServer.with { postgres in try await self.run(postgres) }
    }

    private func run(_ postgres: PostgresTestServer) async throws {
        let arguments = [
            "--nacos.naming.store=postgresql", "--db.url.0=jdbc:\(postgres.url)", "--db.user.0=nacos", "--db.password.0=nacos",
            "--db.pool.config.maximumPoolSize=2",
        ]
        try await withEventLoopGroup { group in
            try await withClusterProcesses(count: 3, arguments: arguments, group: group) { scope in
                let (a, b, c) = (scope.nodes[0], scope.nodes[1], scope.nodes[2])
                var recorders: [SubscriptionRecorder] = []
                for index in [1, 2] {
                    let naming = try await scope.startClient(homeAt: index, appName: "pg-subscriber-\(index)")
                    let recorder = SubscriptionRecorder()
                    try await naming.subscribe(serviceName: Self.service, listener: recorder.listener)
                    recorders.append(recorder)
                }
                let first = try await Self.register(a, port: 7001)
                #expect(first.status == .ok, "\(first.bodyText)")
                try await pollUntil(timeout: .seconds(20), "B's and C's subscribers to be pushed the instance registered at A") {
                    recorders.allSatisfy { $0.lastAddresses == ["127.0.0.1:7001"] }
                }

                // Read-your-writes: a persistent write is listed by the node that took it at once.
                for round in 0..<30 {
                    let node = scope.nodes[round % 3]
                    let service = "pg.ryw.\(round)"
                    let registered = try await Self.register(node, port: 8000 + round, service: service)
                    #expect(registered.status == .ok, "\(registered.bodyText)")
                    #expect(try await node.instanceAddresses(of: service) == ["127.0.0.1:\(8000 + round)"], "round \(round) on \(node.memberAddress)")
                }

                // PostgreSQL down: writes fail at once with 503, reads still serve.
                await postgres.stop()
                let refused = try await Self.register(b, port: 7002)
                #expect(refused.status == .serviceUnavailable, "\(refused.status) \(refused.bodyText)")
                #expect(try await b.instanceAddresses(of: Self.service) == ["127.0.0.1:7001"])
                try await postgres.restart()
                try await pollUntil(timeout: .seconds(30), interval: .milliseconds(200), "a write at B to succeed once PostgreSQL is back") {
                    try await Self.register(b, port: 7002).status == .ok
                }
                for node in scope.nodes {
                    try await pollUntil(timeout: .seconds(20), "\(node.memberAddress) to list both instances after the restart") {
                        try await node.instanceAddresses(of: Self.service) == ["127.0.0.1:7001", "127.0.0.1:7002"]
                    }
                }

                // A node that restarts loads the state from PostgreSQL.
                try await c.kill()
                let restarted = try ServerProcess.launch(c.process.arguments)
                do {
                    _ = try await restarted.waitForStart(timeout: .seconds(20))
                    let node = ClusterProcessNode(port: c.port, process: restarted, transport: NacosTCPTransport(group: group, logger: .disabled()))
                    try await pollUntil(timeout: .seconds(20), "the restarted node to be ready") { await node.isReady() }
                    #expect(try await node.instanceAddresses(of: Self.service) == ["127.0.0.1:7001", "127.0.0.1:7002"])
                    await node.http.close()
                    await restarted.forceStop()
                } catch {
                    await restarted.forceStop()
                    throw error
                }
            }
        }
    }
}
