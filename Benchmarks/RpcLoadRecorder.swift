import Synchronization

/// Counts completed RPC round trips for one scenario across the tasks that drive the load.
///
/// Unlike the echo load, RPC load comes from Swift tasks (`NacosRpcClient.request` and
/// `NacosServerConnection.request` are `async`), which run on the cooperative pool's threads, so the
/// shared count is an atomic; latency samples stay in each worker and are handed back when it ends.
final class RpcLoadRecorder: Sendable {
    /// A count and the time it was read at.
    struct Point: Sendable {
        /// Round trips completed so far.
        var count: Int
        /// `MonotonicClock` time of the reading.
        var nanoseconds: UInt64
    }

    private let completedCount = Atomic<Int>(0)
    private let measuringFlag = Atomic<Bool>(false)
    private let stoppingFlag = Atomic<Bool>(false)
    private let firstFailure = Mutex<String?>(nil)

    /// Whether the measured interval is running (workers keep latency samples only then).
    var isMeasuring: Bool { self.measuringFlag.load(ordering: .relaxed) }

    /// Set when the measurement has ended: workers stop after their request in flight.
    var isStopping: Bool { self.stoppingFlag.load(ordering: .relaxed) }

    /// The first failure a worker reported while the load ran.
    var failure: String? { self.firstFailure.withLock { $0 } }

    /// One round trip completed.
    @inline(__always)
    func completed() {
        self.completedCount.wrappingAdd(1, ordering: .relaxed)
    }

    /// Notes a failed request and stops the load; only the first failure is kept.
    func fail(_ message: String) {
        guard !self.isStopping else { return }
        self.firstFailure.withLock { if $0 == nil { $0 = message } }
        self.stoppingFlag.store(true, ordering: .relaxed)
    }

    /// Starts the measured interval and returns the current count.
    func beginMeasurement() -> Point {
        self.measuringFlag.store(true, ordering: .relaxed)
        return Point(count: self.completedCount.load(ordering: .relaxed), nanoseconds: MonotonicClock.nanoseconds())
    }

    /// Ends the measured interval, stops the load and returns the current count.
    func endMeasurement() -> Point {
        let point = Point(count: self.completedCount.load(ordering: .relaxed), nanoseconds: MonotonicClock.nanoseconds())
        self.measuringFlag.store(false, ordering: .relaxed)
        self.stoppingFlag.store(true, ordering: .relaxed)
        return point
    }
}
