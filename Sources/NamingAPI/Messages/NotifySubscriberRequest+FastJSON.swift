public import NacosRemote

extension NotifySubscriberRequest: NacosFastJSONCodable {
    /// Reads the message from a parsed JSON body, with the same defaults and lenient rules as `init(from:)`.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.init()
        self.namespace = try object.string("namespace")
        self.serviceName = try object.string("serviceName")
        self.groupName = try object.string("groupName")
        self.serviceInfo = try object.object("serviceInfo").map { object throws(NacosRemoteError) in try ServiceInfo(jsonObject: object) }
        try self.readCommonFields(from: object)
    }

    /// Writes the message as its JSON body, as `encode(to:)` does.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.field("namespace", self.namespace)
            writer.field("serviceName", self.serviceName)
            writer.field("groupName", self.groupName)
            if let value = self.serviceInfo {
                writer.key("serviceInfo")
                value.writeJSON(to: &writer)
            }
            self.writeCommonFields(to: &writer)
        }
    }
}
