public import NacosRemote

extension ServiceInfo: NacosFastJSONCodable {
    /// Reads a service info from a parsed JSON object, with the same defaults and lenient rules as
    /// `init(from:)`: only an explicit `null` leaves `hosts` nil.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        let hosts: [Instance]?
        if object["hosts"] == nil {
            hosts = []
        } else {
            hosts = try object.objects("hosts") { object throws(NacosRemoteError) in try Instance(jsonObject: object) }
        }
        self.init(
            name: try object.string("name"),
            groupName: try object.string("groupName"),
            clusters: try object.string("clusters"),
            cacheMillis: try object.integer("cacheMillis", as: Int64.self) ?? 1000,
            hosts: hosts,
            lastRefTime: try object.integer("lastRefTime", as: Int64.self) ?? 0,
            checksum: try object.string("checksum") ?? "",
            allIPs: try object.bool("allIPs") ?? false,
            reachProtectionThreshold: try object.bool("reachProtectionThreshold") ?? false
        )
    }

    /// Writes the service info as `encode(to:)` does, `valid` derived.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.field("name", self.name)
            writer.field("groupName", self.groupName)
            writer.field("clusters", self.clusters)
            writer.field("cacheMillis", self.cacheMillis)
            if let hosts = self.hosts {
                writer.key("hosts")
                writer.array { writer in for host in hosts { host.writeJSON(to: &writer) } }
            }
            writer.field("lastRefTime", self.lastRefTime)
            writer.field("checksum", self.checksum)
            writer.field("allIPs", self.allIPs)
            writer.field("reachProtectionThreshold", self.reachProtectionThreshold)
            writer.field("valid", self.valid)
        }
    }
}
