import NacosRemote

/// The Distro protocol's decisions (reference §7.3) as a pure value: the shell feeds it membership, the
/// registry's client events and the outcome of each request, and performs the `DistroAction`s it returns.
/// Time is passed in as epoch milliseconds.
///
/// - Sync: a changed or deleted client is queued for every peer, merged per (client, peer) for
///   `syncDelay`; a failed sync is queued again after `syncRetryDelay` for as long as its target is a peer.
///   At most one sync per (client, peer) is in flight, so a peer never sees them out of order, and at
///   most `maxConcurrentSyncs` in all; each `.sync` must be answered with `syncFinished`.
/// - Verify: once initialized, every `verifyInterval` a `.verify(target:)` per peer.
/// - Load: at start, a snapshot from each peer in turn until one succeeds; when all fail, the whole load
///   again after `loadRetryDelay`. No peer ⇒ initialized at once.
///
/// The shell arms its timer for `nextDeadline` after every call and calls `tick(now:)` when it fires.
public struct DistroStateMachine: Sendable {
    private enum LoadState: Sendable, Equatable {
        case notStarted
        case loading(from: String, order: [String])
        case waitingToRetry(until: Int64)
        case finished
    }

    /// The timers and bounds.
    public let configuration: DistroConfiguration
    /// This node's `ip:port`.
    public let selfAddress: String
    /// The other members data is replicated to, in the order given (self and duplicates left out).
    public private(set) var peers: [String] = []

    private var load = LoadState.notStarted
    private var queue = DistroDelayTaskQueue()
    private var inFlight: Set<DistroTaskKey> = []
    private var nextVerify: Int64?
    private let syncDelay: Int64
    private let syncRetryDelay: Int64
    private let verifyInterval: Int64
    private let loadRetryDelay: Int64
    private let maxConcurrentSyncs: Int

    /// Creates a machine that has not started loading.
    public init(configuration: DistroConfiguration, selfAddress: String) {
        self.configuration = configuration
        self.selfAddress = selfAddress
        self.syncDelay = max(0, configuration.syncDelay.wholeMilliseconds)
        self.syncRetryDelay = max(1, configuration.syncRetryDelay.wholeMilliseconds)
        self.verifyInterval = max(1, configuration.verifyInterval.wholeMilliseconds)
        self.loadRetryDelay = max(1, configuration.loadRetryDelay.wholeMilliseconds)
        self.maxConcurrentSyncs = max(1, configuration.maxConcurrentSyncs)
    }

    /// Whether the start-up load has finished (verify rounds run only then).
    public var isInitialized: Bool { self.load == .finished }

    /// The number of syncs waiting in the queue (held ones included).
    public var pendingSyncCount: Int { self.queue.count }

    /// The number of syncs handed out and not yet reported with `syncFinished`.
    public var inFlightSyncCount: Int { self.inFlight.count }

    /// Whether a sync of `key` has been handed out and not yet reported with `syncFinished`.
    public func isSyncInFlight(_ key: DistroTaskKey) -> Bool { self.inFlight.contains(key) }

    /// The earliest time at which `tick(now:)` has something to do, or `nil` when nothing is scheduled.
    /// Syncs that wait for a free slot (`maxConcurrentSyncs`) are not counted: `syncFinished` frees one.
    public var nextDeadline: Int64? {
        var earliest: Int64?
        func consider(_ time: Int64?) {
            guard let time else { return }
            earliest = min(earliest ?? time, time)
        }
        if case .waitingToRetry(let until) = self.load { consider(until) }
        if self.inFlight.count < self.maxConcurrentSyncs { consider(self.queue.nextDeadline) }
        if self.isInitialized { consider(self.nextVerify) }
        return earliest
    }

    // MARK: - Membership and load

    /// Starts the start-up load from `peers` in order; with no peer the node is initialized at once.
    /// A second call does nothing.
    public mutating func start(peers: [String], now: Int64) -> [DistroAction] {
        guard self.load == .notStarted else { return [] }
        self.peers = self.normalized(peers)
        return self.beginLoad(now: now)
    }

    /// Replaces the peers; queued syncs to members that left are dropped. When the node was waiting to
    /// retry its load and no peer is left, it is initialized.
    public mutating func membersChanged(peers: [String], now: Int64) -> [DistroAction] {
        let current = self.normalized(peers)
        let remaining = Set(current)
        for gone in self.peers where !remaining.contains(gone) {
            self.queue.removeAll(target: gone)
        }
        self.peers = current
        if case .waitingToRetry = self.load, current.isEmpty {
            return self.finishLoad(now: now)
        }
        return []
    }

    /// Records the outcome of a `.loadSnapshot(from:)`: success initializes the node; failure moves to the
    /// next member of this round that is still a peer, and after the last one waits `loadRetryDelay`
    /// before a new round (or initializes when no peer is left). Outcomes of other loads are ignored.
    public mutating func loadFinished(from member: String, success: Bool, now: Int64) -> [DistroAction] {
        guard case .loading(let current, let order) = self.load, current == member else { return [] }
        if success { return self.finishLoad(now: now) }
        if let index = order.firstIndex(of: current) {
            for candidate in order[(index + 1)...] where self.peers.contains(candidate) {
                self.load = .loading(from: candidate, order: order)
                return [.loadSnapshot(from: candidate)]
            }
        }
        if self.peers.isEmpty { return self.finishLoad(now: now) }
        self.load = .waitingToRetry(until: now + self.loadRetryDelay)
        return []
    }

    // MARK: - Client events

    /// Queues a CHANGE of `clientId` to every peer, due `syncDelay` from now (merged with pending ones).
    public mutating func clientChanged(_ clientId: String, now: Int64) {
        self.enqueue(clientId, operation: .change, deadline: now + self.syncDelay)
    }

    /// Queues a DELETE of `clientId` to every peer, due `syncDelay` from now (merged with pending ones).
    public mutating func clientDeleted(_ clientId: String, now: Int64) {
        self.enqueue(clientId, operation: .delete, deadline: now + self.syncDelay)
    }

    /// Queues an ADD of `clientId`'s whole data to `target`, due now, after `target` failed to verify it.
    public mutating func verifyFailed(clientId: String, target: String, now: Int64) {
        guard self.peers.contains(target) else { return }
        self.queue.add(DistroTaskKey(clientId: clientId, target: target), operation: .add, deadline: now)
    }

    /// Records the outcome of a `.sync`: a failure to a target that is still a peer is queued again after
    /// `syncRetryDelay`, unless a newer task for the same key is already queued (it supersedes the retry).
    public mutating func syncFinished(_ task: DistroDelayTask, success: Bool, now: Int64) {
        if self.inFlight.remove(task.key) != nil {
            self.queue.release(task.key)
        }
        guard !success, self.peers.contains(task.key.target), !self.queue.contains(task.key) else { return }
        self.queue.add(task.key, operation: task.operation, deadline: now + self.syncRetryDelay)
    }

    // MARK: - Time

    /// Returns what is due at `now`: a load retry, the due syncs (in deadline order, within the in-flight
    /// bounds), and a verify round per peer when one is due.
    public mutating func tick(now: Int64) -> [DistroAction] {
        var actions: [DistroAction] = []
        if case .waitingToRetry(let until) = self.load, now >= until {
            actions += self.beginLoad(now: now)
        }
        while self.inFlight.count < self.maxConcurrentSyncs, let task = self.queue.popDue(now: now) {
            self.inFlight.insert(task.key)
            self.queue.hold(task.key)
            actions.append(.sync(task))
        }
        if self.isInitialized, let due = self.nextVerify, now >= due {
            actions += self.peers.map { .verify(target: $0) }
            self.nextVerify = now + self.verifyInterval
        }
        return actions
    }

    // MARK: - Helpers

    private mutating func enqueue(_ clientId: String, operation: DataOperation, deadline: Int64) {
        for peer in self.peers {
            self.queue.add(DistroTaskKey(clientId: clientId, target: peer), operation: operation, deadline: deadline)
        }
    }

    private mutating func beginLoad(now: Int64) -> [DistroAction] {
        guard let first = self.peers.first else { return self.finishLoad(now: now) }
        self.load = .loading(from: first, order: self.peers)
        return [.loadSnapshot(from: first)]
    }

    private mutating func finishLoad(now: Int64) -> [DistroAction] {
        self.load = .finished
        self.nextVerify = now + self.verifyInterval
        return [.initialized]
    }

    private func normalized(_ peers: [String]) -> [String] {
        var seen: Set<String> = [self.selfAddress]
        return peers.filter { seen.insert($0).inserted }
    }
}
