public import NacosRemote

/// One piece of Distro data on the wire — Nacos's `DistroData` (reference §7.4): its key, the operation
/// it carries, and its content, which JSON carries as base64 (as Jackson writes `byte[]`).
public struct DistroData: Sendable, Hashable, Codable, NacosFastJSONCodable {
    /// What the data is.
    public var distroKey: DistroKey
    /// The operation the data carries; `nil` when the sender left it out (Nacos's query and snapshot
    /// answers do).
    public var type: DataOperation?
    /// The content: JSON of `ClientSyncData`, `ClientSyncDatumSnapshot` or `DistroClientVerifyInfo`.
    public var content: [UInt8]

    /// Creates data.
    public init(distroKey: DistroKey, type: DataOperation?, content: [UInt8] = []) {
        self.distroKey = distroKey
        self.type = type
        self.content = content
    }

    /// Reads data from a parsed JSON object; a missing key reads as an empty one, missing content as empty.
    ///
    /// - Throws: `NacosRemoteError` (`malformedBody`) for an unknown operation or content that is not base64.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.distroKey = try object.object("distroKey").map { object throws(NacosRemoteError) in
            try DistroKey(jsonObject: object)
        } ?? DistroKey(resourceKey: "", resourceType: "")
        self.type = try Self.operation(try object.string("type"))
        if let content = try object.string("content") {
            do {
                self.content = try DistroBase64.decode(content)
            } catch {
                throw NacosRemoteError(.malformedBody, "content: \(error.message)")
            }
        } else {
            self.content = []
        }
    }

    /// Writes the data with its content as base64, leaving out a `nil` type.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.key("distroKey")
            self.distroKey.writeJSON(to: &writer)
            writer.field("type", self.type?.rawValue)
            writer.field("content", DistroBase64.encodeString(self.content))
        }
    }

    /// Decodes data leniently, its content from base64.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.distroKey = try container.decodeIfPresent(DistroKey.self, forKey: .distroKey) ?? DistroKey(resourceKey: "", resourceType: "")
        do {
            self.type = try Self.operation(try container.decodeLenient(String.self, forKey: .type))
            self.content = try container.decodeLenient(String.self, forKey: .content).map { text throws(NacosRemoteError) in
                try DistroBase64.decode(text)
            } ?? []
        } catch let error as NacosRemoteError {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: container.codingPath, debugDescription: error.message))
        }
    }

    /// Encodes the data with its content as base64, leaving out a `nil` type.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.distroKey, forKey: .distroKey)
        try container.encodeIfPresent(self.type?.rawValue, forKey: .type)
        try container.encode(DistroBase64.encodeString(self.content), forKey: .content)
    }

    /// The operation named `name`, `nil` for none.
    ///
    /// - Throws: `NacosRemoteError` (`malformedBody`) for a name that is not an operation.
    static func operation(_ name: String?) throws(NacosRemoteError) -> DataOperation? {
        guard let name, !name.isEmpty else { return nil }
        guard let operation = DataOperation(rawValue: name) else {
            throw NacosRemoteError(.malformedBody, "unknown data operation \(name)")
        }
        return operation
    }

    private enum CodingKeys: String, CodingKey {
        case distroKey, type, content
    }
}
