public import NacosRemote

extension ServiceListRequest: NacosFastJSONCodable {
    /// Reads the message from a parsed JSON body, with the same defaults and lenient rules as `init(from:)`.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.init()
        self.namespace = try object.string("namespace")
        self.serviceName = try object.string("serviceName")
        self.groupName = try object.string("groupName")
        self.pageNo = try object.integer("pageNo") ?? 1
        self.pageSize = try object.integer("pageSize") ?? 10
        self.selector = try object.string("selector")
        try self.readCommonFields(from: object)
    }

    /// Writes the message as its JSON body, as `encode(to:)` does.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.field("namespace", self.namespace)
            writer.field("serviceName", self.serviceName)
            writer.field("groupName", self.groupName)
            writer.field("pageNo", self.pageNo)
            writer.field("pageSize", self.pageSize)
            writer.field("selector", self.selector)
            self.writeCommonFields(to: &writer)
        }
    }
}
