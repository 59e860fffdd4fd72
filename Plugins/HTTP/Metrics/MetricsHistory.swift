public import NacosNaming
public import NacosRemote
import Synchronization

/// A short history of a node's activity for the console's charts: every `interval` it reads the node's
/// cumulative counters and keeps, in a ring of `capacity` samples, the registrations and pushes per
/// second since the previous reading, the push latency's p50 and p99 in that span, and the connection,
/// service and instance counts at that moment.
///
/// Time comes from a `NacosClock`, so tests drive it with `NacosManualClock` instead of sleeping:
///
/// ```swift
/// let history = MetricsHistory(registry: registry, connections: manager)   // 2 s × 150 = 5 min
/// history.start()
/// var context = OpenAPIContext(registry: registry, connections: manager, selfAddress: address)
/// context.metricsHistory = history
/// // at shutdown
/// history.stop()
/// ```
public final class MetricsHistory: Sendable {
    /// The node's cumulative counters at one moment, from which samples are the differences.
    public struct Reading: Sendable, Equatable {
        /// Instance registrations so far (`ClientOperationService.registrationCount`).
        public var registrations: UInt64
        /// Pushes acknowledged so far (`PushStatistics.succeeded`).
        public var pushes: UInt64
        /// The latency of those pushes (`PushStatistics.latency`).
        public var pushLatency: NacosLatencyHistogram
        /// Open connections now.
        public var connections: Int
        /// Services now.
        public var services: Int
        /// Published instances now.
        public var instances: Int

        /// Creates a reading from its parts.
        public init(
            registrations: UInt64 = 0,
            pushes: UInt64 = 0,
            pushLatency: NacosLatencyHistogram = NacosLatencyHistogram(),
            connections: Int = 0,
            services: Int = 0,
            instances: Int = 0
        ) {
            self.registrations = registrations
            self.pushes = pushes
            self.pushLatency = pushLatency
            self.connections = connections
            self.services = services
            self.instances = instances
        }
    }

    /// One point of the history: the rates over the span that ended at `timeMillis` and the gauges then.
    public struct Sample: Sendable, Equatable {
        /// When the span ended, in epoch milliseconds.
        public var timeMillis: Int64
        /// Instance registrations per second over the span.
        public var registrationsPerSecond: Double
        /// Acknowledged pushes per second over the span.
        public var pushesPerSecond: Double
        /// The estimated median push latency in the span in milliseconds, `nil` without pushes.
        public var pushP50Milliseconds: Double?
        /// The estimated 99th-percentile push latency in the span in milliseconds, `nil` without pushes.
        public var pushP99Milliseconds: Double?
        /// Open connections at the end of the span.
        public var connections: Int
        /// Services at the end of the span.
        public var services: Int
        /// Published instances at the end of the span.
        public var instances: Int

        /// Creates a sample from its parts.
        public init(
            timeMillis: Int64,
            registrationsPerSecond: Double,
            pushesPerSecond: Double,
            pushP50Milliseconds: Double?,
            pushP99Milliseconds: Double?,
            connections: Int,
            services: Int,
            instances: Int
        ) {
            self.timeMillis = timeMillis
            self.registrationsPerSecond = registrationsPerSecond
            self.pushesPerSecond = pushesPerSecond
            self.pushP50Milliseconds = pushP50Milliseconds
            self.pushP99Milliseconds = pushP99Milliseconds
            self.connections = connections
            self.services = services
            self.instances = instances
        }
    }

    private struct State {
        var ring: [Sample] = []
        /// Where the next sample goes once the ring is full (the oldest sample).
        var next = 0
        var previous: (timeMillis: Int64, reading: Reading)?
        var timer: (any NacosTimer)?
        /// Bumped by every start and stop, so a tick of an earlier run does nothing.
        var generation: UInt64 = 0
        var running = false
    }

    /// The time between samples.
    public let interval: Duration
    /// How many samples are kept; older ones are dropped.
    public let capacity: Int
    private let clock: any NacosClock
    private let read: @Sendable () -> Reading
    private let state = Mutex(State())

    /// Creates a stopped history that samples `read()` every `interval` of `clock`, keeping `capacity`
    /// samples (at least 1).
    public init(
        interval: Duration = .seconds(2),
        capacity: Int = 150,
        clock: any NacosClock = NacosSystemClock(),
        read: @escaping @Sendable () -> Reading
    ) {
        self.interval = interval
        self.capacity = max(1, capacity)
        self.clock = clock
        self.read = read
    }

    /// Creates a stopped history of a node's registry and connections (`reading(registry:connections:)`);
    /// `clock` defaults to the registry's.
    public convenience init(
        registry: NamingRegistry,
        connections: NacosConnectionManager,
        interval: Duration = .seconds(2),
        capacity: Int = 150,
        clock: (any NacosClock)? = nil
    ) {
        self.init(interval: interval, capacity: capacity, clock: clock ?? registry.clock) {
            Self.reading(registry: registry, connections: connections)
        }
    }

    /// The node's counters now: registrations from the operation service, acknowledged pushes and their
    /// latency from the push service, every open connection, services, and instances over all clients.
    public static func reading(registry: NamingRegistry, connections: NacosConnectionManager) -> Reading {
        let push = registry.push.statistics
        let clients = registry.clients
        let counters = [
            clients.connectionClients.nativeCounters, clients.connectionClients.syncedCounters,
            clients.ephemeralIpPortClients.counters, clients.persistentIpPortClients.counters,
        ]
        return Reading(
            registrations: registry.operations.registrationCount,
            pushes: UInt64(max(0, push.succeeded)),
            pushLatency: push.latency,
            connections: connections.connectionCount,
            services: registry.services.serviceCount,
            instances: counters.reduce(0) { $0 + $1.instanceCount }
        )
    }

    /// The time the kept samples span, `interval × capacity`.
    public var window: Duration { self.interval * self.capacity }

    /// Whether the history is sampling.
    public var isRunning: Bool { self.state.withLock { $0.running } }

    /// Starts sampling: takes the first reading now and a sample every `interval` after it. Calling it
    /// while running does nothing.
    public func start() {
        let generation: UInt64? = self.state.withLock { state in
            guard !state.running else { return nil }
            state.running = true
            state.generation &+= 1
            return state.generation
        }
        guard let generation else { return }
        let reading = self.read()
        let now = self.clock.nowMillis()
        self.state.withLock { state in
            guard state.generation == generation else { return }
            state.previous = (now, reading)
        }
        self.schedule(generation)
    }

    /// Stops sampling; the samples taken stay (a later `start()` begins a new span from its own reading).
    public func stop() {
        let timer = self.state.withLock { state -> (any NacosTimer)? in
            state.running = false
            state.generation &+= 1
            defer { state.timer = nil }
            return state.timer
        }
        timer?.cancel()
    }

    /// Takes a sample now against the previous reading (the timer calls this every `interval`); the first
    /// call without a previous reading only records the reading. Returns the sample taken, if any.
    @discardableResult
    public func sampleNow() -> Sample? {
        let reading = self.read()
        let now = self.clock.nowMillis()
        return self.state.withLock { state -> Sample? in
            defer { state.previous = (now, reading) }
            guard let previous = state.previous else { return nil }
            let sample = Self.sample(from: previous.reading, at: previous.timeMillis, to: reading, at: now)
            if state.ring.count < self.capacity {
                state.ring.append(sample)
            } else {
                state.ring[state.next] = sample
            }
            state.next = (state.next + 1) % self.capacity
            return sample
        }
    }

    /// The kept samples of the last `window`, oldest first.
    public var samples: [Sample] {
        let oldest = self.clock.nowMillis() - self.window.wholeMilliseconds
        let ordered = self.state.withLock { state -> [Sample] in
            guard state.ring.count == self.capacity else { return state.ring }
            return Array(state.ring[state.next...] + state.ring[..<state.next])
        }
        return ordered.filter { $0.timeMillis > oldest }
    }

    /// The sample of the span from `before` (at `startMillis`) to `after` (at `endMillis`): counter
    /// differences per second (a counter that went back counts as 0) and the push percentiles of the
    /// latencies recorded in between.
    public static func sample(from before: Reading, at startMillis: Int64, to after: Reading, at endMillis: Int64) -> Sample {
        let seconds = Double(endMillis - startMillis) / 1_000
        func rate(_ later: UInt64, _ earlier: UInt64) -> Double {
            guard seconds > 0, later > earlier else { return 0 }
            return Double(later - earlier) / seconds
        }
        return Sample(
            timeMillis: endMillis,
            registrationsPerSecond: rate(after.registrations, before.registrations),
            pushesPerSecond: rate(after.pushes, before.pushes),
            pushP50Milliseconds: Self.quantile(0.5, of: after.pushLatency, since: before.pushLatency),
            pushP99Milliseconds: Self.quantile(0.99, of: after.pushLatency, since: before.pushLatency),
            connections: after.connections,
            services: after.services,
            instances: after.instances
        )
    }

    /// The `q` quantile (0 < q ≤ 1) in milliseconds of the latencies `later` recorded after `earlier`,
    /// estimated from the bucket differences as Prometheus's `histogram_quantile` does: linear within the
    /// bucket the rank falls in (from 0 for the first), the largest finite bound for the +Inf bucket;
    /// `nil` when nothing was recorded in between.
    public static func quantile(_ q: Double, of later: NacosLatencyHistogram, since earlier: NacosLatencyHistogram) -> Double? {
        let after = later.buckets
        let before = earlier.buckets
        let deltas = after.indices.map { index in
            after[index].cumulativeCount >= before[index].cumulativeCount ? after[index].cumulativeCount - before[index].cumulativeCount : 0
        }
        guard let total = deltas.last, total > 0 else { return nil }
        let rank = min(max(q, 0), 1) * Double(total)
        var below: UInt64 = 0
        var lowerBound = 0.0
        for (index, cumulative) in deltas.enumerated() {
            let upperBound = after[index].upperBoundMilliseconds
            if Double(cumulative) >= rank, cumulative > below {
                guard upperBound.isFinite else { return lowerBound }
                return lowerBound + (upperBound - lowerBound) * (rank - Double(below)) / Double(cumulative - below)
            }
            if cumulative > below { below = cumulative }
            if upperBound.isFinite { lowerBound = upperBound }
        }
        return lowerBound
    }

    private func schedule(_ generation: UInt64) {
        let timer = self.clock.schedule(after: self.interval, on: nil) { [weak self] in
            self?.tick(generation)
        }
        let stale = self.state.withLock { state -> Bool in
            guard state.generation == generation, state.running else { return true }
            state.timer = timer
            return false
        }
        if stale { timer.cancel() }
    }

    private func tick(_ generation: UInt64) {
        guard self.state.withLock({ $0.generation == generation && $0.running }) else { return }
        self.sampleNow()
        self.schedule(generation)
    }
}
