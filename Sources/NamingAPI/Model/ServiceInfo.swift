import NacosRemote

/// A service's instances as the server sends them to queries, subscriptions and pushes, with Nacos's
/// `ServiceInfo` JSON (reference §3.8).
public struct ServiceInfo: Codable, Sendable, Hashable {
    /// The service name: ungrouped on the RPC protocol, `group@@name` on HTTP v1 and UDP.
    public var name: String?
    /// The group, or `nil`.
    public var groupName: String?
    /// The cluster filter the data was built for (comma-separated, `""` for all).
    public var clusters: String?
    /// How long a client may cache the data, in milliseconds.
    public var cacheMillis: Int64
    /// The instances; `nil` only when a peer sent `null` (such data is invalid and ignored by clients).
    public var hosts: [Instance]?
    /// When the data was generated, in epoch milliseconds; strictly increasing per service on one server.
    public var lastRefTime: Int64
    /// A checksum; Nacos 2.x sends `""`.
    public var checksum: String
    /// Whether every instance is listed regardless of health (HTTP `allIPs`).
    public var allIPs: Bool
    /// Whether the protect threshold was reached, so every selected instance is reported healthy.
    public var reachProtectionThreshold: Bool

    /// Creates a service info; `hosts` defaults to an empty list and `cacheMillis` to 1000 as in Java.
    public init(
        name: String? = nil,
        groupName: String? = nil,
        clusters: String? = "",
        cacheMillis: Int64 = 1000,
        hosts: [Instance]? = [],
        lastRefTime: Int64 = 0,
        checksum: String = "",
        allIPs: Bool = false,
        reachProtectionThreshold: Bool = false
    ) {
        self.name = name
        self.groupName = groupName
        self.clusters = clusters
        self.cacheMillis = cacheMillis
        self.hosts = hosts
        self.lastRefTime = lastRefTime
        self.checksum = checksum
        self.allIPs = allIPs
        self.reachProtectionThreshold = reachProtectionThreshold
    }

    /// Whether `hosts` is present (Java's `isValid()`).
    public var valid: Bool { self.hosts != nil }

    /// The instances, `[]` when `hosts` is `nil`.
    public var instances: [Instance] { self.hosts ?? [] }

    /// `group@@name`, the key clients cache by (`name` is returned unchanged when already grouped).
    public var groupedName: String {
        let name = self.name ?? ""
        if name.utf8.contains(UInt8(ascii: "@")), NamingDefaults.splitGroupedName(name).service != name { return name }
        return NamingDefaults.groupedName(service: name, group: NamingDefaults.group(self.groupName))
    }

    /// Whether a client should accept the data under push-empty protection: hosts present, and at least
    /// one healthy instance with a positive weight unless `allIPs` (Java's `validate()`).
    public var hasUsableHosts: Bool {
        if self.allIPs { return true }
        guard let hosts = self.hosts else { return false }
        return hosts.contains { $0.healthy && $0.weight > 0 }
    }

    /// Decodes a service info leniently from its JSON object.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.decodeLenient(String.self, forKey: .name)
        self.groupName = try container.decodeLenient(String.self, forKey: .groupName)
        self.clusters = try container.decodeLenient(String.self, forKey: .clusters)
        self.cacheMillis = try container.decodeLenient(Int64.self, forKey: .cacheMillis) ?? 1000
        // Only an explicit `null` leaves `hosts` nil; a missing key keeps Java's default, an empty list.
        self.hosts = container.contains(.hosts) ? try container.decodeIfPresent([Instance].self, forKey: .hosts) : []
        self.lastRefTime = try container.decodeLenient(Int64.self, forKey: .lastRefTime) ?? 0
        self.checksum = try container.decodeLenient(String.self, forKey: .checksum) ?? ""
        self.allIPs = try container.decodeLenient(Bool.self, forKey: .allIPs) ?? false
        self.reachProtectionThreshold = try container.decodeLenient(Bool.self, forKey: .reachProtectionThreshold) ?? false
    }

    /// Encodes the service info as Java's Jackson does: `nil` fields omitted, `valid` derived.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.name, forKey: .name)
        try container.encodeIfPresent(self.groupName, forKey: .groupName)
        try container.encodeIfPresent(self.clusters, forKey: .clusters)
        try container.encode(self.cacheMillis, forKey: .cacheMillis)
        try container.encodeIfPresent(self.hosts, forKey: .hosts)
        try container.encode(self.lastRefTime, forKey: .lastRefTime)
        try container.encode(self.checksum, forKey: .checksum)
        try container.encode(self.allIPs, forKey: .allIPs)
        try container.encode(self.reachProtectionThreshold, forKey: .reachProtectionThreshold)
        try container.encode(self.valid, forKey: .valid)
    }

    private enum CodingKeys: String, CodingKey {
        case name, groupName, clusters, cacheMillis, hosts, lastRefTime, checksum, allIPs, reachProtectionThreshold, valid
    }
}
