public import NacosNamingAPI

/// What a client published for one instance of a service (reference §6.2, §3.8): the address, health,
/// cluster, weight, enabled flag, instance id and metadata, plus the beat and check state of ip:port clients.
///
/// Nacos keeps the instance id, weight and enabled flag inside `extendDatum` under the keys
/// `customInstanceId`, `publishInstanceWeight` and `publishInstanceEnable`; they are fields here and
/// `extendDatum` rebuilds that map for peers that expect it.
public struct InstancePublishInfo: Sendable, Hashable {
    /// The instance address.
    public var ip: String
    /// The instance port.
    public var port: Int
    /// Whether the instance is healthy.
    public var healthy: Bool
    /// The cluster (`DEFAULT` when none was given).
    public var cluster: String
    /// The instance id.
    public var instanceId: String
    /// The selection weight.
    public var weight: Double
    /// Whether the instance takes traffic.
    public var enabled: Bool
    /// The instance metadata.
    public var metadata: [String: String]
    /// When the last beat arrived (ip:port clients), in epoch milliseconds.
    public var lastHeartBeatTime: Int64
    /// Consecutive health-check results that disagree with `healthy` (persistent instances).
    public var consecutiveOppositeChecks: Int

    /// Creates publish info from an API instance already normalised by the server (instance id set).
    public init(instance: Instance, now: Int64) {
        self.ip = instance.ip
        self.port = instance.port
        self.healthy = instance.healthy
        self.cluster = instance.effectiveClusterName
        self.instanceId = instance.instanceId ?? ""
        self.weight = instance.weight
        self.enabled = instance.enabled
        self.metadata = instance.metadata
        self.lastHeartBeatTime = now
        self.consecutiveOppositeChecks = 0
    }

    /// `ip:port`.
    public var address: String { "\(self.ip):\(self.port)" }

    /// The id of the instance's overlay, `ip:port:cluster` (Nacos's `getMetadataId`).
    public var metadataId: String { InstanceMetadata.metadataId(ip: self.ip, port: self.port, cluster: self.cluster) }

    /// The unhealthy timeout: metadata `preserved.heart.beat.timeout`, else 15 s.
    public var heartBeatTimeoutMillis: Int64 {
        Self.millis(self.metadata[NamingDefaults.heartBeatTimeoutKey]) ?? NamingDefaults.heartBeatTimeoutMillis
    }

    /// The delete timeout: metadata `preserved.ip.delete.timeout`, else 30 s.
    public var ipDeleteTimeoutMillis: Int64 {
        Self.millis(self.metadata[NamingDefaults.ipDeleteTimeoutKey]) ?? NamingDefaults.ipDeleteTimeoutMillis
    }

    /// The API instance this entry reads back as (reference §3.8), for `groupedServiceName` of a service
    /// with the given `ephemeral` flag.
    public func instance(groupedServiceName: String, ephemeral: Bool) -> Instance {
        Instance(
            ip: self.ip,
            port: self.port,
            weight: self.weight,
            healthy: self.healthy,
            enabled: self.enabled,
            ephemeral: ephemeral,
            clusterName: self.cluster,
            serviceName: groupedServiceName,
            metadata: self.metadata,
            instanceId: self.instanceId
        )
    }

    /// Nacos's `extendDatum`: the metadata plus `customInstanceId`, `publishInstanceWeight` (when not 1.0)
    /// and `publishInstanceEnable` (when false).
    public var extendDatum: [String: String] {
        var datum = self.metadata
        datum["customInstanceId"] = self.instanceId
        if self.weight != 1.0 { datum["publishInstanceWeight"] = String(self.weight) }
        if !self.enabled { datum["publishInstanceEnable"] = "false" }
        return datum
    }

    private static func millis(_ text: String?) -> Int64? {
        guard let text else { return nil }
        return Int64(text.trimmingBlanks)
    }
}
