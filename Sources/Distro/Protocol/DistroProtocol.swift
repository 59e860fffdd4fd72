public import NacosNaming
public import NacosRemote
public import NacosTransport
import Synchronization

/// The I/O shell of Distro (Nacos's `DistroProtocol` with its delay and execute engines): it feeds the
/// registry's client events, the member list and the clock into a `DistroStateMachine`, and carries out
/// the actions it returns — sync, verify and snapshot requests to peers through a `ClusterRequestSender`
/// (the machine keeps at most `maxConcurrentSyncs` syncs in flight, one per client and peer).
///
/// The machine decides what and when; this type only reads the registry at send time and reports each
/// outcome back, so every rule of the protocol is tested on the machine with a manual clock.
public final class DistroProtocol: Sendable {
    private struct State: Sendable {
        var machine: DistroStateMachine
        var timer: (any NacosTimer)?
        var timerDeadline: Int64?
        var started = false
        var stopped = false
        /// The queries waiting for a sync in flight, by the sync's key and a waiter number.
        var syncWaiters: [DistroTaskKey: [UInt64: CheckedContinuation<Void, Never>]] = [:]
        var nextWaiter: UInt64 = 0
    }

    /// The settings the protocol runs with.
    public let configuration: DistroConfiguration
    /// This node's `ip:port`.
    public let selfAddress: String
    private let registry: NamingRegistry
    private let processor: DistroClientDataProcessor
    private let sender: any ClusterRequestSender
    private let clock: any NacosClock
    private let logger: NacosLogger
    private let state: Mutex<State>
    private let counters = DistroCounters()

    /// Creates the protocol for `registry`; nothing is sent until `start(peers:)`.
    public init(
        configuration: DistroConfiguration,
        selfAddress: String,
        registry: NamingRegistry,
        processor: DistroClientDataProcessor,
        sender: any ClusterRequestSender,
        clock: any NacosClock,
        logger: NacosLogger
    ) {
        self.configuration = configuration
        self.selfAddress = selfAddress
        self.registry = registry
        self.processor = processor
        self.sender = sender
        self.clock = clock
        self.logger = logger
        self.state = Mutex(State(machine: DistroStateMachine(configuration: configuration, selfAddress: selfAddress)))
    }

    /// Whether the start-up snapshot has been loaded (or there was no peer to load from): readiness and
    /// verification wait for it.
    public var isInitialized: Bool { self.state.withLock { $0.machine.isInitialized } }

    /// The sync, verify and load outcomes so far.
    public var statistics: DistroStatistics { self.counters.snapshot }

    /// How many queries wait for a sync in flight (`waitForSyncInFlight`).
    public var waitingQueryCount: Int { self.state.withLock { $0.syncWaiters.values.reduce(0) { $0 + $1.count } } }

    /// Subscribes to the registry's client events and starts loading the snapshot from `peers` (the other
    /// members' addresses). Later calls do nothing.
    public func start(peers: [String]) {
        let first = self.state.withLock { state -> Bool in
            defer { state.started = true }
            return !state.started && !state.stopped
        }
        guard first else { return }
        self.registry.events.subscribe(name: "distro", accepts: { event in
            switch event {
            case .clientChanged, .clientDisconnect: true
            default: false
            }
        }) { [weak self] event in
            self?.handle(event)
        }
        self.drive { $0.start(peers: peers, now: $1) }
    }

    /// Tells the protocol the other members changed (added, removed): queued work for members that left is
    /// dropped, and new members are synced from then on.
    public func membersChanged(peers: [String]) {
        self.drive { $0.membersChanged(peers: peers, now: $1) }
    }

    /// Stops the timer; requests in flight finish but nothing new is sent. Queries waiting for a sync
    /// (`waitForSyncInFlight`) go on at once.
    public func shutdown() {
        let (timer, waiters) = self.state.withLock { state -> ((any NacosTimer)?, [CheckedContinuation<Void, Never>]) in
            state.stopped = true
            defer {
                state.timer = nil
                state.syncWaiters = [:]
            }
            return (state.timer, state.syncWaiters.values.flatMap(\.values))
        }
        timer?.cancel()
        for waiter in waiters { waiter.resume() }
    }

    // MARK: - Read-your-writes

    /// Waits until no sync of client `clientId` to member `target` is in flight any more, for at most
    /// `timeout` of the clock's time; returns at once when none is.
    ///
    /// A QUERY from `target` waits here before it reads the client's data: a sync in flight may carry data
    /// read before a write `target` just forwarded here, and must reach `target` before the newer answer
    /// does, or it would overwrite it there. A sync sent later reads the data when it is sent, so it is
    /// never older than the answer.
    public func waitForSyncInFlight(clientId: String, to target: String, timeout: Duration) async {
        let key = DistroTaskKey(clientId: clientId, target: target)
        guard self.state.withLock({ !$0.stopped && $0.machine.isSyncInFlight(key) }) else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waiter = self.state.withLock { state -> UInt64? in
                guard !state.stopped, state.machine.isSyncInFlight(key) else { return nil }
                let waiter = state.nextWaiter
                state.nextWaiter &+= 1
                state.syncWaiters[key, default: [:]][waiter] = continuation
                return waiter
            }
            guard let waiter else {
                continuation.resume()
                return
            }
            self.clock.schedule(after: timeout, on: nil) { [weak self] in
                self?.resumeSyncWaiter(key, waiter)
            }
        }
    }

    /// Asks `member` (the one responsible for client `clientId`) for the client's current data (a Distro
    /// QUERY) and applies the answer as a sync from it: the synced copy publishes what the member's
    /// client publishes, or is removed when the member holds no such client. The query names this node
    /// (`targetServer`), so the member first lets a sync in flight to this node arrive.
    ///
    /// A node calls this after it forwarded an instance write to `member`, before it answers the client,
    /// so that the client reads its own write here without waiting for the sync (`syncDelay`). Nothing is
    /// done for a client this node is responsible for itself. Returns whether the copy is now the member's
    /// data; a failure (no answer within `timeout`, an error, data that does not decode) is logged.
    @discardableResult
    public func refreshClient(_ clientId: String, from member: String, timeout: Duration) async -> Bool {
        guard member != self.selfAddress, !self.processor.shouldSync(clientId: clientId) else { return true }
        let success = await self.query(clientId, from: member, timeout: timeout)
        self.counters.recordQuery(success: success)
        return success
    }

    private func query(_ clientId: String, from member: String, timeout: Duration) async -> Bool {
        let key = DistroKey(resourceKey: clientId, resourceType: DistroKey.clientDataType, targetServer: self.selfAddress)
        let request = DistroDataRequest(distroData: DistroData(distroKey: key, type: .query), dataOperation: .query)
        do {
            let response = try await self.sender.send(request, to: member, expecting: DistroDataResponse.self, timeout: timeout)
            guard let content = response.distroData?.content, !content.isEmpty else {
                self.processor.remove(clientId: clientId)
                return true
            }
            let data = try ClientSyncData(jsonBytes: content)
            guard data.clientId == clientId else {
                self.logger.warning("distro: \(member) answered the query of \(clientId) after a forwarded write with client \(data.clientId)")
                return false
            }
            self.processor.apply(data)
            return true
        } catch {
            self.logger.warning("distro: querying \(clientId) from \(member) after a forwarded write failed: \(error)")
            return false
        }
    }

    private func resumeSyncWaiter(_ key: DistroTaskKey, _ waiter: UInt64) {
        let continuation = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            let continuation = state.syncWaiters[key]?.removeValue(forKey: waiter)
            if state.syncWaiters[key]?.isEmpty == true { state.syncWaiters[key] = nil }
            return continuation
        }
        continuation?.resume()
    }

    private func resumeSyncWaiters(_ key: DistroTaskKey) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.machine.isSyncInFlight(key) else { return [] }
            return state.syncWaiters.removeValue(forKey: key).map { Array($0.values) } ?? []
        }
        for waiter in waiters { waiter.resume() }
    }

    // MARK: - Inputs

    private func handle(_ event: RegistryEvent) {
        switch event {
        case .clientChanged(let clientId):
            guard self.processor.shouldSync(clientId: clientId) else { return }
            self.drive { machine, now in
                machine.clientChanged(clientId, now: now)
                return []
            }
        case .clientDisconnect(let clientId, let isNative):
            guard self.processor.shouldSync(clientId: clientId, isNative: isNative) else { return }
            self.drive { machine, now in
                machine.clientDeleted(clientId, now: now)
                return []
            }
        default:
            return
        }
    }

    private func tick() {
        self.state.withLock { state in
            state.timer = nil
            state.timerDeadline = nil
        }
        self.drive { $0.tick(now: $1) }
    }

    /// Runs one input on the machine under the lock, re-arms the timer for the machine's next deadline, and
    /// carries out the returned actions outside the lock.
    private func drive(_ input: (inout DistroStateMachine, Int64) -> [DistroAction]) {
        let now = self.clock.nowMillis()
        let (actions, staleTimer) = self.state.withLock { state -> ([DistroAction], (any NacosTimer)?) in
            guard !state.stopped else { return ([], nil) }
            let actions = input(&state.machine, now)
            return (actions, self.rearm(&state, now: now))
        }
        staleTimer?.cancel()
        for action in actions { self.perform(action) }
    }

    /// Schedules the timer for the machine's next deadline when it is earlier than the armed one; returns
    /// the timer it replaced.
    private func rearm(_ state: inout State, now: Int64) -> (any NacosTimer)? {
        guard let deadline = state.machine.nextDeadline else { return nil }
        if let armed = state.timerDeadline, armed <= deadline { return nil }
        let replaced = state.timer
        state.timerDeadline = deadline
        state.timer = self.clock.schedule(after: .milliseconds(max(0, deadline - now)), on: nil) { [weak self] in
            self?.tick()
        }
        return replaced
    }

    // MARK: - Actions

    private func perform(_ action: DistroAction) {
        switch action {
        case .sync(let task):
            Task {
                let success = await self.send(task)
                self.counters.recordSync(success: success)
                self.drive { machine, now in
                    machine.syncFinished(task, success: success, now: now)
                    return []
                }
                self.resumeSyncWaiters(task.key)
            }
        case .verify(let target):
            Task { await self.verify(with: target) }
        case .loadSnapshot(let member):
            Task { await self.loadSnapshot(from: member) }
        case .initialized:
            self.logger.info("distro: initial load finished; verifying every \(self.configuration.verifyInterval)")
        }
    }

    /// Sends one sync; a CHANGE or ADD reads the client's data now, and a client already gone needs nothing.
    private func send(_ task: DistroDelayTask) async -> Bool {
        let key = DistroKey(resourceKey: task.key.clientId, resourceType: DistroKey.clientDataType, targetServer: task.key.target)
        let content: [UInt8]
        switch task.operation {
        case .delete:
            content = []
        default:
            guard let data = self.processor.syncData(clientId: task.key.clientId) else { return true }
            content = data.jsonBytes()
        }
        let request = DistroDataRequest(
            distroData: DistroData(distroKey: key, type: task.operation, content: content),
            dataOperation: task.operation
        )
        do {
            _ = try await self.sender.send(request, to: task.key.target, expecting: DistroDataResponse.self, timeout: self.configuration.syncTimeout)
            return true
        } catch {
            self.logger.debug("distro: \(task.operation.rawValue) of \(task.key.clientId) to \(task.key.target) failed: \(error)")
            return false
        }
    }

    /// Sends (clientId, revision) of every client this node is responsible for to `target`, in batches; each
    /// client the target fails is sent again whole, at once.
    private func verify(with target: String) async {
        let infos = self.processor.responsibleVerifyInfos()
        var failed: [String] = []
        var start = 0
        while start < infos.count {
            let batch = Array(infos[start..<min(infos.count, start + max(1, self.configuration.verifyBatchSize))])
            start += batch.count
            let key = DistroKey(resourceKey: "", resourceType: DistroKey.clientDataType, targetServer: self.selfAddress)
            let request = DistroDataRequest(
                distroData: DistroData(distroKey: key, type: .verify, content: DistroClientVerifyInfo.encodeList(batch)),
                dataOperation: .verify
            )
            do {
                let response = try await self.sender.send(
                    request,
                    to: target,
                    expecting: DistroDataResponse.self,
                    timeout: self.configuration.verifyTimeout
                )
                failed += try DistroClientVerifyInfo.decodeFailedClientIds(response.distroData?.content ?? Array("[]".utf8))
            } catch {
                self.logger.debug("distro: verify with \(target) failed: \(error)")
                self.counters.recordVerify(success: false)
                return
            }
        }
        self.counters.recordVerify(success: true)
        guard !failed.isEmpty else { return }
        self.logger.debug("distro: \(target) failed to verify \(failed.count) clients; sending them whole")
        self.drive { machine, now in
            for clientId in failed { machine.verifyFailed(clientId: clientId, target: target, now: now) }
            return []
        }
    }

    private func loadSnapshot(from member: String) async {
        let request = DistroDataRequest(distroData: nil, dataOperation: .snapshot)
        var success = false
        do {
            let response = try await self.sender.send(request, to: member, expecting: DistroDataResponse.self, timeout: self.configuration.loadTimeout)
            let snapshot = try ClientSyncDatumSnapshot(jsonBytes: response.distroData?.content ?? [])
            self.processor.applySnapshot(snapshot)
            self.logger.info("distro: loaded \(snapshot.clientSyncDataList.count) clients from \(member)")
            success = true
        } catch {
            self.logger.warning("distro: loading the snapshot from \(member) failed: \(error)")
        }
        self.counters.recordLoad(success: success)
        self.drive { $0.loadFinished(from: member, success: success, now: $1) }
    }

}
