/// The measured outcome of one scenario on one transport.
struct BenchmarkResult: Sendable {
    /// The transport measured.
    let transport: BenchmarkTransportKind
    /// The scenario measured.
    let scenario: EchoScenario
    /// Round trips (frames) per second, or payload bytes per second for the stream.
    let rate: Double
    /// The measured interval in seconds.
    let seconds: Double
    /// Median and 99th-percentile round-trip latency, for one-in-flight scenarios.
    let latency: LatencySummary?
    /// CPU used by other processes while measuring, in percent of one core (noise indicator).
    let otherCPUPercent: Double
}
