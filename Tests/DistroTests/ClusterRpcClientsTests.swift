import NacosDistro
import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// A member's cluster RPC server on the in-memory transport, answering member reports.
private struct ClusterPeer {
    static let selfMember = ClusterMember(ip: "10.0.0.2", extendInfo: ["version": "test"])

    let server: NacosRpcServer
    let connections: NacosConnectionManager
    let members: ServerMemberManager

    /// Starts a server at `.inMemory(name)`; with `gate`, report handling waits for the gate to open.
    static func start(_ name: String, transport: NacosInMemoryTransport, gate: AsyncGate? = nil) async throws -> ClusterPeer {
        let members = ServerMemberManager(
            selfMember: Self.selfMember,
            members: [ClusterMember(ip: "10.0.0.1")],
            sender: ClusterRpcClients(pool: NacosSharedConnectionPool(transport: transport, logger: .disabled()), resolve: { _ in nil }),
            logger: .disabled()
        )
        var handlers = NacosRequestHandlerRegistry()
        if let gate {
            let handler = MemberReportHandler(members: members)
            handlers.register(MemberReportRequest.self, responseType: MemberReportResponse.self) { request, meta in
                await gate.wait()
                return try await handler.handle(request, meta: meta)
            }
        } else {
            handlers.register(MemberReportHandler(members: members))
        }
        let connections = NacosConnectionManager(logger: .disabled())
        let server = NacosRpcServer(
            configuration: NacosRpcServerConfiguration(kind: .cluster, address: .inMemory(name)),
            transport: transport,
            handlers: handlers,
            payloads: memberReportPayloads,
            connectionManager: connections,
            logger: .disabled()
        )
        try await server.start()
        return ClusterPeer(server: server, connections: connections, members: members)
    }
}

@Suite("ClusterRpcClients")
struct ClusterRpcClientsTests {
    private static let peerAddress = "10.0.0.2:8848"
    private static let report = MemberReportRequest(node: ClusterMember(ip: "10.0.0.1", extendInfo: ["from": "A"]))

    /// Links whose only member is `peerAddress` at `.inMemory(socketName)`, over a lazy pool as the cluster uses.
    private static func links(_ transport: NacosInMemoryTransport, socketName: String) -> (ClusterRpcClients, NacosSharedConnectionPool) {
        var configuration = NacosSharedConnectionConfiguration()
        configuration.lazyConnect = true
        let pool = NacosSharedConnectionPool(configuration: configuration, transport: transport, payloads: memberReportPayloads, logger: .disabled())
        let links = ClusterRpcClients(pool: pool, resolve: { address in
            address == Self.peerAddress ? .inMemory(socketName) : nil
        })
        return (links, pool)
    }

    @Test("a report reaches the member over one kept cluster connection and its answer comes back")
    func reportsOverOneSharedConnection() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let transport = NacosInMemoryTransport(group: group)
            let peer = try await ClusterPeer.start("links-ok", transport: transport)
            let (links, pool) = Self.links(transport, socketName: "links-ok")

            let response = try await links.send(Self.report, to: Self.peerAddress, expecting: MemberReportResponse.self, timeout: .seconds(10))
            #expect(response.node == ClusterPeer.selfMember)
            #expect(peer.members.member("10.0.0.1:8848")?.extendInfo == ["from": "A"])
            #expect(links.linkedAddresses == [Self.peerAddress])
            #expect(pool.referenceCount(.inMemory("links-ok")) == 1)
            #expect(peer.connections.connectionCount(matchingLabels: ["source": "cluster"]) == 1)

            async let second = links.send(Self.report, to: Self.peerAddress, expecting: MemberReportResponse.self, timeout: .seconds(10))
            async let third = links.send(Self.report, to: Self.peerAddress, expecting: MemberReportResponse.self, timeout: .seconds(10))
            _ = try await (second, third)
            #expect(pool.referenceCount(.inMemory("links-ok")) == 1)
            #expect(peer.connections.connectionCount == 1)

            links.release(Self.peerAddress)
            #expect(links.linkedAddresses.isEmpty)
            #expect(pool.referenceCount(.inMemory("links-ok")) == 0)
            try await waitUntil("the released connection closed") { peer.connections.connectionCount == 0 }
            _ = try await links.send(Self.report, to: Self.peerAddress, expecting: MemberReportResponse.self, timeout: .seconds(10))
            #expect(pool.referenceCount(.inMemory("links-ok")) == 1)

            links.shutdown()
            await #expect(throws: ClusterRequestError(.unreachable, address: Self.peerAddress, message: "the cluster links are shut down")) {
                try await links.send(Self.report, to: Self.peerAddress, expecting: MemberReportResponse.self, timeout: .seconds(10))
            }
            try await waitUntil("closed on shutdown") { peer.connections.connectionCount == 0 }
            pool.shutdown()
            await peer.server.shutdown()
        }
    }

    @Test("first requests sent together share one connection attempt")
    func concurrentFirstRequests() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let transport = NacosInMemoryTransport(group: group)
            let peer = try await ClusterPeer.start("links-together", transport: transport)
            let (links, pool) = Self.links(transport, socketName: "links-together")
            try await withThrowingTaskGroup(of: MemberReportResponse.self) { tasks in
                for _ in 0..<8 {
                    tasks.addTask {
                        try await links.send(Self.report, to: Self.peerAddress, expecting: MemberReportResponse.self, timeout: .seconds(10))
                    }
                }
                for try await response in tasks { #expect(response.node?.address == Self.peerAddress) }
            }
            #expect(pool.referenceCount(.inMemory("links-together")) == 1)
            #expect(peer.connections.connectionCount == 1)
            links.shutdown()
            pool.shutdown()
            await peer.server.shutdown()
        }
    }

    @Test("a stopped member, or one never started, is unreachable at once, well before the timeout")
    func stoppedMemberIsUnreachable() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let transport = NacosInMemoryTransport(group: group)
            let peer = try await ClusterPeer.start("links-stopped", transport: transport)
            let (links, pool) = Self.links(transport, socketName: "links-stopped")
            _ = try await links.send(Self.report, to: Self.peerAddress, expecting: MemberReportResponse.self, timeout: .seconds(10))
            await peer.server.shutdown()

            let clock = ContinuousClock()
            let start = clock.now
            await #expect {
                try await links.send(Self.report, to: Self.peerAddress, expecting: MemberReportResponse.self, timeout: .seconds(20))
            } throws: { error in
                (error as? ClusterRequestError)?.kind == .unreachable && (error as? ClusterRequestError)?.address == Self.peerAddress
            }
            #expect(clock.now - start < .seconds(5))

            let (fresh, freshPool) = Self.links(transport, socketName: "links-nobody")
            let freshStart = clock.now
            await #expect {
                try await fresh.send(Self.report, to: Self.peerAddress, expecting: MemberReportResponse.self, timeout: .seconds(20))
            } throws: { error in
                (error as? ClusterRequestError)?.kind == .unreachable
            }
            #expect(clock.now - freshStart < .seconds(5))
            links.shutdown()
            fresh.shutdown()
            pool.shutdown()
            freshPool.shutdown()
        }
    }

    @Test("an address that does not resolve is an unknown member")
    func unknownMember() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let transport = NacosInMemoryTransport(group: group)
            let (links, pool) = Self.links(transport, socketName: "links-unknown")
            await #expect {
                try await links.send(Self.report, to: "10.9.9.9:8848", expecting: MemberReportResponse.self, timeout: .seconds(10))
            } throws: { error in
                (error as? ClusterRequestError)?.kind == .unknownMember && (error as? ClusterRequestError)?.address == "10.9.9.9:8848"
            }
            #expect(links.linkedAddresses.isEmpty)
            #expect(pool.addresses.isEmpty)
        }
    }

    @Test("a member that answers with an error: the NacosException passes through")
    func errorAnswersPassThrough() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let transport = NacosInMemoryTransport(group: group)
            let peer = try await ClusterPeer.start("links-error", transport: transport)
            let (links, pool) = Self.links(transport, socketName: "links-error")
            await #expect(throws: NacosException(.invalidParam, "Node information is illegal")) {
                try await links.send(MemberReportRequest(node: nil), to: Self.peerAddress, expecting: MemberReportResponse.self, timeout: .seconds(10))
            }
            await #expect {
                try await links.send(DistroProbeRequest(), to: Self.peerAddress, expecting: MemberReportResponse.self, timeout: .seconds(10))
            } throws: { error in
                (error as? NacosException)?.errorCode == .noHandler || (error as? NacosException)?.errorCode == .badGateway
            }
            links.shutdown()
            pool.shutdown()
            await peer.server.shutdown()
        }
    }

    @Test("a member that does not answer in time: timedOut")
    func slowMemberTimesOut() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let transport = NacosInMemoryTransport(group: group)
            let gate = AsyncGate()
            let peer = try await ClusterPeer.start("links-slow", transport: transport, gate: gate)
            let (links, pool) = Self.links(transport, socketName: "links-slow")
            await #expect {
                try await links.send(Self.report, to: Self.peerAddress, expecting: MemberReportResponse.self, timeout: .milliseconds(300))
            } throws: { error in
                (error as? ClusterRequestError)?.kind == .timedOut
            }
            gate.open()
            let response = try await links.send(Self.report, to: Self.peerAddress, expecting: MemberReportResponse.self, timeout: .seconds(10))
            #expect(response.success)
            links.shutdown()
            pool.shutdown()
            await peer.server.shutdown()
        }
    }

    @Test("the manager over real links: a stopped member goes DOWN after one report")
    func managerOverLinks() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let transport = NacosInMemoryTransport(group: group)
            let peer = try await ClusterPeer.start("links-manager", transport: transport)
            let (links, pool) = Self.links(transport, socketName: "links-manager")
            // A first report connects the lazy link and sets it up: give it room on a loaded machine.
            var configuration = ClusterMemberConfiguration()
            configuration.reportTimeout = .seconds(15)
            let manager = ServerMemberManager(
                selfMember: ClusterMember(ip: "10.0.0.1"),
                members: [ClusterMember.parse(Self.peerAddress)!],
                configuration: configuration,
                sender: links,
                clock: NacosManualClock(),
                logger: .disabled()
            )
            await manager.reportOnce(now: 0)
            #expect(manager.member(Self.peerAddress)?.state == .up)
            #expect(manager.member(Self.peerAddress)?.extendInfo == ["version": "test"])
            await peer.server.shutdown()
            await manager.reportOnce(now: 2_000)
            #expect(manager.member(Self.peerAddress)?.state == .down)
            #expect(manager.distroHealthyAddresses == ["10.0.0.1:8848"])
            links.shutdown()
            pool.shutdown()
        }
    }
}

/// The internal module's messages plus the member reports.
private let memberReportPayloads: NacosPayloadRegistry = {
    var payloads = NacosPayloadRegistry.standard
    payloads.register(MemberReportRequest.self)
    payloads.register(MemberReportResponse.self)
    return payloads
}()

/// A cluster request no member handles.
private struct DistroProbeRequest: NacosCommonFieldsRequest {
    static let typeName = "DistroProbeRequest"
    static let module = NacosRequestModule.cluster
    var requestId: String?
    var headers: [String: String] = [:]
    init() {}
}
