import Foundation
import NacosDistro
import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// A `ClusterRequestSender` whose answers to member reports the test decides, per address.
private final class FakeReportSender: ClusterRequestSender {
    enum Outcome: Sendable {
        case answer(ClusterMember?)
        case fail(ClusterRequestError.Kind)
        case nacosError
    }

    private let outcomes = Mutex<[String: Outcome]>([:])
    private let log = Mutex<[(address: String, node: ClusterMember?, timeout: Duration)]>([])

    func set(_ address: String, _ outcome: Outcome) {
        self.outcomes.withLock { $0[address] = outcome }
    }

    /// The addresses reported to, in order.
    var sentTo: [String] { self.log.withLock { $0.map(\.address) } }

    /// Every report's node and timeout.
    var sent: [(address: String, node: ClusterMember?, timeout: Duration)] { self.log.withLock { $0 } }

    func send<Response: NacosResponse>(
        _ request: some NacosRequest,
        to address: String,
        expecting responseType: Response.Type,
        timeout: Duration
    ) async throws -> Response {
        let node = (request as? MemberReportRequest)?.node
        self.log.withLock { $0.append((address, node, timeout)) }
        switch self.outcomes.withLock({ $0[address] }) ?? .answer(nil) {
        case .answer(let remote):
            return MemberReportResponse(node: remote) as! Response
        case .fail(let kind):
            throw ClusterRequestError(kind, address: address, message: "fake \(kind)")
        case .nacosError:
            throw NacosException(.noHandler, "RequestHandler Not Found")
        }
    }
}

/// Collects what the manager's listeners hear.
private final class MemberEvents: Sendable {
    private let storage = Mutex<[[ClusterMember]]>([])

    func record(_ members: [ClusterMember]) { self.storage.withLock { $0.append(members) } }

    var all: [[ClusterMember]] { self.storage.withLock { $0 } }

    /// The state of `address` in each event, in order.
    func states(of address: String) -> [NodeState?] {
        self.all.map { members in members.first { $0.address == address }?.state }
    }
}

@Suite("ServerMemberManager")
struct ServerMemberManagerTests {
    private static let selfMember = ClusterMember(ip: "10.0.0.1", extendInfo: ["version": "0.1.0"])
    private static let b = "10.0.0.2:8848"
    private static let c = "10.0.0.3:8848"

    private static func manager(
        sender: FakeReportSender,
        clock: NacosManualClock = NacosManualClock(),
        peers: [String] = [b, c]
    ) -> ServerMemberManager {
        ServerMemberManager(
            selfMember: selfMember,
            members: peers.map { ClusterMember.parse($0)! },
            configuration: ClusterMemberConfiguration(),
            sender: sender,
            clock: clock,
            logger: .disabled()
        )
    }

    @Test("a report carries this node with the report timeout; a refused peer is DOWN at once and listeners hear it")
    func reportOutcomes() async {
        let sender = FakeReportSender()
        sender.set(Self.b, .fail(.unreachable))
        let manager = Self.manager(sender: sender)
        let events = MemberEvents()
        manager.addListener { events.record($0) }
        #expect(manager.selfMember == Self.selfMember)
        #expect(manager.peers.map(\.address) == [Self.b, Self.c])

        await manager.reportOnce(now: 0)
        #expect(sender.sentTo == [Self.b])
        #expect(sender.sent.first?.node == Self.selfMember)
        #expect(sender.sent.first?.timeout == .seconds(3))
        #expect(manager.member(Self.b)?.state == .down)
        #expect(events.all.count == 1)
        #expect(events.states(of: Self.b) == [.down])
        #expect(events.all.first?.map(\.address) == ["10.0.0.1:8848", Self.b, Self.c])
        #expect(manager.distroHealthyAddresses == ["10.0.0.1:8848", Self.c])

        // A successful report to C changes nothing: no event.
        await manager.reportOnce(now: 2_000)
        #expect(sender.sentTo == [Self.b, Self.c])
        #expect(events.all.count == 1)
    }

    @Test("failures that are not refusals: SUSPICIOUS, DOWN after the 4th, UP on success; events in order to every listener")
    func eventsInOrder() async {
        let sender = FakeReportSender()
        sender.set(Self.b, .fail(.timedOut))
        let manager = Self.manager(sender: sender, peers: [Self.b])
        let events = MemberEvents()
        let order = Mutex<[String]>([])
        manager.addListener { members in
            events.record(members)
            order.withLock { $0.append("first") }
        }
        manager.addListener { _ in order.withLock { $0.append("second") } }

        for step in 0..<4 {
            await manager.reportOnce(now: Int64(step) * 2_000)
        }
        #expect(manager.member(Self.b)?.failAccessCount == 4)
        sender.set(Self.b, .nacosError)
        await manager.reportOnce(now: 8_000)
        #expect(manager.member(Self.b)?.failAccessCount == 5)
        sender.set(Self.b, .answer(ClusterMember(ip: "10.0.0.2", extendInfo: ["version": "2.5.1"])))
        await manager.reportOnce(now: 10_000)

        #expect(sender.sentTo.count == 6)
        #expect(events.states(of: Self.b) == [.suspicious, .down, .up])
        #expect(order.withLock { $0 } == ["first", "second", "first", "second", "first", "second"])
        #expect(manager.member(Self.b)?.extendInfo == ["version": "2.5.1"])
        #expect(manager.member(Self.b)?.failAccessCount == 0)
    }

    @Test("the loop on the clock: the first report at once, the next after the report interval")
    func loopOnClock() async throws {
        let sender = FakeReportSender()
        let clock = NacosManualClock()
        let manager = Self.manager(sender: sender, clock: clock)
        manager.start()
        manager.start()
        try await waitUntil("the first report") { sender.sentTo.count == 1 }
        try await waitUntil("the loop sleeping") { clock.pendingTimerCount == 1 }
        clock.advance(by: .milliseconds(1_999))
        #expect(sender.sentTo.count == 1)
        clock.advance(by: .milliseconds(1))
        try await waitUntil("the second report") { sender.sentTo.count == 2 }
        #expect(sender.sentTo == [Self.b, Self.c])

        manager.shutdown()
        try await waitUntil("the loop stopped") { clock.pendingTimerCount == 0 }
        clock.advance(by: .seconds(10))
        #expect(sender.sentTo.count == 2)
    }

    @Test("the loop probes a DOWN peer every 5 s besides the round-robin")
    func loopProbesDownPeer() async throws {
        let sender = FakeReportSender()
        sender.set(Self.c, .fail(.unreachable))
        let clock = NacosManualClock()
        let origin = clock.nowMillis()
        let manager = Self.manager(sender: sender, clock: clock)
        let events = MemberEvents()
        manager.addListener { events.record($0) }
        manager.start()
        // 0 s: B; 2 s: C (refused: DOWN); 4 s: B; 5 s: C probed; 6 s: C (round-robin). C's failed
        // reports are awaited (its failure count) so that it is not in flight when it is due again.
        for (seconds, count, failuresOfC) in [(0, 1, 0), (2, 2, 1), (4, 3, 1), (5, 4, 2), (6, 5, 3)] {
            if seconds > 0 {
                try await waitUntil("the loop sleeping") { clock.pendingTimerCount == 1 }
                clock.advance(by: .milliseconds(origin + Int64(seconds) * 1_000 - clock.nowMillis()))
            }
            try await waitUntil("report \(count)") { sender.sentTo.count == count }
            try await waitUntil("\(failuresOfC) failed reports to C") { manager.member(Self.c)?.failAccessCount == failuresOfC }
        }
        #expect(manager.member(Self.c)?.state == .down)
        #expect(sender.sentTo == [Self.b, Self.c, Self.b, Self.c, Self.c])
        #expect(events.states(of: Self.c) == [.down])
        manager.shutdown()
    }

    @Test("a received report marks the sender UP and answers with this node; the handler refuses an illegal node")
    func handlesReports() async throws {
        let sender = FakeReportSender()
        sender.set(Self.b, .fail(.unreachable))
        let manager = Self.manager(sender: sender)
        await manager.reportOnce(now: 0)
        #expect(manager.member(Self.b)?.state == .down)
        let events = MemberEvents()
        manager.addListener { events.record($0) }

        let handler = MemberReportHandler(members: manager)
        let meta = NacosRequestMeta(connectionId: "c1", clientIp: "10.0.0.2", clientVersion: "test", labels: ["source": "cluster"])
        let answer = try await handler.handle(MemberReportRequest(node: ClusterMember(ip: "10.0.0.2", state: .down, extendInfo: ["k": "v"])), meta: meta)
        #expect(answer.success)
        #expect(answer.node == Self.selfMember)
        #expect(manager.member(Self.b)?.state == .up)
        #expect(manager.member(Self.b)?.extendInfo == ["k": "v"])
        #expect(events.states(of: Self.b) == [.up])

        let refused = try await handler.handle(MemberReportRequest(node: nil), meta: meta)
        #expect(refused.resultCode == 500)
        #expect(refused.errorCode == 400)
        #expect(refused.message == "Node information is illegal")
        #expect(manager.handleReport(from: ClusterMember(ip: "10.9.9.9")) == Self.selfMember)
        #expect(manager.member("10.9.9.9:8848") == nil)
        #expect(events.all.count == 1)
    }

    @Test("a listener may read the manager and replace members from inside a callback without deadlocking")
    func reentrantListener() async {
        let sender = FakeReportSender()
        sender.set(Self.b, .fail(.unreachable))
        let manager = Self.manager(sender: sender)
        let events = MemberEvents()
        manager.addListener { members in
            events.record(members)
            if manager.member(Self.b)?.state == .down, manager.member("10.0.0.5:8848") == nil {
                manager.replaceMembers([ClusterMember.parse(Self.c)!, ClusterMember(ip: "10.0.0.5")])
            }
        }
        await manager.reportOnce(now: 0)
        #expect(events.all.map { $0.map(\.address) } == [
            ["10.0.0.1:8848", Self.b, Self.c],
            ["10.0.0.1:8848", Self.c, "10.0.0.5:8848"],
        ])
        #expect(manager.peers.map(\.address) == [Self.c, "10.0.0.5:8848"])
    }

    @Test("after shutdown, outcomes and reports change nothing")
    func shutdownStopsChanges() async {
        let sender = FakeReportSender()
        sender.set(Self.b, .fail(.unreachable))
        let manager = Self.manager(sender: sender)
        manager.shutdown()
        await manager.reportOnce(now: 0)
        #expect(sender.sentTo.isEmpty)
        manager.handleReport(from: ClusterMember(ip: "10.0.0.2", state: .down))
        #expect(manager.member(Self.b)?.state == .up)
    }

    // MARK: - Messages

    @Test("MemberReportRequest is Nacos's JSON: module cluster, node as a Member")
    func requestJSON() throws {
        let request = MemberReportRequest(node: ClusterMember(ip: "10.0.0.1", port: 8848, state: .suspicious, failAccessCount: 2, extendInfo: ["raftPort": "7848"]))
        let body = try NacosJSON.encode(request)
        let object = try #require(JSONSerialization.jsonObject(with: Data(body.readableBytesArray)) as? [String: Any])
        #expect(object["module"] as? String == "cluster")
        let node = try #require(object["node"] as? [String: Any])
        #expect(node["ip"] as? String == "10.0.0.1")
        #expect(node["port"] as? Int == 8848)
        #expect(node["state"] as? String == "SUSPICIOUS")
        #expect(node["address"] as? String == "10.0.0.1:8848")
        #expect(node["failAccessCnt"] as? Int == 2)
        #expect(node["extendInfo"] as? [String: String] == ["raftPort": "7848"])
        #expect(try NacosJSON.decode(MemberReportRequest.self, from: body) == request)
        #expect(try JSONDecoder().decode(MemberReportRequest.self, from: JSONEncoder().encode(request)) == request)
    }

    @Test("a Member from Java is read leniently, the same by both decoders")
    func lenientMemberJSON() throws {
        let java = """
            {"node":{"ip":"10.0.0.7","port":"8848","state":"DOWN","address":"10.0.0.7:8848","failAccessCnt":3,
            "extendInfo":{"raftPort":"7848","readyToUpgrade":true,"lastRefreshTime":1700000000000,"weight":1.5,
            "raftMetaData":{"metaDataMap":{}},"naming":null},
            "abilities":{"remoteAbility":{"supportRemoteConnection":true}},"grpcReportEnabled":true},
            "module":"cluster","headers":{"k":"v"},"unknown":1}
            """
        let expected = ClusterMember(
            ip: "10.0.0.7",
            port: 8848,
            state: .down,
            failAccessCount: 3,
            extendInfo: ["raftPort": "7848", "readyToUpgrade": "true", "lastRefreshTime": "1700000000000", "weight": "1.5"]
        )
        let fast = try NacosJSON.decode(MemberReportRequest.self, from: NacosByteBuffer(bytes: Array(java.utf8)))
        #expect(fast.node == expected)
        #expect(fast.headers == ["k": "v"])
        let foundation = try JSONDecoder().decode(MemberReportRequest.self, from: Data(java.utf8))
        #expect(foundation.node == expected)
    }

    @Test(
        "the identity comes from ip and port, else from address; an unusable node reads as nil",
        arguments: [
            (#"{"node":{"address":"10.0.0.8:8850"}}"#, "10.0.0.8:8850" as String?),
            (#"{"node":{"ip":"10.0.0.8","address":"10.0.0.8:8851"}}"#, "10.0.0.8:8851"),
            (#"{"node":{"ip":"[::1]","port":9000,"state":"bogus"}}"#, "[::1]:9000"),
            (#"{"node":{"ip":"10.0.0.8","port":-1}}"#, nil),
            (#"{"node":{"ip":"","port":8848}}"#, nil),
            (#"{"node":{"ip":"10.0.0.8","port":{}}}"#, nil),
            (#"{"node":"10.0.0.8:8848"}"#, nil),
            (#"{"node":null}"#, nil),
            (#"{}"#, nil),
        ]
    )
    func memberIdentity(json: String, address: String?) throws {
        let fast = try NacosJSON.decode(MemberReportRequest.self, from: NacosByteBuffer(bytes: Array(json.utf8)))
        let foundation = try JSONDecoder().decode(MemberReportRequest.self, from: Data(json.utf8))
        #expect(fast.node?.address == address)
        #expect(foundation.node?.address == address)
        #expect(fast.node?.state == address.map { _ in .up })
    }

    @Test("MemberReportResponse carries the answering node")
    func responseJSON() throws {
        let response = MemberReportResponse(node: Self.selfMember)
        let body = try NacosJSON.encode(response)
        let decoded = try NacosJSON.decode(MemberReportResponse.self, from: body)
        #expect(decoded == response)
        #expect(decoded.success)
        #expect(try JSONDecoder().decode(MemberReportResponse.self, from: JSONEncoder().encode(response)) == response)
    }
}
