/// Why `PrometheusExposition` refused a metric: the sample would make the exposition invalid.
public enum PrometheusExpositionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The metric name is not `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    case invalidMetricName(String)
    /// The label name is not `[a-zA-Z_][a-zA-Z0-9_]*`, starts with the reserved `__`, or is `le` on a histogram.
    case invalidLabelName(metric: String, label: String)
    /// The family was already added with another type.
    case typeMismatch(metric: String, existing: PrometheusExposition.MetricType, added: PrometheusExposition.MetricType)
    /// The family already has a sample with exactly these labels.
    case duplicateSample(metric: String, labels: [String: String])
    /// The histogram's buckets are not ascending with non-decreasing cumulative counts ending at `count`.
    case invalidHistogram(metric: String, reason: String)

    /// A sentence naming the metric and the problem.
    public var description: String {
        switch self {
        case .invalidMetricName(let name):
            "invalid metric name \"\(name)\""
        case .invalidLabelName(let metric, let label):
            "invalid label name \"\(label)\" on metric \(metric)"
        case .typeMismatch(let metric, let existing, let added):
            "metric \(metric) is a \(existing.rawValue), not a \(added.rawValue)"
        case .duplicateSample(let metric, let labels):
            "metric \(metric) already has a sample with labels \(labels.sorted { $0.key < $1.key })"
        case .invalidHistogram(let metric, let reason):
            "invalid histogram \(metric): \(reason)"
        }
    }
}
