import NacosNamingAPI
public import NacosRemote
public import NacosTransport
import Synchronization

/// Pushes service changes to subscribers (Nacos's `NamingSubscriberServiceV2Impl` with its
/// `PushDelayTaskExecuteEngine` and `PushExecuteTask`, reference §6.5).
///
/// Connection subscribers are pushed through `executor` (RPC); ip:port subscribers (`…#true`, 1.x clients
/// that listed with a UDP port) through `udpExecutor`, and skipped when there is none. A failure whose
/// error is a `NonRetryablePushError` is counted but not retried. Nothing is queued or sent while the
/// switch `pushEnabled` is off.
///
/// `serviceChanged` queues a push to every subscriber and `serviceSubscribed` one to the new subscriber,
/// merged per service for `pushMergeWindow` after the first change. Each subscriber's push runs on its
/// own task with `pushTimeout`; a failure is retried after `pushRetryDelay` while the subscription lives.
/// A subscriber with `maxInFlightPushesPerSubscriber` pushes outstanding gets later ones as retries, so
/// a slow or dead subscriber never delays the others.
public final class PushService: Sendable {
    private struct Armed {
        let dueMillis: Int64
        let token: UInt64
        var timer: (any NacosTimer)?
    }

    private struct State {
        var pending: [Service: PushDelayTask] = [:]
        var armed: Armed?
        var nextToken: UInt64 = 0
        var inFlight: [String: Int] = [:]
        var stopped = false
    }

    private let configuration: NamingConfiguration
    private let storage: ServiceStorage
    private let indexes: ClientServiceIndexesManager
    private let clients: ClientManagerDelegate
    private let executor: any PushExecutor
    private let udpExecutor: (any PushExecutor)?
    private let switches: NamingSwitches
    private let clock: any NacosClock
    private let logger: NacosLogger
    private let state = Mutex(State())
    private let counters = PushCounters()

    /// Creates the service; it acts on the events given to `handle(_:)`.
    ///
    /// - Parameters:
    ///   - executor: pushes to connection subscribers.
    ///   - udpExecutor: pushes to ip:port subscribers; `nil` skips them.
    ///   - switches: the live switches (`pushEnabled`).
    public init(
        configuration: NamingConfiguration,
        storage: ServiceStorage,
        indexes: ClientServiceIndexesManager,
        clients: ClientManagerDelegate,
        executor: any PushExecutor,
        udpExecutor: (any PushExecutor)? = nil,
        switches: NamingSwitches,
        clock: any NacosClock,
        logger: NacosLogger
    ) {
        self.configuration = configuration
        self.storage = storage
        self.indexes = indexes
        self.clients = clients
        self.executor = executor
        self.udpExecutor = udpExecutor
        self.switches = switches
        self.clock = clock
        self.logger = logger
    }

    /// Queues the push an event calls for: all subscribers on `serviceChanged`, the new one on
    /// `serviceSubscribed`; other events are ignored, as is everything while `pushEnabled` is off.
    public func handle(_ event: RegistryEvent) {
        guard self.switches.pushEnabled else { return }
        let due = self.clock.nowMillis() + self.configuration.pushMergeWindow.wholeMilliseconds
        switch event {
        case .serviceChanged(let service, _):
            self.add(.all(service, dueMillis: due))
        case .serviceSubscribed(let service, let clientId):
            self.add(.targeted(service, clients: [clientId], dueMillis: due))
        default:
            break
        }
    }

    /// Queues `task`, merging it with the pending task of its service.
    public func add(_ task: PushDelayTask) {
        let due = self.state.withLock { state -> Int64? in
            guard !state.stopped else { return nil }
            if var existing = state.pending[task.service] {
                existing.merge(task)
                state.pending[task.service] = existing
            } else {
                state.pending[task.service] = task
            }
            return state.pending[task.service]!.dueMillis
        }
        if let due { self.arm(at: due) }
    }

    /// The pending (merged, not yet due) tasks.
    public var pendingTasks: [PushDelayTask] { self.state.withLock { Array($0.pending.values) } }

    /// Counts of pushes sent, failed and deferred since start, and the latency of the successful ones.
    public var statistics: PushStatistics { self.counters.snapshot }

    /// Runs every task due at the clock's current time; while `pushEnabled` is off, due tasks are dropped.
    public func processDueTasks() {
        let now = self.clock.nowMillis()
        let (due, next) = self.state.withLock { state -> ([PushDelayTask], Int64?) in
            guard !state.stopped else { return ([], nil) }
            var due: [PushDelayTask] = []
            for (service, task) in state.pending where task.dueMillis <= now {
                due.append(task)
                state.pending[service] = nil
            }
            return (due, state.pending.values.map(\.dueMillis).min())
        }
        if let next { self.arm(at: next) }
        guard !due.isEmpty, self.switches.pushEnabled else { return }
        for task in due { self.execute(task, now: now) }
    }

    /// Stops pushing; pending tasks are dropped.
    public func shutdown() {
        self.state.withLock { state in
            state.stopped = true
            state.armed?.timer?.cancel()
            state.armed = nil
            state.pending = [:]
        }
    }

    /// Makes sure a timer fires by `dueMillis`. The slot is reserved before the timer is scheduled, so a
    /// timer that fires at once still finds (and clears) its own reservation.
    private func arm(at dueMillis: Int64) {
        let token = self.state.withLock { state -> UInt64? in
            guard !state.stopped else { return nil }
            if let armed = state.armed, armed.dueMillis <= dueMillis { return nil }
            state.armed?.timer?.cancel()
            state.nextToken &+= 1
            state.armed = Armed(dueMillis: dueMillis, token: state.nextToken, timer: nil)
            return state.nextToken
        }
        guard let token else { return }
        let delay = max(0, dueMillis - self.clock.nowMillis())
        let timer = self.clock.schedule(after: .milliseconds(delay), on: nil) { [weak self] in self?.fire(token) }
        self.state.withLock { state in
            if state.armed?.token == token { state.armed?.timer = timer }
        }
    }

    private func fire(_ token: UInt64) {
        self.state.withLock { state in
            if state.armed?.token == token { state.armed = nil }
        }
        self.processDueTasks()
    }

    private func execute(_ task: PushDelayTask, now: Int64) {
        let subscribers = self.indexes.subscribers(of: task.service)
        let targets = task.pushToAll ? subscribers : task.targetClients.intersection(subscribers)
        var infos: [String: ServiceInfo] = [:]
        for clientId in targets {
            let executor: any PushExecutor
            if ClientManagerDelegate.isIpPortClientId(clientId) {
                guard let udpExecutor = self.udpExecutor else { continue }
                executor = udpExecutor
            } else {
                executor = self.executor
            }
            guard let client = self.clients.client(clientId), let subscriber = client.storage.subscriber(of: task.service) else {
                continue
            }
            let info: ServiceInfo
            if let cached = infos[subscriber.clusters] {
                info = cached
            } else {
                info = self.storage.serviceInfo(
                    of: task.service,
                    clusters: NamingDefaults.clusterList(subscriber.clusters),
                    healthyOnly: false,
                    now: now
                )
                infos[subscriber.clusters] = info
            }
            self.send(info, service: task.service, to: clientId, through: executor)
        }
    }

    private func send(_ info: ServiceInfo, service: Service, to clientId: String, through executor: any PushExecutor) {
        let admitted = self.state.withLock { state -> Bool in
            let current = state.inFlight[clientId, default: 0]
            guard current < self.configuration.maxInFlightPushesPerSubscriber else { return false }
            state.inFlight[clientId] = current + 1
            return true
        }
        guard admitted else {
            self.counters.deferred.add(1, ordering: .relaxed)
            self.retry(service, clientId: clientId)
            return
        }
        var request = NotifySubscriberRequest()
        request.serviceInfo = info
        let timeout = self.configuration.pushTimeout
        Task {
            let started = ContinuousClock.now
            do {
                try await executor.push(request, to: clientId, timeout: timeout)
                self.counters.recordSuccess(latency: ContinuousClock.now - started)
            } catch let error as any NonRetryablePushError {
                self.counters.failed.add(1, ordering: .relaxed)
                self.counters.notRetried.add(1, ordering: .relaxed)
                self.logger.warning("push of \(service.groupedServiceName) to \(clientId) failed: \(error); not retried")
            } catch {
                self.counters.failed.add(1, ordering: .relaxed)
                self.logger.warning("push of \(service.groupedServiceName) to \(clientId) failed: \(error); retrying")
                self.retry(service, clientId: clientId)
            }
            self.state.withLock { state in
                let remaining = state.inFlight[clientId, default: 1] - 1
                state.inFlight[clientId] = remaining > 0 ? remaining : nil
            }
        }
    }

    private func retry(_ service: Service, clientId: String) {
        guard self.indexes.subscribers(of: service).contains(clientId) else { return }
        let due = self.clock.nowMillis() + self.configuration.pushRetryDelay.wholeMilliseconds
        self.add(.targeted(service, clients: [clientId], dueMillis: due))
    }
}

/// The push service's counters: atomics, and the latency histogram behind a lock.
private final class PushCounters: Sendable {
    let succeeded = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    let notRetried = Atomic<Int>(0)
    let deferred = Atomic<Int>(0)
    let latency = Mutex(NacosLatencyHistogram())

    func recordSuccess(latency: Duration) {
        self.latency.withLock { $0.record(latency) }
        self.succeeded.add(1, ordering: .relaxed)
    }

    var snapshot: PushStatistics {
        PushStatistics(
            succeeded: self.succeeded.load(ordering: .relaxed),
            failed: self.failed.load(ordering: .relaxed),
            notRetried: self.notRetried.load(ordering: .relaxed),
            deferred: self.deferred.load(ordering: .relaxed),
            latency: self.latency.withLock { $0 }
        )
    }
}
