import NacosDistro
import NacosRemote
import NacosTestKit
import Synchronization
import Testing

/// A cluster link whose peers answer from a table (or fail), recording every request.
private final class ScriptedClusterSender: ClusterRequestSender {
    typealias Answer = @Sendable (any NacosRequest) async throws -> any NacosResponse

    private let answers: [String: Answer]
    private let log = Mutex<[(address: String, type: String, timeout: Duration)]>([])
    private let reloads = Mutex<[ServerReloadRequest]>([])

    init(_ answers: [String: Answer]) {
        self.answers = answers
    }

    var requests: [(address: String, type: String, timeout: Duration)] { self.log.withLock { $0 } }
    var reloadRequests: [ServerReloadRequest] { self.reloads.withLock { $0 } }

    func send<Response: NacosResponse>(
        _ request: some NacosRequest,
        to address: String,
        expecting responseType: Response.Type,
        timeout: Duration
    ) async throws -> Response {
        self.log.withLock { $0.append((address, type(of: request).typeName, timeout)) }
        if let reload = request as? ServerReloadRequest { self.reloads.withLock { $0.append(reload) } }
        guard let answer = self.answers[address] else {
            throw ClusterRequestError(.unknownMember, address: address, message: "not a member")
        }
        guard let response = try await answer(request) as? Response else {
            throw ClusterRequestError(.unreachable, address: address, message: "unexpected response type")
        }
        return response
    }
}

/// How many peers were asked so far.
private final class AskCounter: Sendable {
    private let count = Mutex(0)

    var value: Int { self.count.withLock { $0 } }

    func increment() { self.count.withLock { $0 += 1 } }
}

@Suite("ClusterLoader")
struct ClusterLoaderTests {
    private static let selfAddress = "10.0.0.1:8848"

    private static func metrics(_ con: String, _ sdk: String, load: String = "0.5", cpu: String = "0.25") -> ScriptedClusterSender.Answer {
        { _ in ServerLoaderInfoResponse(loaderMetrics: ["conCount": con, "sdkConCount": sdk, "load": load, "cpu": cpu]) }
    }

    @Test("loader metrics parse; bad counts are rejected and bad figures read as 0")
    func parsesMetrics() {
        let load = ClusterMemberLoad(address: "a:1", loaderMetrics: ["conCount": "12", "sdkConCount": " 10 ", "load": "1.5", "cpu": "0.75"])
        #expect(load == ClusterMemberLoad(address: "a:1", connectionCount: 12, sdkConnectionCount: 10, load: 1.5, cpu: 0.75))
        #expect(ClusterMemberLoad(address: "a:1", loaderMetrics: ["conCount": "12"]) == nil)
        #expect(ClusterMemberLoad(address: "a:1", loaderMetrics: ["conCount": "x", "sdkConCount": "1"]) == nil)
        #expect(ClusterMemberLoad(address: "a:1", loaderMetrics: ["conCount": "1", "sdkConCount": "-1"]) == nil)
        let odd = ClusterMemberLoad(address: "a:1", loaderMetrics: ["conCount": "3", "sdkConCount": "2", "load": "NaN", "cpu": "fast"])
        #expect(odd?.load == 0)
        #expect(odd?.cpu == 0)
        #expect(ClusterMemberLoad(address: "a:1", loaderMetrics: ["conCount": "3", "sdkConCount": "2", "load": "1.0E-4"])?.load == 0.0001)
    }

    @Test("self answers locally; peers that fail, time out or answer garbage are left out; sorted by address")
    func collectsLoads() async {
        let sender = ScriptedClusterSender([
            "10.0.0.3:8848": Self.metrics("7", "5", load: "2.0", cpu: "0.5"),
            "10.0.0.2:8848": Self.metrics("4", "3"),
            "10.0.0.4:8848": { _ in throw ClusterRequestError(.timedOut, address: "10.0.0.4:8848", message: "timed out") },
            "10.0.0.5:8848": Self.metrics("many", "3"),
            "10.0.0.6:8848": { _ in
                var failure = ServerLoaderInfoResponse()
                failure.resultCode = 500
                failure.errorCode = 500
                return failure
            },
        ])
        let members = ["10.0.0.6:8848", "10.0.0.5:8848", "10.0.0.4:8848", "10.0.0.3:8848", "10.0.0.2:8848", "10.0.0.7:8848"]
        let loader = ClusterLoader(selfAddress: Self.selfAddress, connections: NacosConnectionManager(), members: { members }, sender: sender)

        let loads = await loader.memberLoads(timeout: .milliseconds(250))

        #expect(
            loads == [
                ClusterMemberLoad(address: Self.selfAddress, connectionCount: 0, sdkConnectionCount: 0, load: loads.first?.load ?? -1, cpu: loads.first?.cpu ?? -1),
                ClusterMemberLoad(address: "10.0.0.2:8848", connectionCount: 4, sdkConnectionCount: 3, load: 0.5, cpu: 0.25),
                ClusterMemberLoad(address: "10.0.0.3:8848", connectionCount: 7, sdkConnectionCount: 5, load: 2.0, cpu: 0.5),
            ]
        )
        // Self is never asked over the link (it is added even when the member list leaves it out); every
        // peer is asked once with the timeout.
        let asked = sender.requests
        #expect(asked.map(\.address).sorted() == members.sorted())
        #expect(asked.allSatisfy { $0.type == "ServerLoaderInfoRequest" && $0.timeout == .milliseconds(250) })
    }

    @Test("peers are asked in parallel")
    func asksInParallel() async {
        let peers = ["10.0.0.2:8848", "10.0.0.3:8848", "10.0.0.4:8848"]
        let asked = AskCounter()
        let waitForAll: ScriptedClusterSender.Answer = { _ in
            // Answers only once every peer has been asked: a sequential loader would see them time out.
            asked.increment()
            try await waitUntil(timeout: .seconds(5), "every peer to be asked") { asked.value == peers.count }
            return ServerLoaderInfoResponse(loaderMetrics: ["conCount": "1", "sdkConCount": "1"])
        }
        let sender = ScriptedClusterSender(Dictionary(uniqueKeysWithValues: peers.map { ($0, waitForAll) }))
        let loader = ClusterLoader(
            selfAddress: Self.selfAddress,
            connections: NacosConnectionManager(),
            members: { [Self.selfAddress] + peers },
            sender: sender
        )
        let loads = await loader.memberLoads(timeout: .seconds(1))
        #expect(loads.map(\.address) == [Self.selfAddress] + peers)
    }

    @Test("a reload of self runs the local handler; a peer's goes over the link")
    func requestsReload() async {
        let sender = ScriptedClusterSender([
            "10.0.0.2:8848": { _ in
                var response = ServerReloadResponse()
                response.message = "ok"
                return response
            },
            "10.0.0.3:8848": { _ in throw ClusterRequestError(.unreachable, address: "10.0.0.3:8848", message: "refused") },
        ])
        let loader = ClusterLoader(
            selfAddress: Self.selfAddress,
            connections: NacosConnectionManager(),
            members: { [Self.selfAddress, "10.0.0.2:8848", "10.0.0.3:8848"] },
            sender: sender
        )

        // This node has no SDK connection, so its handler ignores the request, successfully.
        #expect(await loader.requestReload(from: Self.selfAddress, reloadCount: 5, to: "10.0.0.2:8848"))
        #expect(sender.requests.isEmpty)

        #expect(await loader.requestReload(from: "10.0.0.2:8848", reloadCount: 7, to: "10.0.0.4:8848"))
        #expect(sender.reloadRequests == [ServerReloadRequest(reloadCount: 7, reloadServer: "10.0.0.4:8848")])
        #expect(sender.requests.last?.address == "10.0.0.2:8848")

        #expect(await loader.requestReload(from: "10.0.0.3:8848", reloadCount: 7, to: "10.0.0.4:8848") == false)
    }
}
