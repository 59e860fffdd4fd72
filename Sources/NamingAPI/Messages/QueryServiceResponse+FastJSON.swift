public import NacosRemote

extension QueryServiceResponse: NacosFastJSONCodable {
    /// Reads the message from a parsed JSON body, with the same defaults and lenient rules as `init(from:)`.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.init()
        self.serviceInfo = try object.object("serviceInfo").map { object throws(NacosRemoteError) in try ServiceInfo(jsonObject: object) }
        try self.readCommonFields(from: object)
    }

    /// Writes the message as its JSON body, as `encode(to:)` does.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            if let value = self.serviceInfo {
                writer.key("serviceInfo")
                value.writeJSON(to: &writer)
            }
            self.writeCommonFields(to: &writer)
        }
    }
}
