import NacosTransport

/// Counts completed round trips and collects latency samples for one scenario, on the client's event loop.
///
/// The client handlers call it from their callbacks; the benchmark reads it through `NacosEventLoop.submit`,
/// so the counters need no atomics and cost nothing measurable per message.
final class LoadRecorder: @unchecked Sendable {
    // Sendable: every mutable field is touched only on `loop` (checked in debug builds).

    /// A count and the loop time it was read at.
    struct Point: Sendable {
        /// Round trips (or bytes) completed so far.
        var count: Int
        /// `MonotonicClock` time of the reading.
        var nanoseconds: UInt64
    }

    /// The most latency samples kept per measurement (4 bytes each).
    private static let sampleLimit = 16 * 1024 * 1024

    /// The client loop that owns this recorder.
    let loop: NacosEventLoop
    /// Set when the measurement has ended: handlers stop sending.
    private(set) var stopping = false
    /// The first unexpected event (a connection closed or an echo of the wrong size) while the load ran.
    private(set) var failure: String?
    private var completed = 0
    private var recordingLatency = false
    private var samples: [UInt32] = []

    init(loop: NacosEventLoop) {
        self.loop = loop
    }

    /// One round trip (or `count` bytes) completed; `latency` is recorded while measuring, when given.
    @inline(__always)
    func completed(count: Int = 1, latencyNanoseconds latency: UInt64? = nil) {
        self.completed &+= count
        if let latency, self.recordingLatency, self.samples.count < Self.sampleLimit {
            self.samples.append(UInt32(clamping: latency))
        }
    }

    /// Notes an unexpected event; only the first is kept.
    func fail(_ message: String) {
        self.loop.assertOnLoop()
        if self.failure == nil && !self.stopping { self.failure = message }
    }

    /// Starts the measured interval: clears latency samples and returns the current count.
    func beginMeasurement(recordLatency: Bool) -> Point {
        self.loop.assertOnLoop()
        self.samples.removeAll(keepingCapacity: true)
        self.samples.reserveCapacity(1 << 20)
        self.recordingLatency = recordLatency
        return Point(count: self.completed, nanoseconds: MonotonicClock.nanoseconds())
    }

    /// Ends the measured interval and stops the load: returns the current count and the latency samples.
    func endMeasurement() -> (Point, [UInt32]) {
        self.loop.assertOnLoop()
        let point = Point(count: self.completed, nanoseconds: MonotonicClock.nanoseconds())
        self.stopping = true
        self.recordingLatency = false
        let samples = self.samples
        self.samples = []
        return (point, samples)
    }
}

extension NacosEventLoop {
    /// Runs `body` on this loop and returns its result to the awaiting task.
    func submit<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            self.execute { continuation.resume(returning: body()) }
        }
    }

    /// Stops a debug build if called off this loop.
    @inline(__always)
    func assertOnLoop() {
        assert(self.inEventLoop, "must be called on \(self)")
    }
}
