import NacosNaming

/// A `HealthProber` that never dials (every probe "succeeds"): the benchmarks register persistent
/// instances at addresses that exist nowhere, and must send no traffic to them even if checks were on.
struct NoHealthProber: HealthProber {
    /// Answers `true` at once.
    func probe(ip: String, port: Int, timeout: Duration) async -> Bool { true }
}
