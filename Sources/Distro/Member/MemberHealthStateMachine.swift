import NacosRemote

/// The member list and each member's health as this node sees it (Nacos's `ServerMemberManager` with its
/// `MemberInfoReportTask` and `MemberUtil.onSuccess`/`onFail`, reference §7.5), as a pure state machine:
/// times are milliseconds passed in, and the caller sends the reports and feeds their outcomes back.
///
/// - Every `reportInterval` the next peer in address order is due for a report (round-robin); every
///   `unhealthyProbeInterval` every DOWN peer is due as well. A peer with a report in flight is not due
///   again until its outcome is fed back.
/// - A failed report adds one to the member's `failAccessCount`: the member is DOWN beyond
///   `failAccessLimit` failures or at once when it was unreachable (connection refused), SUSPICIOUS
///   otherwise. Unlike Nacos, a DOWN member stays DOWN until a report succeeds, rather than turning
///   SUSPICIOUS again on a later timeout.
/// - A successful report, or a report received from a member, makes it UP with no failures.
///
/// Each input returns the members whose state changed, joined or left.
public struct MemberHealthStateMachine: Sendable {
    /// The timers and failure limit.
    public let configuration: ClusterMemberConfiguration
    /// This node's `ip:port`.
    public let selfAddress: String
    private var members: [String: ClusterMember]
    /// Every peer's address, sorted.
    private var peerAddresses: [String]
    /// The peer that received the last round-robin report.
    private var lastReported: String?
    /// When the next round-robin report is due (0 until the first `dueReports`: due at once).
    private var nextReportAt: Int64 = 0
    /// When DOWN peers are next probed, set by the first `dueReports`.
    private var nextProbeAt: Int64?
    /// Peers with a report in flight.
    private var inFlight: Set<String> = []

    /// Creates the machine for `selfMember` and `members` (self is added when missing; duplicates keep
    /// the first entry).
    public init(selfMember: ClusterMember, members: [ClusterMember], configuration: ClusterMemberConfiguration = ClusterMemberConfiguration()) {
        self.configuration = configuration
        self.selfAddress = selfMember.address
        var table: [String: ClusterMember] = [selfMember.address: selfMember]
        for member in members where table[member.address] == nil {
            table[member.address] = member
        }
        self.members = table
        self.peerAddresses = table.keys.filter { $0 != selfMember.address }.sorted()
    }

    // MARK: - Queries

    /// Every member, self included, sorted by address.
    public var allMembers: [ClusterMember] {
        self.members.values.sorted { $0.address < $1.address }
    }

    /// Every member but self, sorted by address.
    public var peers: [ClusterMember] {
        self.peerAddresses.compactMap { self.members[$0] }
    }

    /// The addresses of the members that own Distro data — UP or SUSPICIOUS, and always self — sorted.
    public var distroHealthyAddresses: [String] {
        self.members.values
            .filter { $0.address == self.selfAddress || $0.state.isDistroHealthy }
            .map(\.address)
            .sorted()
    }

    /// The member at `address`, or `nil`.
    public func member(_ address: String) -> ClusterMember? {
        self.members[address]
    }

    /// When `dueReports` next has something to do (in the past before its first call); `nil` when there
    /// is no peer.
    public var nextDeadline: Int64? {
        guard !self.peerAddresses.isEmpty else { return nil }
        guard let probe = self.nextProbeAt else { return self.nextReportAt }
        return min(self.nextReportAt, probe)
    }

    // MARK: - Reports

    /// The peers to report to at `now`: the next one round-robin when the report interval has passed, and
    /// every DOWN peer when the probe interval has passed; each is marked in flight until its outcome is
    /// fed back with `reportSucceeded` or `reportFailed`.
    public mutating func dueReports(now: Int64) -> [String] {
        guard !self.peerAddresses.isEmpty else { return [] }
        var due: [String] = []
        if now >= self.nextReportAt {
            self.nextReportAt = now + self.configuration.reportInterval.wholeMilliseconds
            if let next = self.nextRoundRobinPeer() {
                self.lastReported = next
                due.append(next)
            }
        }
        if let probeAt = self.nextProbeAt {
            if now >= probeAt {
                self.nextProbeAt = now + self.configuration.unhealthyProbeInterval.wholeMilliseconds
                for address in self.peerAddresses
                where self.members[address]?.state == .down && !self.inFlight.contains(address) && !due.contains(address) {
                    due.append(address)
                }
            }
        } else {
            self.nextProbeAt = now + self.configuration.unhealthyProbeInterval.wholeMilliseconds
        }
        self.inFlight.formUnion(due)
        return due
    }

    /// Records a successful report to `address`: the member is UP with no failures, and takes the
    /// `extendInfo` of `remote` (the member's answer about itself) when given.
    public mutating func reportSucceeded(to address: String, remote: ClusterMember?) -> [MemberChange] {
        self.inFlight.remove(address)
        return self.markUp(address, extendInfo: remote?.extendInfo)
    }

    /// Records a failed report to `address`: one more failure; DOWN beyond the limit, when `unreachable`,
    /// or when it already was; SUSPICIOUS otherwise.
    public mutating func reportFailed(to address: String, unreachable: Bool) -> [MemberChange] {
        self.inFlight.remove(address)
        guard address != self.selfAddress, var member = self.members[address] else { return [] }
        let previous = member.state
        member.failAccessCount += 1
        let down = unreachable || member.failAccessCount > self.configuration.failAccessLimit || previous == .down
        member.state = down ? .down : .suspicious
        self.members[address] = member
        return member.state == previous ? [] : [MemberChange(member: member, previousState: previous)]
    }

    /// Records a report received from `member` (it is alive): a known member is UP with no failures and
    /// takes the reported `extendInfo`; an unknown sender, or one claiming to be this node, is ignored.
    public mutating func reportReceived(from member: ClusterMember) -> [MemberChange] {
        self.markUp(member.address, extendInfo: member.extendInfo)
    }

    /// Replaces the member list (a changed `cluster.conf`): members that stay keep their health, new ones
    /// join with the state they are given, those missing leave; self always stays.
    public mutating func replaceMembers(_ members: [ClusterMember]) -> [MemberChange] {
        var table: [String: ClusterMember] = [self.selfAddress: self.members[self.selfAddress]!]
        var changes: [MemberChange] = []
        for member in members where table[member.address] == nil {
            if let existing = self.members[member.address] {
                table[member.address] = existing
            } else {
                table[member.address] = member
                changes.append(MemberChange(member: member, previousState: nil))
            }
        }
        for (address, member) in self.members where table[address] == nil {
            changes.append(MemberChange(member: member, previousState: member.state, removed: true))
            self.inFlight.remove(address)
        }
        self.members = table
        self.peerAddresses = table.keys.filter { $0 != self.selfAddress }.sorted()
        return changes.sorted { $0.member.address < $1.member.address }
    }

    // MARK: - Helpers

    private mutating func markUp(_ address: String, extendInfo: [String: String]?) -> [MemberChange] {
        guard address != self.selfAddress, var member = self.members[address] else { return [] }
        let previous = member.state
        member.state = .up
        member.failAccessCount = 0
        if let extendInfo { member.extendInfo = extendInfo }
        self.members[address] = member
        return previous == .up ? [] : [MemberChange(member: member, previousState: previous)]
    }

    /// The first peer after the last one reported, in address order and wrapping around, that has no
    /// report in flight.
    private func nextRoundRobinPeer() -> String? {
        let addresses = self.peerAddresses
        let start = self.lastReported.map { last in addresses.firstIndex { $0 > last } ?? 0 } ?? 0
        for offset in 0..<addresses.count {
            let candidate = addresses[(start + offset) % addresses.count]
            if !self.inFlight.contains(candidate) { return candidate }
        }
        return nil
    }
}
