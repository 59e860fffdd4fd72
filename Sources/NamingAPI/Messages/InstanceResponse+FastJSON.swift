public import NacosRemote

extension InstanceResponse: NacosFastJSONCodable {
    /// Reads the message from a parsed JSON body, with the same defaults and lenient rules as `init(from:)`.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.init()
        self.type = try object.string("type")
        try self.readCommonFields(from: object)
    }

    /// Writes the message as its JSON body, as `encode(to:)` does.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.field("type", self.type)
            self.writeCommonFields(to: &writer)
        }
    }
}
