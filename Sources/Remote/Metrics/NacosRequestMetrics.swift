/// A snapshot of the requests a `NacosRpcServer` answered: per request type, how many ended in each
/// result and how long handling took, plus the requests being handled at the moment of the snapshot.
///
/// Request types are those the server has a handler for, `ServerCheckRequest`, and
/// `unknownRequestType` for every type it has no handler for (so a client cannot add series).
public struct NacosRequestMetrics: Sendable, Equatable {
    /// The request type under which requests of types without a handler are counted.
    public static let unknownRequestType = "unknown"

    /// What was recorded for one request type.
    public struct RequestTypeMetrics: Sendable, Equatable {
        /// How many requests ended in each result; results that never happened are absent.
        public var resultCounts: [NacosRequestResult: UInt64]
        /// The handling latency of those requests, from the frame's dispatch to its response being sent.
        public var latency: NacosLatencyHistogram

        /// Creates metrics from their parts.
        public init(resultCounts: [NacosRequestResult: UInt64] = [:], latency: NacosLatencyHistogram = NacosLatencyHistogram()) {
            self.resultCounts = resultCounts
            self.latency = latency
        }

        /// How many requests of this type were answered, whatever the result.
        public var count: UInt64 { self.resultCounts.values.reduce(0, &+) }

        /// Adds the counts and latencies of `other`.
        public mutating func merge(_ other: RequestTypeMetrics) {
            self.resultCounts.merge(other.resultCounts, uniquingKeysWith: &+)
            self.latency.merge(other.latency)
        }
    }

    /// The metrics per request type name (every type the server knows, answered or not yet).
    public var requestTypes: [String: RequestTypeMetrics]
    /// How many requests were being handled when the snapshot was taken.
    public var inFlightCount: Int

    /// Creates a snapshot from its parts.
    public init(requestTypes: [String: RequestTypeMetrics] = [:], inFlightCount: Int = 0) {
        self.requestTypes = requestTypes
        self.inFlightCount = inFlightCount
    }

    /// How many requests of `requestType` ended with `result`, or with any result when `result` is `nil`.
    public func count(of requestType: String, result: NacosRequestResult? = nil) -> UInt64 {
        guard let metrics = self.requestTypes[requestType] else { return 0 }
        guard let result else { return metrics.count }
        return metrics.resultCounts[result, default: 0]
    }

    /// How many requests were answered in all.
    public var totalCount: UInt64 { self.requestTypes.values.reduce(0) { $0 &+ $1.count } }

    /// The request type names, sorted (the order to write them in).
    public var sortedRequestTypes: [String] { self.requestTypes.keys.sorted() }

    /// This snapshot combined with `other` (the SDK and cluster servers of one node): counts, latencies and
    /// in-flight requests added per type.
    public func merging(_ other: NacosRequestMetrics) -> NacosRequestMetrics {
        var merged = self
        for (type, metrics) in other.requestTypes {
            merged.requestTypes[type, default: RequestTypeMetrics()].merge(metrics)
        }
        merged.inFlightCount += other.inFlightCount
        return merged
    }
}
