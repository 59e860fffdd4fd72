/// A message with a hand-written JSON codec that `NacosJSON` uses instead of Foundation's `Codable`
/// path: the same fields, defaults and lenient rules, several times faster on the hot paths (register,
/// query, push).
///
/// A conforming type keeps its `Codable` implementation too (other encoders use it); tests check that
/// both produce the same JSON.
public protocol NacosFastJSONCodable {
    /// Reads the value from a parsed JSON object.
    init(jsonObject: NacosJSONObject) throws(NacosRemoteError)
    /// Writes the value as one JSON object.
    func writeJSON(to writer: inout NacosJSONWriter)
}

extension NacosRequest {
    /// Reads the common request fields (`requestId`, `headers`) from a parsed body.
    public mutating func readCommonFields(from object: NacosJSONObject) throws(NacosRemoteError) {
        self.requestId = try object.string("requestId")
        self.headers = try object.stringMap("headers") ?? [:]
    }

    /// Writes the common request fields: `headers`, `module`, and `requestId` when set.
    public func writeCommonFields(to writer: inout NacosJSONWriter) {
        writer.key("headers")
        writer.stringMap(self.headers)
        writer.field("module", Self.module.rawValue)
        writer.field("requestId", self.requestId)
    }
}

extension NacosResponse {
    /// Reads the common response fields; `resultCode` defaults to 200 and `errorCode` to 0.
    public mutating func readCommonFields(from object: NacosJSONObject) throws(NacosRemoteError) {
        self.resultCode = try object.integer("resultCode") ?? NacosResponseCode.success
        self.errorCode = try object.integer("errorCode") ?? 0
        self.message = try object.string("message")
        self.requestId = try object.string("requestId")
    }

    /// Writes the common response fields: `resultCode`, `errorCode`, `message` and `requestId` when set,
    /// and `success`.
    public func writeCommonFields(to writer: inout NacosJSONWriter) {
        writer.field("resultCode", self.resultCode)
        writer.field("errorCode", self.errorCode)
        writer.field("message", self.message)
        writer.field("requestId", self.requestId)
        writer.field("success", self.success)
    }
}
