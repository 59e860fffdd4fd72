/// The measured outcome of one `nacos-bench register` scenario.
struct RegisterResult: Sendable {
    /// Naming connections.
    let connections: Int
    /// Registrations in flight per connection.
    let inFlight: Int
    /// Registrations per second.
    let rate: Double
    /// Median and 99th-percentile request latency (sent to response), over all lanes.
    let latency: LatencySummary?
    /// CPU used by this process (server and clients) while measuring, in percent of one core.
    let processCPUPercent: Double
    /// CPU used by other processes while measuring, in percent of one core (noise indicator).
    let otherCPUPercent: Double
    /// What the registry held when the load stopped.
    let size: RegistrySize

    /// Microseconds of this process's CPU time (both sides) per registration.
    var cpuMicrosecondsPerRegistration: Double? {
        guard self.rate > 0 else { return nil }
        return self.processCPUPercent / 100 / self.rate * 1e6
    }
}
