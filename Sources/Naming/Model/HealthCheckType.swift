/// How the server checks the persistent instances of a cluster (Nacos's `HealthCheckType`); the raw value
/// is the checker `type` of Nacos's JSON.
public enum HealthCheckType: String, Sendable, Hashable, CaseIterable {
    /// A TCP connect to the instance (the default).
    case tcp = "TCP"
    /// An HTTP request to the instance; checked here with a TCP connect, as no HTTP prober exists yet.
    case http = "HTTP"
    /// A MySQL probe; checked here with a TCP connect.
    case mysql = "MYSQL"
    /// No active check: health is set by hand through the health API.
    case none = "NONE"

    /// The type named `text` in any letter case, or `nil`.
    public init?(named text: String) {
        self.init(rawValue: text.uppercased())
    }
}
