import NacosDistro
import Testing

@Suite("DistroStateMachine")
struct DistroStateMachineTests {
    private static let selfAddress = "10.0.0.1:8848"
    private static let peerB = "10.0.0.2:8848"
    private static let peerC = "10.0.0.3:8848"

    /// syncDelay 20 ms, syncRetryDelay 3 s, verifyInterval 5 s, loadRetryDelay 1 s (the defaults).
    private static func machine(maxConcurrentSyncs: Int = 256) -> DistroStateMachine {
        var configuration = DistroConfiguration()
        configuration.maxConcurrentSyncs = maxConcurrentSyncs
        return DistroStateMachine(configuration: configuration, selfAddress: Self.selfAddress)
    }

    /// A machine with peers B and C whose load from B succeeded at time 0.
    private static func initialized(maxConcurrentSyncs: Int = 256) -> DistroStateMachine {
        var machine = Self.machine(maxConcurrentSyncs: maxConcurrentSyncs)
        _ = machine.start(peers: [Self.peerB, Self.peerC], now: 0)
        _ = machine.loadFinished(from: Self.peerB, success: true, now: 0)
        return machine
    }

    private static func sync(_ client: String, _ target: String, _ operation: DataOperation, _ deadline: Int64) -> DistroAction {
        .sync(DistroDelayTask(key: DistroTaskKey(clientId: client, target: target), operation: operation, deadline: deadline))
    }

    private static func task(_ client: String, _ target: String, _ operation: DataOperation, _ deadline: Int64) -> DistroDelayTask {
        DistroDelayTask(key: DistroTaskKey(clientId: client, target: target), operation: operation, deadline: deadline)
    }

    // MARK: - Load

    @Test("no peer: initialized at once; verify rounds need a peer")
    func startAlone() {
        var machine = Self.machine()
        #expect(!machine.isInitialized)
        #expect(machine.start(peers: [Self.selfAddress], now: 0) == [.initialized])
        #expect(machine.isInitialized)
        #expect(machine.peers.isEmpty)
        #expect(machine.start(peers: [Self.peerB], now: 1) == [])
        #expect(machine.tick(now: 5_000) == [])
    }

    @Test("load tries peers in order, then retries the whole round after loadRetryDelay")
    func loadOrderAndRetry() {
        var machine = Self.machine()
        #expect(machine.start(peers: [Self.peerB, Self.selfAddress, Self.peerC, Self.peerB], now: 0) == [.loadSnapshot(from: Self.peerB)])
        #expect(machine.peers == [Self.peerB, Self.peerC])
        #expect(machine.nextDeadline == nil)
        // Outcomes of loads not in progress are ignored.
        #expect(machine.loadFinished(from: Self.peerC, success: true, now: 5) == [])
        #expect(machine.loadFinished(from: Self.peerB, success: false, now: 10) == [.loadSnapshot(from: Self.peerC)])
        #expect(machine.loadFinished(from: Self.peerC, success: false, now: 20) == [])
        #expect(!machine.isInitialized)
        #expect(machine.nextDeadline == 1_020)
        #expect(machine.tick(now: 1_019) == [])
        #expect(machine.tick(now: 1_020) == [.loadSnapshot(from: Self.peerB)])
        #expect(machine.nextDeadline == nil)
        #expect(machine.loadFinished(from: Self.peerB, success: false, now: 1_030) == [.loadSnapshot(from: Self.peerC)])
        #expect(machine.loadFinished(from: Self.peerC, success: true, now: 1_040) == [.initialized])
        #expect(machine.isInitialized)
        #expect(machine.loadFinished(from: Self.peerC, success: true, now: 1_050) == [])
    }

    @Test("a failed load skips members that left; with no peer left the node is initialized")
    func loadFollowsMembership() {
        var machine = Self.machine()
        _ = machine.start(peers: [Self.peerB, Self.peerC], now: 0)
        #expect(machine.membersChanged(peers: [Self.selfAddress, Self.peerB], now: 1) == [])
        #expect(machine.loadFinished(from: Self.peerB, success: false, now: 2) == [])
        #expect(machine.nextDeadline == 1_002)
        #expect(machine.membersChanged(peers: [Self.selfAddress], now: 3) == [.initialized])
        #expect(machine.isInitialized)
    }

    // MARK: - Sync

    @Test("a change syncs to every peer after syncDelay, merged with later changes")
    func changesMerge() {
        var machine = Self.initialized()
        machine.clientChanged("c1", now: 100)
        machine.clientChanged("c1", now: 110)
        #expect(machine.nextDeadline == 120)
        #expect(machine.tick(now: 119) == [])
        machine.clientDeleted("c1", now: 115)
        #expect(machine.pendingSyncCount == 2)
        // The first change's deadline holds; the newest operation wins.
        #expect(machine.tick(now: 120) == [Self.sync("c1", Self.peerB, .delete, 120), Self.sync("c1", Self.peerC, .delete, 120)])
        #expect(machine.inFlightSyncCount == 2)
        #expect(machine.pendingSyncCount == 0)
    }

    @Test("syncs happen before the load finishes too")
    func syncsBeforeInitialized() {
        var machine = Self.machine()
        _ = machine.start(peers: [Self.peerB], now: 0)
        machine.clientChanged("c1", now: 0)
        #expect(machine.nextDeadline == 20)
        #expect(machine.tick(now: 20) == [Self.sync("c1", Self.peerB, .change, 20)])
    }

    @Test("a failed sync is retried after syncRetryDelay for as long as the target is a peer")
    func retries() {
        // Still loading, so that no verify round interleaves.
        var machine = Self.machine()
        _ = machine.start(peers: [Self.peerB, Self.peerC], now: 0)
        machine.clientChanged("c1", now: 0)
        var now: Int64 = 20
        let first = machine.tick(now: now)
        #expect(first.count == 2)
        machine.syncFinished(Self.task("c1", Self.peerB, .change, 20), success: true, now: now)
        var failed = Self.task("c1", Self.peerC, .change, 20)
        for _ in 0..<3 {
            machine.syncFinished(failed, success: false, now: now)
            #expect(machine.pendingSyncCount == 1)
            #expect(machine.nextDeadline == now + 3_000)
            #expect(machine.tick(now: now + 2_999) == [])
            now += 3_000
            failed = Self.task("c1", Self.peerC, .change, now)
            #expect(machine.tick(now: now) == [.sync(failed)])
        }
        // C leaves while the sync is in flight: the failure is dropped.
        #expect(machine.membersChanged(peers: [Self.peerB], now: now) == [])
        machine.syncFinished(failed, success: false, now: now)
        #expect(machine.pendingSyncCount == 0)
        #expect(machine.inFlightSyncCount == 0)
    }

    @Test("a queued newer task supersedes the retry of a failed one")
    func newerTaskSupersedesRetry() {
        var machine = Self.machine()
        _ = machine.start(peers: [Self.peerB], now: 0)
        machine.clientDeleted("c1", now: 0)
        let delete = Self.task("c1", Self.peerB, .delete, 20)
        #expect(machine.tick(now: 20) == [.sync(delete)])
        // The client comes back while the DELETE is in flight: the CHANGE waits for it.
        machine.clientChanged("c1", now: 30)
        #expect(machine.pendingSyncCount == 1)
        #expect(machine.nextDeadline == nil)
        #expect(machine.tick(now: 50) == [])
        machine.syncFinished(delete, success: false, now: 60)
        #expect(machine.nextDeadline == 50)
        #expect(machine.tick(now: 60) == [Self.sync("c1", Self.peerB, .change, 50)])
    }

    @Test("one sync per (client, peer) is in flight at a time")
    func serializesPerKey() {
        var machine = Self.machine()
        _ = machine.start(peers: [Self.peerB], now: 0)
        machine.clientChanged("c1", now: 0)
        machine.clientChanged("c2", now: 0)
        let c1 = Self.task("c1", Self.peerB, .change, 20)
        #expect(machine.tick(now: 20) == [.sync(c1), Self.sync("c2", Self.peerB, .change, 20)])
        machine.clientChanged("c1", now: 25)
        machine.clientDeleted("c1", now: 30)
        #expect(machine.tick(now: 100) == [])
        machine.syncFinished(c1, success: true, now: 100)
        #expect(machine.nextDeadline == 45)
        #expect(machine.tick(now: 100) == [Self.sync("c1", Self.peerB, .delete, 45)])
    }

    @Test("at most maxConcurrentSyncs are in flight; a finished one frees a slot")
    func boundsInFlight() {
        var machine = Self.machine(maxConcurrentSyncs: 2)
        _ = machine.start(peers: [Self.peerB], now: 0)
        for client in ["c1", "c2", "c3"] { machine.clientChanged(client, now: 0) }
        let actions = machine.tick(now: 20)
        #expect(actions == [Self.sync("c1", Self.peerB, .change, 20), Self.sync("c2", Self.peerB, .change, 20)])
        #expect(machine.nextDeadline == nil)
        #expect(machine.tick(now: 30) == [])
        machine.syncFinished(Self.task("c2", Self.peerB, .change, 20), success: true, now: 40)
        #expect(machine.nextDeadline == 20)
        #expect(machine.tick(now: 40) == [Self.sync("c3", Self.peerB, .change, 20)])
    }

    @Test("verify-failed sends an ADD now, only to a peer")
    func verifyFailed() {
        var machine = Self.initialized()
        machine.verifyFailed(clientId: "c1", target: "10.0.0.9:8848", now: 100)
        #expect(machine.pendingSyncCount == 0)
        machine.clientChanged("c1", now: 90)
        machine.verifyFailed(clientId: "c1", target: Self.peerB, now: 100)
        #expect(machine.nextDeadline == 100)
        #expect(machine.tick(now: 100) == [Self.sync("c1", Self.peerB, .add, 100)])
        #expect(machine.tick(now: 110) == [Self.sync("c1", Self.peerC, .change, 110)])
    }

    @Test("members that leave lose their queued syncs; new members get new ones")
    func membershipDropsTasks() {
        var machine = Self.initialized()
        machine.clientChanged("c1", now: 0)
        #expect(machine.pendingSyncCount == 2)
        #expect(machine.membersChanged(peers: [Self.selfAddress, Self.peerB], now: 5) == [])
        #expect(machine.pendingSyncCount == 1)
        #expect(machine.peers == [Self.peerB])
        _ = machine.membersChanged(peers: [Self.peerB, "10.0.0.4:8848"], now: 6)
        machine.clientChanged("c2", now: 10)
        #expect(
            machine.tick(now: 30) == [
                Self.sync("c1", Self.peerB, .change, 20),
                Self.sync("c2", Self.peerB, .change, 30),
                Self.sync("c2", "10.0.0.4:8848", .change, 30),
            ]
        )
    }

    // MARK: - Verify and deadlines

    @Test("verify rounds run only once initialized, one per peer every verifyInterval")
    func verifyRounds() {
        var machine = Self.machine()
        _ = machine.start(peers: [Self.peerB, Self.peerC], now: 0)
        #expect(machine.tick(now: 10_000) == [])
        #expect(machine.loadFinished(from: Self.peerB, success: true, now: 10_000) == [.initialized])
        #expect(machine.nextDeadline == 15_000)
        #expect(machine.tick(now: 14_999) == [])
        #expect(machine.tick(now: 15_000) == [.verify(target: Self.peerB), .verify(target: Self.peerC)])
        #expect(machine.nextDeadline == 20_000)
        #expect(machine.tick(now: 19_000) == [])
        // A late tick verifies once and schedules the next round from then.
        #expect(machine.tick(now: 23_000) == [.verify(target: Self.peerB), .verify(target: Self.peerC)])
        #expect(machine.nextDeadline == 28_000)
    }

    @Test("nextDeadline is always the earliest pending time")
    func nextDeadlineIsEarliest() {
        var machine = Self.initialized()
        #expect(machine.nextDeadline == 5_000)
        machine.clientChanged("c1", now: 4_000)
        #expect(machine.nextDeadline == 4_020)
        let actions = machine.tick(now: 4_020)
        #expect(actions.count == 2)
        #expect(machine.nextDeadline == 5_000)
        machine.syncFinished(Self.task("c1", Self.peerB, .change, 4_020), success: false, now: 4_500)
        #expect(machine.nextDeadline == 5_000)
        #expect(machine.tick(now: 5_000) == [.verify(target: Self.peerB), .verify(target: Self.peerC)])
        #expect(machine.nextDeadline == 7_500)
        machine.verifyFailed(clientId: "c9", target: Self.peerC, now: 6_000)
        #expect(machine.nextDeadline == 6_000)
        #expect(machine.tick(now: 6_000) == [Self.sync("c9", Self.peerC, .add, 6_000)])
        #expect(machine.tick(now: 7_500) == [Self.sync("c1", Self.peerB, .change, 7_500)])
        #expect(machine.nextDeadline == 10_000)
    }
}
