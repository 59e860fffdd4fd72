/// One measurement of `nacos-bench auth`: the registration workload against a fresh node with auth off
/// or on, in one round of one protocol.
struct AuthMeasurement: Sendable {
    /// What the clients spoke.
    let rpcProtocol: BenchmarkProtocol
    /// The off/on pair it belongs to, from 1.
    let round: Int
    /// Whether the node enforced auth (and every connection carried a token).
    let authEnabled: Bool
    /// The registrations per second, latency and CPU, as `register` reports them.
    let result: RegisterResult

    /// `on` or `off`.
    var authText: String { self.authEnabled ? "on" : "off" }
}
