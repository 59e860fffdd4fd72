public import NacosRemote
public import NacosTransport
import Synchronization

/// The members of the cluster and their health (Nacos's `ServerMemberManager`, reference §7.5): the I/O
/// shell of a `MemberHealthStateMachine`.
///
/// After `start()` a loop on the clock sends `MemberReportRequest{node: self}` to the peers the machine
/// says are due, through the `ClusterRequestSender` with `reportTimeout`, and feeds each outcome back
/// (`ClusterRequestError.unreachable` counts as a refused connection: DOWN at once). Whenever a member's
/// state changes, or members join or leave, every listener is called with all members — in the order
/// the changes happened, outside the lock (Nacos's `MembersChangeEvent`).
public final class ServerMemberManager: Sendable {
    private struct State: Sendable {
        var machine: MemberHealthStateMachine
        var listeners: [@Sendable ([ClusterMember]) -> Void] = []
        /// Member lists waiting to be delivered, oldest first.
        var pendingEvents: [[ClusterMember]] = []
        /// Whether some thread is delivering `pendingEvents` (it delivers those added meanwhile too).
        var delivering = false
        var loop: Task<Void, Never>?
        var started = false
        var stopped = false
    }

    /// This node as a member.
    public let selfMember: ClusterMember
    /// The timers and failure limit.
    public let configuration: ClusterMemberConfiguration
    private let sender: any ClusterRequestSender
    private let clock: any NacosClock
    private let logger: NacosLogger
    private let state: Mutex<State>

    /// Creates the manager; nothing is sent until `start()`.
    ///
    /// - Parameters:
    ///   - selfMember: this node (`ip` as peers reach it, the HTTP port).
    ///   - members: every member (self is added when missing).
    ///   - sender: carries the reports to the peers.
    public init(
        selfMember: ClusterMember,
        members: [ClusterMember],
        configuration: ClusterMemberConfiguration = ClusterMemberConfiguration(),
        sender: any ClusterRequestSender,
        clock: any NacosClock = NacosSystemClock(),
        logger: NacosLogger = NacosLogger(label: "nacos.cluster.member")
    ) {
        self.selfMember = selfMember
        self.configuration = configuration
        self.sender = sender
        self.clock = clock
        self.logger = logger
        self.state = Mutex(State(machine: MemberHealthStateMachine(selfMember: selfMember, members: members, configuration: configuration)))
    }

    // MARK: - Queries

    /// Every member, self included, sorted by address.
    public var allMembers: [ClusterMember] { self.state.withLock { $0.machine.allMembers } }

    /// Every member but self, sorted by address.
    public var peers: [ClusterMember] { self.state.withLock { $0.machine.peers } }

    /// The addresses of the members that own Distro data (UP or SUSPICIOUS, and self), sorted.
    public var distroHealthyAddresses: [String] { self.state.withLock { $0.machine.distroHealthyAddresses } }

    /// The member at `address` (`ip:port`), or `nil`.
    public func member(_ address: String) -> ClusterMember? {
        self.state.withLock { $0.machine.member(address) }
    }

    /// Adds a listener of member changes: it is called with all members after each change, in order,
    /// never under the manager's lock.
    public func addListener(_ listener: @escaping @Sendable ([ClusterMember]) -> Void) {
        self.state.withLock { $0.listeners.append(listener) }
    }

    // MARK: - Life cycle

    /// Starts reporting to the peers on the clock: the first report at once, then as the machine says.
    /// Later calls do nothing.
    public func start() {
        self.state.withLock { state in
            guard !state.started, !state.stopped else { return }
            state.started = true
            state.loop = Task { [weak self, clock] in
                var delay = Duration.zero
                while !Task.isCancelled {
                    if delay > .zero {
                        do { try await clock.sleep(for: delay) } catch { return }
                    }
                    guard let self else { return }
                    delay = self.runDueReportsInBackground()
                }
            }
        }
    }

    /// Stops the reports; reports in flight finish, but their outcomes are no longer applied.
    public func shutdown() {
        let loop = self.state.withLock { state -> Task<Void, Never>? in
            state.stopped = true
            defer { state.loop = nil }
            return state.loop
        }
        loop?.cancel()
    }

    // MARK: - Reports

    /// Sends the reports due at `now` and waits for their outcomes (tests drive the manager with it).
    public func reportOnce(now: Int64) async {
        let due = self.state.withLock { state in state.stopped ? [] : state.machine.dueReports(now: now) }
        await withTaskGroup(of: Void.self) { group in
            for address in due {
                group.addTask { await self.report(to: address) }
            }
        }
    }

    /// Records a report from `member` (it is alive: UP, no failures, its `extendInfo`) and returns this
    /// node as the answer; a sender that is not a member is ignored.
    @discardableResult
    public func handleReport(from member: ClusterMember) -> ClusterMember {
        self.apply { $0.reportReceived(from: member) }
        return self.selfMember
    }

    /// Replaces the member list (a changed `cluster.conf`): remaining members keep their health, new ones
    /// join, missing ones leave; listeners hear of it when anything changed.
    public func replaceMembers(_ members: [ClusterMember]) {
        self.apply { $0.replaceMembers(members) }
    }

    /// Starts the reports due now without waiting for them; returns how long to sleep before the next.
    private func runDueReportsInBackground() -> Duration {
        let now = self.clock.nowMillis()
        let (due, deadline) = self.state.withLock { state -> ([String], Int64?) in
            guard !state.stopped else { return ([], nil) }
            return (state.machine.dueReports(now: now), state.machine.nextDeadline)
        }
        for address in due {
            Task { await self.report(to: address) }
        }
        guard let deadline else { return self.configuration.reportInterval }
        return .milliseconds(max(1, deadline - now))
    }

    /// Sends this node's report to `address` and feeds the outcome to the machine.
    private func report(to address: String) async {
        let request = MemberReportRequest(node: self.selfMember)
        do {
            let response = try await self.sender.send(
                request,
                to: address,
                expecting: MemberReportResponse.self,
                timeout: self.configuration.reportTimeout
            )
            self.apply { $0.reportSucceeded(to: address, remote: response.node) }
        } catch let error as ClusterRequestError {
            self.logger.debug("member report to \(address) failed: \(error)")
            self.apply { $0.reportFailed(to: address, unreachable: error.kind == .unreachable) }
        } catch {
            self.logger.debug("member report to \(address) failed: \(error)")
            self.apply { $0.reportFailed(to: address, unreachable: false) }
        }
    }

    // MARK: - Changes

    /// Runs one input on the machine under the lock and, when members changed, delivers the new member
    /// list to the listeners outside the lock, in the order the changes were made.
    private func apply(_ input: (inout MemberHealthStateMachine) -> [MemberChange]) {
        let (changes, deliver) = self.state.withLock { state -> ([MemberChange], Bool) in
            guard !state.stopped else { return ([], false) }
            let changes = input(&state.machine)
            guard !changes.isEmpty else { return ([], false) }
            state.pendingEvents.append(state.machine.allMembers)
            guard !state.delivering else { return (changes, false) }
            state.delivering = true
            return (changes, true)
        }
        for change in changes { self.log(change) }
        if deliver { self.deliverPendingEvents() }
    }

    /// Delivers queued member lists until none is left; one thread at a time does this.
    private func deliverPendingEvents() {
        while true {
            let next = self.state.withLock { state -> ([ClusterMember], [@Sendable ([ClusterMember]) -> Void])? in
                guard !state.pendingEvents.isEmpty else {
                    state.delivering = false
                    return nil
                }
                return (state.pendingEvents.removeFirst(), state.listeners)
            }
            guard let (members, listeners) = next else { return }
            for listener in listeners { listener(members) }
        }
    }

    private func log(_ change: MemberChange) {
        let address = change.member.address
        if change.removed {
            self.logger.info("member \(address) left the cluster")
        } else if let previous = change.previousState {
            let message = "member \(address) is \(change.member.state.rawValue) (was \(previous.rawValue), failed reports: \(change.member.failAccessCount))"
            if change.member.state == .down { self.logger.warning(message) } else { self.logger.info(message) }
        } else {
            self.logger.info("member \(address) joined the cluster as \(change.member.state.rawValue)")
        }
    }
}
