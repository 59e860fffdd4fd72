public import NacosNamingAPI

/// An operator's overlay on one published instance (Nacos's `InstanceMetadata`), set with the HTTP
/// update and patch calls and kept per service under its metadata id `ip:port:cluster`.
///
/// When instances are built for queries and pushes, the overlay's `enabled` and `weight` replace the
/// published ones and `extendData` is merged over the published metadata; the publication itself is
/// never changed.
public struct InstanceMetadata: Sendable, Hashable {
    /// Whether the instance takes traffic.
    public var enabled: Bool
    /// The selection weight.
    public var weight: Double
    /// Metadata merged over the instance's own (overlay values win).
    public var extendData: [String: String]

    /// Creates an overlay; the defaults are Nacos's (`enabled`, weight 1.0, no metadata).
    public init(enabled: Bool = true, weight: Double = 1.0, extendData: [String: String] = [:]) {
        self.enabled = enabled
        self.weight = weight
        self.extendData = extendData
    }

    /// The metadata id of an instance, `ip:port:cluster` (Nacos's `InstancePublishInfo.genMetadataId`).
    public static func metadataId(ip: String, port: Int, cluster: String) -> String {
        ip + ":" + String(port) + ":" + cluster
    }

    /// `instance` with this overlay applied: enabled and weight replaced, metadata merged.
    public func applied(to instance: Instance) -> Instance {
        var result = instance
        result.enabled = self.enabled
        result.weight = self.weight
        if !self.extendData.isEmpty {
            result.metadata.merge(self.extendData) { _, overlay in overlay }
        }
        return result
    }
}
