import NacosRemote

/// One registered endpoint of a service, with Nacos's `Instance` JSON (reference §3.8).
///
/// Decoding is lenient (unknown fields ignored, `null`s and missing fields take the defaults, numbers may
/// arrive as strings); encoding omits `nil` fields and adds the derived beat timings and
/// `instanceIdGenerator` that Java's getters emit.
public struct Instance: Codable, Sendable, Hashable {
    /// The instance id (`ip#port#cluster#group@@service` when generated), or `nil` before the server fills it.
    public var instanceId: String?
    /// The address clients connect to.
    public var ip: String
    /// The port clients connect to.
    public var port: Int
    /// The relative weight for weighted selection; 1.0 by default.
    public var weight: Double
    /// Whether the instance is healthy.
    public var healthy: Bool
    /// Whether the instance takes traffic; disabled instances are left out of queries and pushes.
    public var enabled: Bool
    /// Whether the instance lives only as long as its connection or beats (`true`) or is persistent.
    public var ephemeral: Bool
    /// The cluster the instance belongs to, or `nil` (read as `DEFAULT`).
    public var clusterName: String?
    /// The grouped service name (`group@@service`), or `nil`.
    public var serviceName: String?
    /// Free-form metadata; the `preserved.*` keys tune beat timings.
    public var metadata: [String: String]

    /// Creates an instance; every field but the address has Nacos's default.
    public init(
        ip: String = "",
        port: Int = 0,
        weight: Double = 1.0,
        healthy: Bool = true,
        enabled: Bool = true,
        ephemeral: Bool = true,
        clusterName: String? = nil,
        serviceName: String? = nil,
        metadata: [String: String] = [:],
        instanceId: String? = nil
    ) {
        self.instanceId = instanceId
        self.ip = ip
        self.port = port
        self.weight = weight
        self.healthy = healthy
        self.enabled = enabled
        self.ephemeral = ephemeral
        self.clusterName = clusterName
        self.serviceName = serviceName
        self.metadata = metadata
    }

    /// The beat interval in milliseconds: metadata `preserved.heart.beat.interval`, else 5000.
    public var instanceHeartBeatInterval: Int64 {
        self.metadataMillis(NamingDefaults.heartBeatIntervalKey) ?? NamingDefaults.heartBeatIntervalMillis
    }

    /// The unhealthy timeout in milliseconds: metadata `preserved.heart.beat.timeout`, else 15000.
    public var instanceHeartBeatTimeOut: Int64 {
        self.metadataMillis(NamingDefaults.heartBeatTimeoutKey) ?? NamingDefaults.heartBeatTimeoutMillis
    }

    /// The delete timeout in milliseconds: metadata `preserved.ip.delete.timeout`, else 30000.
    public var ipDeleteTimeout: Int64 {
        self.metadataMillis(NamingDefaults.ipDeleteTimeoutKey) ?? NamingDefaults.ipDeleteTimeoutMillis
    }

    /// The instance id generator: metadata `preserved.instance.id.generator`, else `simple`.
    public var instanceIdGenerator: String {
        self.metadata[NamingDefaults.instanceIdGeneratorKey] ?? NamingDefaults.instanceIdGenerator
    }

    /// `ip:port`, the address as Java's `toInetAddr()` prints it.
    public var inetAddress: String { "\(self.ip):\(self.port)" }

    /// The cluster, with `nil` or blank read as `DEFAULT`.
    public var effectiveClusterName: String { NamingDefaults.cluster(self.clusterName) }

    /// The id Nacos's "simple" generator gives: `ip#port#cluster#groupedServiceName`, where a missing
    /// cluster prints as `null` as in Java.
    public static func generatedInstanceId(ip: String, port: Int, clusterName: String?, groupedServiceName: String) -> String {
        let separator = NamingDefaults.instanceIdSeparator
        return ip + separator + String(port) + separator + (clusterName ?? "null") + separator + groupedServiceName
    }

    /// Whether the beat timings are consistent (interval below both timeouts) and the cluster name uses
    /// only `0-9a-zA-Z-`: Java's `NamingUtils.checkInstanceIsLegal`. Returns Java's failure message, or `nil`.
    public var illegalReason: String? {
        if self.instanceHeartBeatTimeOut < self.instanceHeartBeatInterval
            || self.ipDeleteTimeout < self.instanceHeartBeatInterval
        {
            return "Instance 'heart beat interval' must less than 'heart beat timeout' and 'ip delete timeout'."
        }
        if let cluster = self.clusterName, !cluster.isEmpty,
            !cluster.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || $0 == "-" })
        {
            return "Instance 'clusterName' should be characters with only 0-9a-zA-Z-. (current: \(cluster))"
        }
        return nil
    }

    /// The metadata value under `key` when it is a plain run of ASCII digits (Java's `NamingUtils.isNumber`,
    /// `^\d+$`: no sign, no spaces) that fits in 64 bits; otherwise `nil`, so the default applies.
    private func metadataMillis(_ key: String) -> Int64? {
        guard let text = self.metadata[key], !text.isEmpty,
            text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return Int64(text)
    }

    /// Decodes an instance leniently from its JSON object.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.instanceId = try container.decodeLenient(String.self, forKey: .instanceId)
        self.ip = try container.decodeLenient(String.self, forKey: .ip) ?? ""
        self.port = try container.decodeLenient(Int.self, forKey: .port) ?? 0
        self.weight = try container.decodeLenient(Double.self, forKey: .weight) ?? 1.0
        self.healthy = try container.decodeLenient(Bool.self, forKey: .healthy) ?? true
        self.enabled = try container.decodeLenient(Bool.self, forKey: .enabled) ?? true
        self.ephemeral = try container.decodeLenient(Bool.self, forKey: .ephemeral) ?? true
        self.clusterName = try container.decodeLenient(String.self, forKey: .clusterName)
        self.serviceName = try container.decodeLenient(String.self, forKey: .serviceName)
        self.metadata = try container.decodeLenient([String: String].self, forKey: .metadata) ?? [:]
    }

    /// Encodes the instance as Java's Jackson does: `nil` fields omitted, derived timings included.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.instanceId, forKey: .instanceId)
        try container.encode(self.ip, forKey: .ip)
        try container.encode(self.port, forKey: .port)
        try container.encode(self.weight, forKey: .weight)
        try container.encode(self.healthy, forKey: .healthy)
        try container.encode(self.enabled, forKey: .enabled)
        try container.encode(self.ephemeral, forKey: .ephemeral)
        try container.encodeIfPresent(self.clusterName, forKey: .clusterName)
        try container.encodeIfPresent(self.serviceName, forKey: .serviceName)
        try container.encode(self.metadata, forKey: .metadata)
        try container.encode(self.instanceHeartBeatInterval, forKey: .instanceHeartBeatInterval)
        try container.encode(self.instanceHeartBeatTimeOut, forKey: .instanceHeartBeatTimeOut)
        try container.encode(self.ipDeleteTimeout, forKey: .ipDeleteTimeout)
        try container.encode(self.instanceIdGenerator, forKey: .instanceIdGenerator)
    }

    private enum CodingKeys: String, CodingKey {
        case instanceId, ip, port, weight, healthy, enabled, ephemeral, clusterName, serviceName, metadata
        case instanceHeartBeatInterval, instanceHeartBeatTimeOut, ipDeleteTimeout, instanceIdGenerator
    }
}

extension Unicode.Scalar {
    /// Whether the scalar is an ASCII letter or digit.
    package var isASCIIAlphanumeric: Bool {
        ("0"..."9").contains(self) || ("a"..."z").contains(self) || ("A"..."Z").contains(self)
    }
}
