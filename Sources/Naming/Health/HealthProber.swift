/// Probes whether an instance answers (Nacos's health checkers); the default opens a TCP connection.
public protocol HealthProber: Sendable {
    /// Whether `ip:port` answered within `timeout`.
    func probe(ip: String, port: Int, timeout: Duration) async -> Bool
}
