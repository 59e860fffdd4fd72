/// Limits on how many connections the server accepts, read from the JSON limit-rule file (Nacos 2.0's
/// `ConnectionLimitRule`); `-1` means unlimited everywhere. Cluster-sourced connections are never limited.
public struct NacosConnectionLimitRule: Sendable, Equatable, Codable {
    /// Client IPs whose payloads are logged in detail.
    public var monitorIpList: Set<String>
    /// The most SDK connections in total, or -1.
    public var countLimit: Int
    /// The most connections per client IP when no specific rule applies, or -1.
    public var countLimitPerClientIpDefault: Int
    /// Per-IP limits, overriding the default.
    public var countLimitPerClientIp: [String: Int]
    /// Per-application limits (label `AppName`) on each client IP's connections, used when the IP has no rule.
    public var countLimitPerClientApp: [String: Int]

    /// Creates a rule; the defaults limit nothing.
    public init(
        monitorIpList: Set<String> = [],
        countLimit: Int = -1,
        countLimitPerClientIpDefault: Int = -1,
        countLimitPerClientIp: [String: Int] = [:],
        countLimitPerClientApp: [String: Int] = [:]
    ) {
        self.monitorIpList = monitorIpList
        self.countLimit = countLimit
        self.countLimitPerClientIpDefault = countLimitPerClientIpDefault
        self.countLimitPerClientIp = countLimitPerClientIp
        self.countLimitPerClientApp = countLimitPerClientApp
    }

    /// Decodes a rule, tolerating missing fields, `null`s and unknown fields, and counts written as strings.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.monitorIpList = Set(try container.decodeIfPresent([String].self, forKey: .monitorIpList) ?? [])
        self.countLimit = try container.decodeLenient(Int.self, forKey: .countLimit) ?? -1
        self.countLimitPerClientIpDefault = try container.decodeLenient(Int.self, forKey: .countLimitPerClientIpDefault) ?? -1
        self.countLimitPerClientIp = try container.decodeLenient([String: Int].self, forKey: .countLimitPerClientIp) ?? [:]
        self.countLimitPerClientApp = try container.decodeLenient([String: Int].self, forKey: .countLimitPerClientApp) ?? [:]
    }

    /// The per-IP limit for a connection from `clientIp` of application `appName`: the IP's rule, else
    /// the application's, else the default.
    public func limit(forClientIp clientIp: String, appName: String) -> Int {
        self.countLimitPerClientIp[clientIp] ?? self.countLimitPerClientApp[appName] ?? self.countLimitPerClientIpDefault
    }

    private enum CodingKeys: String, CodingKey {
        case monitorIpList
        case countLimit
        case countLimitPerClientIpDefault
        case countLimitPerClientIp
        case countLimitPerClientApp
    }
}
