public import NacosRemote

extension Instance: NacosFastJSONCodable {
    /// Reads an instance from a parsed JSON object, with the same defaults and lenient rules as `init(from:)`.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.init(
            ip: try object.string("ip") ?? "",
            port: try object.integer("port") ?? 0,
            weight: try object.double("weight") ?? 1.0,
            healthy: try object.bool("healthy") ?? true,
            enabled: try object.bool("enabled") ?? true,
            ephemeral: try object.bool("ephemeral") ?? true,
            clusterName: try object.string("clusterName"),
            serviceName: try object.string("serviceName"),
            metadata: try object.stringMap("metadata") ?? [:],
            instanceId: try object.string("instanceId")
        )
    }

    /// Writes the instance as `encode(to:)` does, derived timings included.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.field("instanceId", self.instanceId)
            writer.field("ip", self.ip)
            writer.field("port", self.port)
            writer.field("weight", self.weight)
            writer.field("healthy", self.healthy)
            writer.field("enabled", self.enabled)
            writer.field("ephemeral", self.ephemeral)
            writer.field("clusterName", self.clusterName)
            writer.field("serviceName", self.serviceName)
            writer.key("metadata")
            writer.stringMap(self.metadata)
            writer.field("instanceHeartBeatInterval", self.instanceHeartBeatInterval)
            writer.field("instanceHeartBeatTimeOut", self.instanceHeartBeatTimeOut)
            writer.field("ipDeleteTimeout", self.ipDeleteTimeout)
            writer.field("instanceIdGenerator", self.instanceIdGenerator)
        }
    }
}
