import NacosDistro
import Testing

@Suite("MemberHealthStateMachine")
struct MemberHealthStateMachineTests {
    private static let selfMember = ClusterMember(ip: "10.0.0.1")
    private static let b = "10.0.0.2:8848"
    private static let c = "10.0.0.3:8848"
    private static let d = "10.0.0.4:8848"

    private static func machine(peers: [String] = [b, c, d]) -> MemberHealthStateMachine {
        MemberHealthStateMachine(
            selfMember: selfMember,
            members: peers.map { ClusterMember.parse($0)! },
            configuration: ClusterMemberConfiguration()
        )
    }

    @Test("self is added when missing, duplicates are dropped, and members are sorted by address")
    func memberList() {
        let machine = MemberHealthStateMachine(
            selfMember: Self.selfMember,
            members: [ClusterMember.parse(Self.c)!, ClusterMember.parse(Self.b)!, ClusterMember(ip: "10.0.0.3", state: .down)],
            configuration: ClusterMemberConfiguration()
        )
        #expect(machine.selfAddress == "10.0.0.1:8848")
        #expect(machine.allMembers.map(\.address) == ["10.0.0.1:8848", Self.b, Self.c])
        #expect(machine.peers.map(\.address) == [Self.b, Self.c])
        #expect(machine.member(Self.c)?.state == .up)
        #expect(machine.member("10.0.0.9:8848") == nil)
    }

    @Test("one peer is due every report interval, round-robin in address order, the first at once")
    func roundRobin() {
        var machine = Self.machine()
        #expect(machine.nextDeadline == 0)
        var order: [String] = []
        for step in 0..<5 {
            let now = Int64(step) * 2_000
            let due = machine.dueReports(now: now)
            #expect(due.count == 1)
            order += due
            for address in due { _ = machine.reportSucceeded(to: address, remote: nil) }
            #expect(machine.dueReports(now: now + 1_999).isEmpty)
        }
        #expect(order == [Self.b, Self.c, Self.d, Self.b, Self.c])
        #expect(machine.nextDeadline == 10_000)
    }

    @Test("no peer: nothing is ever due and there is no deadline")
    func alone() {
        var machine = Self.machine(peers: [])
        #expect(machine.nextDeadline == nil)
        #expect(machine.dueReports(now: 0).isEmpty)
        #expect(machine.distroHealthyAddresses == ["10.0.0.1:8848"])
    }

    @Test("a peer with a report in flight is skipped until its outcome is fed back")
    func inFlight() {
        var machine = Self.machine(peers: [Self.b])
        #expect(machine.dueReports(now: 0) == [Self.b])
        #expect(machine.dueReports(now: 2_000).isEmpty)
        _ = machine.reportFailed(to: Self.b, unreachable: false)
        #expect(machine.dueReports(now: 4_000) == [Self.b])
    }

    @Test("failures 1 to 3 make a member SUSPICIOUS, the 4th DOWN; a success makes it UP again")
    func failureCounting() {
        var machine = Self.machine()
        let first = machine.reportFailed(to: Self.b, unreachable: false)
        #expect(first.count == 1)
        #expect(first.first?.previousState == .up)
        #expect(first.first?.member.state == .suspicious)
        #expect(first.first?.member.failAccessCount == 1)
        #expect(machine.reportFailed(to: Self.b, unreachable: false).isEmpty)
        #expect(machine.reportFailed(to: Self.b, unreachable: false).isEmpty)
        #expect(machine.member(Self.b)?.state == .suspicious)
        #expect(machine.member(Self.b)?.failAccessCount == 3)
        #expect(machine.distroHealthyAddresses.contains(Self.b))

        let fourth = machine.reportFailed(to: Self.b, unreachable: false)
        #expect(fourth == [MemberChange(member: machine.member(Self.b)!, previousState: .suspicious)])
        #expect(machine.member(Self.b)?.state == .down)
        #expect(machine.member(Self.b)?.failAccessCount == 4)
        #expect(!machine.distroHealthyAddresses.contains(Self.b))

        let recovered = machine.reportSucceeded(to: Self.b, remote: nil)
        #expect(recovered.map(\.previousState) == [.down])
        #expect(machine.member(Self.b)?.state == .up)
        #expect(machine.member(Self.b)?.failAccessCount == 0)
        #expect(machine.reportSucceeded(to: Self.b, remote: nil).isEmpty)
    }

    @Test("an unreachable member is DOWN at once, and a later timeout keeps it DOWN")
    func unreachableIsDown() {
        var machine = Self.machine()
        let changes = machine.reportFailed(to: Self.c, unreachable: true)
        #expect(changes.map(\.member.state) == [.down])
        #expect(changes.map(\.previousState) == [.up])
        #expect(machine.member(Self.c)?.failAccessCount == 1)
        #expect(machine.reportFailed(to: Self.c, unreachable: false).isEmpty)
        #expect(machine.member(Self.c)?.state == .down)
        #expect(machine.distroHealthyAddresses == ["10.0.0.1:8848", Self.b, Self.d])
    }

    @Test("a custom failure limit")
    func customLimit() {
        var configuration = ClusterMemberConfiguration()
        configuration.failAccessLimit = 1
        var machine = MemberHealthStateMachine(selfMember: Self.selfMember, members: [ClusterMember.parse(Self.b)!], configuration: configuration)
        #expect(machine.reportFailed(to: Self.b, unreachable: false).map(\.member.state) == [.suspicious])
        #expect(machine.reportFailed(to: Self.b, unreachable: false).map(\.member.state) == [.down])
    }

    @Test("DOWN peers are probed every 5 s besides the round-robin, once per call")
    func downPeersProbed() {
        var machine = Self.machine(peers: [Self.b, Self.c])
        _ = machine.reportFailed(to: Self.c, unreachable: true)
        var schedule: [Int64: [String]] = [:]
        for now in stride(from: Int64(0), through: 15_000, by: 1_000) {
            let due = machine.dueReports(now: now)
            if !due.isEmpty { schedule[now] = due }
            for address in due {
                if address == Self.c {
                    _ = machine.reportFailed(to: address, unreachable: true)
                } else {
                    _ = machine.reportSucceeded(to: address, remote: nil)
                }
            }
            if now == 4_000 { #expect(machine.nextDeadline == 5_000) }
        }
        #expect(
            schedule == [
                0: [Self.b], 2_000: [Self.c], 4_000: [Self.b], 5_000: [Self.c], 6_000: [Self.c], 8_000: [Self.b],
                10_000: [Self.c], 12_000: [Self.b], 14_000: [Self.c], 15_000: [Self.c],
            ]
        )
        #expect(machine.member(Self.c)?.state == .down)
        #expect(machine.member(Self.b)?.state == .up)
    }

    @Test("a successful report takes the member's own extendInfo without a state change event")
    func remoteExtendInfo() {
        var machine = Self.machine()
        let remote = ClusterMember(ip: "10.0.0.2", extendInfo: ["version": "2.5.1"])
        #expect(machine.reportSucceeded(to: Self.b, remote: remote).isEmpty)
        #expect(machine.member(Self.b)?.extendInfo == ["version": "2.5.1"])
        #expect(machine.reportSucceeded(to: Self.b, remote: nil).isEmpty)
        #expect(machine.member(Self.b)?.extendInfo == ["version": "2.5.1"])
    }

    @Test("a report received from a known member makes it UP; unknown senders and self are ignored")
    func reportReceived() {
        var machine = Self.machine()
        _ = machine.reportFailed(to: Self.d, unreachable: true)
        let sender = ClusterMember(ip: "10.0.0.4", state: .starting, failAccessCount: 7, extendInfo: ["raftPort": "7848"])
        let changes = machine.reportReceived(from: sender)
        #expect(changes.map(\.previousState) == [.down])
        #expect(machine.member(Self.d) == ClusterMember(ip: "10.0.0.4", state: .up, failAccessCount: 0, extendInfo: ["raftPort": "7848"]))
        #expect(machine.reportReceived(from: ClusterMember(ip: "10.9.9.9")).isEmpty)
        #expect(machine.member("10.9.9.9:8848") == nil)
        #expect(machine.reportReceived(from: ClusterMember(ip: "10.0.0.1", state: .down)).isEmpty)
        #expect(machine.member("10.0.0.1:8848")?.state == .up)
        #expect(machine.reportFailed(to: "10.0.0.1:8848", unreachable: true).isEmpty)
        #expect(machine.reportFailed(to: "10.9.9.9:8848", unreachable: true).isEmpty)
    }

    @Test("replacing the members: new ones join, missing ones leave, remaining ones keep their health, self stays")
    func replaceMembers() {
        var machine = Self.machine()
        _ = machine.reportFailed(to: Self.c, unreachable: true)
        #expect(machine.dueReports(now: 0) == [Self.b])
        let changes = machine.replaceMembers([ClusterMember.parse(Self.c)!, ClusterMember(ip: "10.0.0.5"), ClusterMember.parse(Self.b)!])
        #expect(
            changes == [
                MemberChange(member: ClusterMember.parse(Self.d)!, previousState: .up, removed: true),
                MemberChange(member: ClusterMember(ip: "10.0.0.5"), previousState: nil),
            ]
        )
        #expect(machine.allMembers.map(\.address) == ["10.0.0.1:8848", Self.b, Self.c, "10.0.0.5:8848"])
        #expect(machine.member(Self.c)?.state == .down)
        #expect(machine.replaceMembers([ClusterMember.parse(Self.b)!, ClusterMember.parse(Self.c)!, ClusterMember(ip: "10.0.0.5")]).isEmpty)
        // Round-robin goes on after the last reported address; B's report is still in flight.
        #expect(machine.dueReports(now: 2_000) == [Self.c])
        #expect(machine.dueReports(now: 4_000) == ["10.0.0.5:8848"])
        #expect(machine.dueReports(now: 6_000).isEmpty)
    }
}
