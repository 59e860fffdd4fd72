public import NacosRemote

extension PrometheusExposition {
    /// The unit a latency histogram's bounds and sum are written in.
    public enum LatencyUnit: Sendable, Equatable {
        /// Seconds, Prometheus's base unit (`le="0.005"`); name the metric `…_seconds`.
        case seconds
        /// Milliseconds, the histogram's own unit (`le="5"`); name the metric `…_milliseconds`.
        case milliseconds
    }

    /// Adds `latency` as a histogram: one bucket per bound of `NacosLatencyHistogram` plus `+Inf`, the sum
    /// and the count, with bounds and sum in `unit`.
    public mutating func addHistogram(
        _ name: String,
        help: String,
        labels: [String: String] = [:],
        latency: NacosLatencyHistogram,
        unit: LatencyUnit = .seconds
    ) throws(PrometheusExpositionError) {
        // Division (not multiplication by 0.001) keeps the bounds exact: 5 / 1000 is written 0.005.
        let divisor: Double = unit == .seconds ? 1_000 : 1
        try self.addHistogram(
            name,
            help: help,
            labels: labels,
            buckets: latency.buckets.map { (upperBound: $0.upperBoundMilliseconds / divisor, cumulativeCount: $0.cumulativeCount) },
            sum: latency.sumMilliseconds / divisor,
            count: latency.count
        )
    }
}
