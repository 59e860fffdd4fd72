public import NacosRemote

extension PersistentInstanceRequest: NacosFastJSONCodable {
    /// Reads the message from a parsed JSON body, with the same defaults and lenient rules as `init(from:)`.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.init()
        self.namespace = try object.string("namespace")
        self.serviceName = try object.string("serviceName")
        self.groupName = try object.string("groupName")
        self.type = try object.string("type")
        self.instance = try object.object("instance").map { object throws(NacosRemoteError) in try Instance(jsonObject: object) }
        try self.readCommonFields(from: object)
    }

    /// Writes the message as its JSON body, as `encode(to:)` does.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.field("namespace", self.namespace)
            writer.field("serviceName", self.serviceName)
            writer.field("groupName", self.groupName)
            writer.field("type", self.type)
            if let value = self.instance {
                writer.key("instance")
                value.writeJSON(to: &writer)
            }
            self.writeCommonFields(to: &writer)
        }
    }
}
