/// A latency distribution over fixed millisecond buckets (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500,
/// 5000 ms and +Inf), with the sum and count of every recorded latency: the shape of a Prometheus histogram.
///
/// A value type that is cheap to update in place, so that a server can keep one per request type behind a
/// lock; snapshots are copies, and histograms of several sources combine with `merge(_:)`.
public struct NacosLatencyHistogram: Sendable, Hashable {
    /// The inclusive upper bounds of the finite buckets, in milliseconds, ascending; a last bucket, +Inf,
    /// takes everything above.
    public static let upperBoundsMilliseconds: [Int64] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000]

    /// The same bounds in nanoseconds, compared against on every `record(_:)`.
    private static let upperBoundsNanoseconds: [Int64] = Self.upperBoundsMilliseconds.map { $0 * 1_000_000 }

    /// One bucket as Prometheus writes it: the latencies at or under `upperBoundMilliseconds`, cumulative.
    public struct Bucket: Sendable, Hashable {
        /// The inclusive upper bound in milliseconds; `.infinity` for the last bucket.
        public var upperBoundMilliseconds: Double
        /// How many recorded latencies are at or under the bound.
        public var cumulativeCount: UInt64

        /// Creates a bucket from its bound and cumulative count.
        public init(upperBoundMilliseconds: Double, cumulativeCount: UInt64) {
            self.upperBoundMilliseconds = upperBoundMilliseconds
            self.cumulativeCount = cumulativeCount
        }
    }

    /// The number of latencies per bucket (not cumulative); the last entry is the +Inf bucket.
    private var bucketCounts: [UInt64]
    /// How many latencies were recorded.
    public private(set) var count: UInt64 = 0
    /// The sum of every recorded latency.
    public private(set) var sum: Duration = .zero

    /// Creates an empty histogram.
    public init() {
        self.bucketCounts = Array(repeating: 0, count: Self.upperBoundsMilliseconds.count + 1)
    }

    /// Adds one latency; a negative one counts as zero.
    public mutating func record(_ latency: Duration) {
        let nanoseconds = Self.nanoseconds(of: latency)
        var index = 0
        let bounds = Self.upperBoundsNanoseconds
        while index < bounds.count, nanoseconds > bounds[index] {
            index += 1
        }
        self.bucketCounts[index] &+= 1
        self.count &+= 1
        if nanoseconds > 0 {
            self.sum += latency
        }
    }

    /// Adds every latency recorded in `other` to this histogram.
    public mutating func merge(_ other: NacosLatencyHistogram) {
        for index in self.bucketCounts.indices {
            self.bucketCounts[index] &+= other.bucketCounts[index]
        }
        self.count &+= other.count
        self.sum += other.sum
    }

    /// This histogram with every latency of `other` added.
    public func merging(_ other: NacosLatencyHistogram) -> NacosLatencyHistogram {
        var merged = self
        merged.merge(other)
        return merged
    }

    /// The buckets with cumulative counts, ascending, ending with the +Inf bucket (whose count is `count`).
    public var buckets: [Bucket] {
        var running: UInt64 = 0
        return self.bucketCounts.indices.map { index in
            running &+= self.bucketCounts[index]
            let bound = index < Self.upperBoundsMilliseconds.count ? Double(Self.upperBoundsMilliseconds[index]) : .infinity
            return Bucket(upperBoundMilliseconds: bound, cumulativeCount: running)
        }
    }

    /// The sum of every recorded latency in (fractional) milliseconds.
    public var sumMilliseconds: Double {
        let (seconds, attoseconds) = self.sum.components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }

    /// `latency` in whole nanoseconds, 0 when negative, saturated at `Int64.max`.
    private static func nanoseconds(of latency: Duration) -> Int64 {
        let (seconds, attoseconds) = latency.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .max }
        let (total, overflowAgain) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflowAgain ? .max : total
    }
}
