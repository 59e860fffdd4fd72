public import NacosRemote

extension ServiceQueryRequest: NacosFastJSONCodable {
    /// Reads the message from a parsed JSON body, with the same defaults and lenient rules as `init(from:)`.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.init()
        self.namespace = try object.string("namespace")
        self.serviceName = try object.string("serviceName")
        self.groupName = try object.string("groupName")
        self.cluster = try object.string("cluster") ?? ""
        // Nacos writes `healthyOnly`; some clients send `healthOnly`. Either is accepted.
        if let healthyOnly = try object.bool("healthyOnly") {
            self.healthyOnly = healthyOnly
        } else {
            self.healthyOnly = try object.bool("healthOnly") ?? false
        }
        self.udpPort = try object.integer("udpPort") ?? 0
        try self.readCommonFields(from: object)
    }

    /// Writes the message as its JSON body, as `encode(to:)` does.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.field("namespace", self.namespace)
            writer.field("serviceName", self.serviceName)
            writer.field("groupName", self.groupName)
            writer.field("cluster", self.cluster)
            writer.field("healthyOnly", self.healthyOnly)
            writer.field("udpPort", self.udpPort)
            self.writeCommonFields(to: &writer)
        }
    }
}
