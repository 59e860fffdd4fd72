import NacosRemote

/// `GET /nacos/v1/console/metrics/history`: the samples of the context's `MetricsHistory` for the
/// console's charts, `{"intervalMs":…,"samples":[{time, registrationsPerSecond, pushesPerSecond, pushP50Ms,
/// pushP99Ms, connections, services, instances}]}`, oldest first; 503 when the node keeps no history.
struct MetricsHistoryRoutes: Sendable {
    /// The path.
    static let path = "/nacos/v1/console/metrics/history"
    /// The text of the answer when the context has no history.
    static let notEnabled = "metrics history is not enabled on this node"

    let context: OpenAPIContext

    /// Adds the route to `router`.
    func install(into router: inout HTTPRouter) {
        let history = self.context.metricsHistory
        router.add(.get, Self.path, OpenAPIResponses.v1 { _ in
            guard let history else { return .text(Self.notEnabled, status: .serviceUnavailable) }
            let samples = history.samples
            let intervalMillis = history.interval.wholeMilliseconds
            return OpenAPIResponses.json { writer in
                writer.object { writer in
                    writer.field("intervalMs", intervalMillis)
                    writer.key("samples")
                    writer.array { writer in
                        for sample in samples { Self.write(sample, to: &writer) }
                    }
                }
            }
        })
    }

    /// One sample; a percentile without pushes is `null`.
    static func write(_ sample: MetricsHistory.Sample, to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.field("time", sample.timeMillis)
            writer.field("registrationsPerSecond", sample.registrationsPerSecond)
            writer.field("pushesPerSecond", sample.pushesPerSecond)
            writer.key("pushP50Ms")
            if let p50 = sample.pushP50Milliseconds { writer.double(p50) } else { writer.null() }
            writer.key("pushP99Ms")
            if let p99 = sample.pushP99Milliseconds { writer.double(p99) } else { writer.null() }
            writer.field("connections", sample.connections)
            writer.field("services", sample.services)
            writer.field("instances", sample.instances)
        }
    }
}
