import NacosNaming
import NacosNamingAPI
import NacosRemote

/// Nacos's JSON of `InstancePublishInfo` in Distro data (reference §7.4):
/// `{ip, port, healthy, cluster, extendDatum}`, where `extendDatum` holds the metadata plus
/// `customInstanceId`, `publishInstanceWeight` (a number, when not 1.0) and `publishInstanceEnable`
/// (`false`, when disabled).
extension InstancePublishInfo {
    /// The `extendDatum` key of the instance id.
    static let customInstanceIdKey = "customInstanceId"
    /// The `extendDatum` key of the weight.
    static let publishInstanceWeightKey = "publishInstanceWeight"
    /// The `extendDatum` key of the enabled flag.
    static let publishInstanceEnableKey = "publishInstanceEnable"

    /// Reads publish info from its Distro JSON; weight, enabled flag and instance id come out of
    /// `extendDatum`, which leaves the rest as metadata. Beat time and check count start at 0.
    init(distroJSON object: NacosJSONObject) throws(NacosRemoteError) {
        var ip = ""
        var port = 0
        var healthy = false
        var cluster: String?
        var instanceId: String?
        var weight = 1.0
        var enabled = true
        var metadata: [String: String] = [:]
        for (key, value) in object.members {
            switch key {
            case "ip": ip = try DistroJSONRead.string(value, key) ?? ""
            case "port": port = try DistroJSONRead.int(value, key) ?? 0
            case "healthy": healthy = try DistroJSONRead.bool(value, key) ?? false
            case "cluster": cluster = try DistroJSONRead.string(value, key)
            case "extendDatum":
                guard let datum = try DistroJSONRead.object(value, key) else { continue }
                metadata.reserveCapacity(datum.members.count)
                for (name, item) in datum.members {
                    switch name {
                    case Self.customInstanceIdKey: instanceId = Self.scalarText(item)
                    case Self.publishInstanceWeightKey: weight = try Self.weight(item)
                    case Self.publishInstanceEnableKey: enabled = try Self.flag(item)
                    default: if let text = Self.scalarText(item) { metadata[name] = text }
                    }
                }
            default: continue
            }
        }
        let instance = Instance(
            ip: ip,
            port: port,
            weight: weight,
            healthy: healthy,
            enabled: enabled,
            clusterName: NamingDefaults.cluster(cluster),
            metadata: metadata,
            instanceId: instanceId ?? ""
        )
        self.init(instance: instance, now: 0)
    }

    /// Writes the publish info as its Distro JSON.
    func writeDistroJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.field("ip", self.ip)
            writer.field("port", self.port)
            writer.field("healthy", self.healthy)
            writer.field("cluster", self.cluster)
            writer.key("extendDatum")
            writer.object { writer in
                for (key, value) in self.metadata
                where key != Self.customInstanceIdKey && key != Self.publishInstanceWeightKey && key != Self.publishInstanceEnableKey {
                    writer.key(key)
                    writer.string(value)
                }
                if !self.instanceId.isEmpty { writer.field(Self.customInstanceIdKey, self.instanceId) }
                if self.weight != 1.0 { writer.field(Self.publishInstanceWeightKey, self.weight) }
                if !self.enabled { writer.field(Self.publishInstanceEnableKey, false) }
            }
        }
    }

    /// The text of a scalar (Jackson's `Object` values of a metadata map); `nil` for `null`, arrays and objects.
    private static func scalarText(_ value: NacosJSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .integer(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .null, .array, .object: nil
        }
    }

    private static func weight(_ value: NacosJSONValue) throws(NacosRemoteError) -> Double {
        switch value {
        case .integer(let number): return Double(number)
        case .double(let number) where number.isFinite: return number
        case .string(let text):
            if let number = Double(text), number.isFinite { return number }
        case .null: return 1.0
        default: break
        }
        throw NacosRemoteError(.malformedBody, "extendDatum.\(Self.publishInstanceWeightKey): expected a finite number, found \(value.kindName)")
    }

    private static func flag(_ value: NacosJSONValue) throws(NacosRemoteError) -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .string("true"): return true
        case .string("false"): return false
        case .null: return true
        default: throw NacosRemoteError(.malformedBody, "extendDatum.\(Self.publishInstanceEnableKey): expected a boolean, found \(value.kindName)")
        }
    }
}
