import NacosRemote
import Testing

/// `NacosLatencyHistogram`: bucket placement at the bounds, cumulative buckets, sum, count and merge.
@Suite struct RequestMetricsLatencyHistogramTests {
    /// The cumulative counts of `histogram`, one per bucket.
    private func cumulative(_ histogram: NacosLatencyHistogram) -> [UInt64] {
        histogram.buckets.map(\.cumulativeCount)
    }

    @Test func emptyHistogramHasEveryBucketAtZero() {
        let histogram = NacosLatencyHistogram()
        #expect(histogram.count == 0)
        #expect(histogram.sum == .zero)
        #expect(histogram.sumMilliseconds == 0)
        #expect(histogram.buckets.map(\.upperBoundMilliseconds) == [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, .infinity])
        #expect(self.cumulative(histogram) == Array(repeating: 0, count: 13))
    }

    @Test func boundsAreInclusive() {
        var histogram = NacosLatencyHistogram()
        histogram.record(.milliseconds(1))
        #expect(self.cumulative(histogram) == Array(repeating: 1, count: 13))

        histogram = NacosLatencyHistogram()
        histogram.record(.milliseconds(1) + .nanoseconds(1))
        #expect(self.cumulative(histogram) == [0] + Array(repeating: 1, count: 12))

        histogram = NacosLatencyHistogram()
        histogram.record(.milliseconds(5000))
        #expect(self.cumulative(histogram) == Array(repeating: 0, count: 11) + [1, 1])

        histogram = NacosLatencyHistogram()
        histogram.record(.milliseconds(5000) + .nanoseconds(1))
        #expect(self.cumulative(histogram) == Array(repeating: 0, count: 12) + [1])
    }

    @Test func bucketsAreCumulativeAndSumAndCountAddUp() {
        var histogram = NacosLatencyHistogram()
        for latency in [Duration.microseconds(200), .microseconds(1500), .milliseconds(7), .milliseconds(7), .milliseconds(300), .seconds(60)] {
            histogram.record(latency)
        }
        #expect(histogram.count == 6)
        #expect(self.cumulative(histogram) == [1, 2, 2, 4, 4, 4, 4, 4, 5, 5, 5, 5, 6])
        #expect(histogram.sum == .microseconds(200) + .microseconds(1500) + .milliseconds(314) + .seconds(60))
        #expect(abs(histogram.sumMilliseconds - 60_315.7) < 1e-6)
        #expect(histogram.buckets.last?.cumulativeCount == histogram.count)
    }

    @Test func negativeLatencyCountsAsZero() {
        var histogram = NacosLatencyHistogram()
        histogram.record(.milliseconds(-3))
        #expect(histogram.count == 1)
        #expect(histogram.sum == .zero)
        #expect(self.cumulative(histogram).first == 1)
    }

    @Test func mergeAddsBucketsSumsAndCounts() {
        var first = NacosLatencyHistogram()
        first.record(.microseconds(500))
        first.record(.milliseconds(20))
        var second = NacosLatencyHistogram()
        second.record(.milliseconds(20))
        second.record(.seconds(10))

        var merged = first
        merged.merge(second)
        #expect(merged.count == 4)
        #expect(merged.sum == first.sum + second.sum)
        #expect(self.cumulative(merged) == zip(self.cumulative(first), self.cumulative(second)).map { $0 + $1 })
        #expect(first.merging(second) == merged)
        #expect(second.merging(first) == merged)
        #expect(merged != first)

        // Recording the same latencies into one histogram gives the same result.
        var direct = NacosLatencyHistogram()
        for latency in [Duration.microseconds(500), .milliseconds(20), .milliseconds(20), .seconds(10)] {
            direct.record(latency)
        }
        #expect(direct == merged)
    }

    @Test func aCopyIsIndependent() {
        var original = NacosLatencyHistogram()
        original.record(.milliseconds(3))
        let snapshot = original
        original.record(.milliseconds(3))
        #expect(snapshot.count == 1)
        #expect(original.count == 2)
        #expect(self.cumulative(snapshot)[2] == 1)
    }
}
