public import NacosRemote

/// Names one piece of Distro data: the key of the resource, its type, and (for tasks) the member it is
/// sent to — Nacos's `DistroKey` (reference §7.4).
///
/// For client data the resource key is the client id; a snapshot uses `SNAPSHOT`. A VERIFY request
/// carries the sender's own address in `targetServer`.
public struct DistroKey: Sendable, Hashable, Codable, NacosFastJSONCodable, CustomStringConvertible {
    /// The resource type of naming client data, `Nacos:Naming:v2:ClientData`.
    public static let clientDataType = "Nacos:Naming:v2:ClientData"

    /// The key of the resource (a client id, or `SNAPSHOT`).
    public var resourceKey: String
    /// The type of the resource (`clientDataType` for naming clients).
    public var resourceType: String
    /// The member the data is for or from (`ip:port`), or `nil`.
    public var targetServer: String?

    /// Creates a key.
    public init(resourceKey: String, resourceType: String = DistroKey.clientDataType, targetServer: String? = nil) {
        self.resourceKey = resourceKey
        self.resourceType = resourceType
        self.targetServer = targetServer
    }

    /// Reads a key from a parsed JSON object; missing strings read as empty.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.resourceKey = try object.string("resourceKey") ?? ""
        self.resourceType = try object.string("resourceType") ?? ""
        self.targetServer = try object.string("targetServer")
    }

    /// Writes the key as Jackson does, leaving out a `nil` target.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.field("resourceKey", self.resourceKey)
            writer.field("resourceType", self.resourceType)
            writer.field("targetServer", self.targetServer)
        }
    }

    /// Decodes the key leniently; missing strings read as empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.resourceKey = try container.decodeLenient(String.self, forKey: .resourceKey) ?? ""
        self.resourceType = try container.decodeLenient(String.self, forKey: .resourceType) ?? ""
        self.targetServer = try container.decodeLenient(String.self, forKey: .targetServer)
    }

    /// Encodes the key, leaving out a `nil` target.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.resourceKey, forKey: .resourceKey)
        try container.encode(self.resourceType, forKey: .resourceType)
        try container.encodeIfPresent(self.targetServer, forKey: .targetServer)
    }

    /// Java's `DistroKey{resourceKey='…', resourceType='…', targetServer='…'}`.
    public var description: String {
        "DistroKey{resourceKey='\(self.resourceKey)', resourceType='\(self.resourceType)', targetServer='\(self.targetServer ?? "null")'}"
    }

    private enum CodingKeys: String, CodingKey {
        case resourceKey, resourceType, targetServer
    }
}
