/// A transport the benchmark can measure.
enum BenchmarkTransportKind: String, Sendable, Hashable {
    /// Plain TCP (`NacosTCPTransport`).
    case tcp
    /// TLS over TCP (`NacosTLSTransport`) with a throw-away self-signed certificate.
    case tls
}
