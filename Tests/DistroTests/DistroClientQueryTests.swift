import NacosDistro
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// Read-your-writes after a forwarded HTTP write: the forwarding member queries the written `ip:port`
/// client from the member responsible for it (`DistroProtocol.refreshClient`) and applies the answer as a
/// sync; the responsible member answers only once a sync of that client to the asker still in flight has
/// landed (`waitForSyncInFlight`), so that older data never overwrites the answer.
@Suite("Distro client query (read-your-writes)")
struct DistroClientQueryTests {
    static let owner = "10.0.0.1:8848"
    static let asker = "10.0.0.2:8848"
    static let service = Service(namespace: nil, group: nil, name: "orders")
    static let instance = Instance(ip: "10.9.0.1", port: 80, clusterName: "DEFAULT")
    static let clientId = "10.9.0.1:80#true"
    static let meta = NacosRequestMeta(connectionId: "cluster-conn", clientIp: "10.0.0.2")

    /// A QUERY of `clientId`; `asker` names the asking member in the key, as `refreshClient` does.
    static func query(_ clientId: String, asker: String?) -> DistroDataRequest {
        DistroDataRequest(distroData: DistroData(distroKey: DistroKey(resourceKey: clientId, targetServer: asker), type: .query), dataOperation: .query)
    }

    /// The responsible member: a registry responsible for every address, its Distro over a gated sender,
    /// and the QUERY handler wired as `NacosCluster` wires it.
    struct Owner {
        let fixture = DistroRegistryFixture()
        let sender = GatedSyncSender()
        let distro: DistroProtocol
        let handler: DistroDataRequestHandler

        init() {
            let distro = DistroProtocol(
                configuration: DistroConfiguration(),
                selfAddress: DistroClientQueryTests.owner,
                registry: self.fixture.registry,
                processor: self.fixture.processor,
                sender: self.sender,
                clock: self.fixture.clock,
                logger: .disabled()
            )
            self.distro = distro
            self.handler = DistroDataRequestHandler(processor: self.fixture.processor) { clientId, member in
                await distro.waitForSyncInFlight(clientId: clientId, to: member, timeout: .seconds(1))
            }
        }

        /// Starts Distro with the asker as its one peer and registers the instance; returns once the sync
        /// of the change to the asker is in flight, held by the sender.
        func registerWithSyncHeld() async throws {
            self.sender.hold()
            self.distro.start(peers: [DistroClientQueryTests.asker])
            try await waitUntil("Distro initialized") { self.distro.isInitialized }
            try self.fixture.registry.operations.registerIpPortInstance(DistroClientQueryTests.instance, service: DistroClientQueryTests.service)
            let clock = self.fixture.clock
            try await waitUntil("the sync to the asker in flight") {
                clock.advance(by: .milliseconds(20))
                return self.sender.heldCount == 1
            }
        }
    }

    @Test("a QUERY from the asker waits for the sync in flight to it, then answers the data after the newer write")
    func queryWaitsForTheSyncInFlightToTheAsker() async throws {
        let owner = Owner()
        try await owner.registerWithSyncHeld()
        // The held sync carries the instance; the write the asker forwarded then removes it.
        #expect(try owner.sender.heldData().first?.publications.isEmpty == false)
        owner.fixture.registry.operations.deregisterIpPortInstance(Self.instance, service: Self.service)

        let handler = owner.handler
        let answer = Task { try await handler.handle(Self.query(Self.clientId, asker: Self.asker), meta: Self.meta) }
        try await waitUntil("the query waiting") { owner.distro.waitingQueryCount == 1 }
        owner.sender.release()
        let response = try await answer.value
        #expect(response.success)
        let data = try ClientSyncData(jsonBytes: try #require(response.distroData?.content))
        #expect(data.clientId == Self.clientId && data.publications.isEmpty)
        #expect(owner.distro.waitingQueryCount == 0)
        owner.distro.shutdown()
    }

    @Test("a QUERY that names no asker, or another member, answers at once; one that waits answers after the wait limit")
    func queryWaitsOnlyForItsAskerAndAtMostTheLimit() async throws {
        let owner = Owner()
        try await owner.registerWithSyncHeld()

        for asker in [nil, "10.0.0.3:8848", ""] {
            let response = try await owner.handler.handle(Self.query(Self.clientId, asker: asker), meta: Self.meta)
            #expect(response.success && response.distroData != nil, "\(asker ?? "nil")")
        }
        // Unknown clients answer no data.
        let unknown = try await owner.handler.handle(Self.query("10.9.9.9:1#true", asker: Self.asker), meta: Self.meta)
        #expect(unknown.success && unknown.distroData == nil)

        let handler = owner.handler
        let answer = Task { try await handler.handle(Self.query(Self.clientId, asker: Self.asker), meta: Self.meta) }
        try await waitUntil("the query waiting") { owner.distro.waitingQueryCount == 1 }
        owner.fixture.clock.advance(by: .seconds(1))
        #expect(try await answer.value.success)
        #expect(owner.sender.heldCount == 1)

        // Shutting down lets a waiting query go on too.
        let late = Task { try await handler.handle(Self.query(Self.clientId, asker: Self.asker), meta: Self.meta) }
        try await waitUntil("the second query waiting") { owner.distro.waitingQueryCount == 1 }
        owner.distro.shutdown()
        #expect(try await late.value.success)
        owner.sender.release()
    }

    @Test("refreshClient applies the member's answer as a synced copy, removes the copy when the member has no such client, and reports failures")
    func refreshClientAppliesTheAnswer() async throws {
        let fixture = DistroRegistryFixture(responsible: { $0 == "10.9.9.9:1" })
        let sender = GatedSyncSender()
        let distro = DistroProtocol(
            configuration: DistroConfiguration(),
            selfAddress: Self.asker,
            registry: fixture.registry,
            processor: fixture.processor,
            sender: sender,
            clock: fixture.clock,
            logger: .disabled()
        )
        let published = ClientSyncData(clientId: Self.clientId, revision: 0, publications: [Self.service: .single(DistroRegistryFixture.info("10.9.0.1", 80))])
        sender.answerQueries { _ in DistroDataResponse(distroData: DistroData(distroKey: DistroKey(resourceKey: Self.clientId), type: .query, content: published.jsonBytes())) }
        #expect(await distro.refreshClient(Self.clientId, from: Self.owner, timeout: .seconds(1)))
        #expect(fixture.registry.storage.instances(of: Self.service).map(\.ip) == ["10.9.0.1"])
        #expect(fixture.processor.holdsHealthyInstances(clientId: Self.clientId))
        let asked = try #require(sender.queries.first)
        #expect(asked.target == Self.owner && asked.request.dataOperation == .query)
        #expect(asked.request.distroData?.distroKey == DistroKey(resourceKey: Self.clientId, targetServer: Self.asker))

        // An unhealthy instance: a light beat would change what this member shows.
        let unhealthy = ClientSyncData(
            clientId: Self.clientId,
            revision: 0,
            publications: [Self.service: .single(DistroRegistryFixture.info("10.9.0.1", 80, healthy: false))]
        )
        sender.answerQueries { _ in DistroDataResponse(distroData: DistroData(distroKey: DistroKey(resourceKey: Self.clientId), type: .query, content: unhealthy.jsonBytes())) }
        #expect(await distro.refreshClient(Self.clientId, from: Self.owner, timeout: .seconds(1)))
        #expect(!fixture.processor.holdsHealthyInstances(clientId: Self.clientId))

        // The member holds no such client: the copy goes.
        sender.answerQueries { _ in DistroDataResponse() }
        #expect(await distro.refreshClient(Self.clientId, from: Self.owner, timeout: .seconds(1)))
        #expect(fixture.registry.clients.client(Self.clientId) == nil)
        #expect(fixture.registry.storage.instances(of: Self.service).isEmpty)
        #expect(!fixture.processor.holdsHealthyInstances(clientId: Self.clientId))

        // Failures change nothing and are reported.
        sender.answerQueries { _ in throw ClusterRequestError(.unreachable, address: Self.owner, message: "down") }
        #expect(await distro.refreshClient(Self.clientId, from: Self.owner, timeout: .seconds(1)) == false)
        sender.answerQueries { _ in DistroDataResponse(distroData: DistroData(distroKey: DistroKey(resourceKey: Self.clientId), type: .query, content: Array("{".utf8))) }
        #expect(await distro.refreshClient(Self.clientId, from: Self.owner, timeout: .seconds(1)) == false)
        let other = ClientSyncData(clientId: "10.9.0.2:80#true", revision: 0, publications: [Self.service: .single(DistroRegistryFixture.info("10.9.0.2", 80))])
        sender.answerQueries { _ in DistroDataResponse(distroData: DistroData(distroKey: DistroKey(resourceKey: Self.clientId), type: .query, content: other.jsonBytes())) }
        #expect(await distro.refreshClient(Self.clientId, from: Self.owner, timeout: .seconds(1)) == false)
        #expect(fixture.registry.storage.instances(of: Self.service).isEmpty)

        // A client this member is responsible for, or a query of itself, asks nobody.
        let queriesSent = sender.queries.count
        #expect(await distro.refreshClient("10.9.9.9:1#true", from: Self.owner, timeout: .seconds(1)))
        #expect(await distro.refreshClient(Self.clientId, from: Self.asker, timeout: .seconds(1)))
        #expect(sender.queries.count == queriesSent)
        #expect(distro.statistics.querySucceeded == 3 && distro.statistics.queryFailed == 3)
    }
}

/// A `ClusterRequestSender` for one Distro peer: it answers the start-up snapshot empty and verifies
/// with no failures, holds syncs while asked to (reporting them delivered once released), and answers
/// queries as the test scripts them.
final class GatedSyncSender: ClusterRequestSender {
    private struct State {
        var holding = false
        var held: [(request: DistroDataRequest, release: CheckedContinuation<Void, Never>)] = []
        var queries: [(request: DistroDataRequest, target: String)] = []
        var answer: @Sendable (DistroDataRequest) throws -> DistroDataResponse = { _ in DistroDataResponse() }
    }

    private let state = Mutex(State())

    /// Holds every sync from now on until `release()`.
    func hold() { self.state.withLock { $0.holding = true } }

    /// Lets the held syncs, and every later one, through.
    func release() {
        let held = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.holding = false
            defer { state.held = [] }
            return state.held.map(\.release)
        }
        for continuation in held { continuation.resume() }
    }

    /// How many syncs are held.
    var heldCount: Int { self.state.withLock { $0.held.count } }

    /// The client data of the held syncs.
    func heldData() throws -> [ClientSyncData] {
        try self.state.withLock { $0.held.map(\.request) }.map { try ClientSyncData(jsonBytes: $0.distroData?.content ?? []) }
    }

    /// Answers every later query with `answer`.
    func answerQueries(_ answer: @escaping @Sendable (DistroDataRequest) throws -> DistroDataResponse) {
        self.state.withLock { $0.answer = answer }
    }

    /// The queries sent so far and their targets.
    var queries: [(request: DistroDataRequest, target: String)] { self.state.withLock { $0.queries } }

    func send<Response: NacosResponse>(
        _ request: some NacosRequest,
        to address: String,
        expecting responseType: Response.Type,
        timeout: Duration
    ) async throws -> Response {
        guard let request = request as? DistroDataRequest else { throw ClusterRequestError(.unreachable, address: address, message: "not Distro") }
        let response: DistroDataResponse
        switch request.dataOperation {
        case .snapshot:
            let content = ClientSyncDatumSnapshot(clientSyncDataList: []).jsonBytes()
            response = DistroDataResponse(distroData: DistroData(distroKey: DistroKey(resourceKey: "SNAPSHOT"), type: .snapshot, content: content))
        case .verify:
            response = DistroDataResponse(distroData: DistroData(distroKey: DistroKey(resourceKey: ""), type: .verify, content: Array("[]".utf8)))
        case .query:
            let answer = self.state.withLock { state in
                state.queries.append((request, address))
                return state.answer
            }
            response = try answer(request)
        case .add, .change, .delete:
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let held = self.state.withLock { state -> Bool in
                    guard state.holding else { return false }
                    state.held.append((request, continuation))
                    return true
                }
                if !held { continuation.resume() }
            }
            response = DistroDataResponse()
        }
        guard let typed = response as? Response else { throw ClusterRequestError(.unreachable, address: address, message: "unexpected type") }
        return typed
    }
}
