public import NacosRemote

extension ServiceListResponse: NacosFastJSONCodable {
    /// Reads the message from a parsed JSON body, with the same defaults and lenient rules as `init(from:)`.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.init()
        self.count = try object.integer("count") ?? 0
        self.serviceNames = try object.strings("serviceNames") ?? []
        try self.readCommonFields(from: object)
    }

    /// Writes the message as its JSON body, as `encode(to:)` does.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.field("count", self.count)
            writer.key("serviceNames")
            writer.array { writer in for name in self.serviceNames { writer.string(name) } }
            self.writeCommonFields(to: &writer)
        }
    }
}
