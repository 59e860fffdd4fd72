/// Percentiles of a set of round-trip latency samples.
struct LatencySummary: Sendable {
    /// The median, in nanoseconds.
    let p50: UInt64
    /// The 99th percentile, in nanoseconds.
    let p99: UInt64
    /// How many samples the percentiles came from.
    let samples: Int

    /// A summary computed elsewhere (another process).
    init(p50: UInt64, p99: UInt64, samples: Int) {
        self.p50 = p50
        self.p99 = p99
        self.samples = samples
    }

    /// Sorts the samples (nanoseconds) and picks the percentiles; `nil` for no samples.
    init?(samples: [UInt32]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        func percentile(_ fraction: Double) -> UInt64 {
            UInt64(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))])
        }
        self.p50 = percentile(0.50)
        self.p99 = percentile(0.99)
        self.samples = sorted.count
    }
}
