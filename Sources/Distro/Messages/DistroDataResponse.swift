public import NacosRemote

/// The answer to `DistroDataRequest` (Nacos's `DistroDataResponse`): the data of a SNAPSHOT or QUERY, the
/// failed client ids of a batch VERIFY, or nothing.
public struct DistroDataResponse: NacosResponse, NacosFastJSONCodable, Equatable {
    /// The payload type name, `"DistroDataResponse"`.
    public static let typeName = "DistroDataResponse"

    /// The data answered, or `nil`.
    public var distroData: DistroData?
    /// 200 on success, 500 on failure.
    public var resultCode: Int = NacosResponseCode.success
    /// The Nacos error code of a failure; 0 on success.
    public var errorCode: Int = 0
    /// A failure explanation, or `nil`.
    public var message: String?
    /// The id of the request answered, or `nil` on unary calls.
    public var requestId: String?

    /// Creates a successful response without data.
    public init() {}

    /// Creates a successful response carrying `distroData`.
    public init(distroData: DistroData?) {
        self.distroData = distroData
    }

    /// Reads the response from a parsed JSON body.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.distroData = try object.object("distroData").map { object throws(NacosRemoteError) in
            try DistroData(jsonObject: object)
        }
        try self.readCommonFields(from: object)
    }

    /// Writes the response as its JSON body, leaving out `nil` fields.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            if let distroData = self.distroData {
                writer.key("distroData")
                distroData.writeJSON(to: &writer)
            }
            self.writeCommonFields(to: &writer)
        }
    }

    /// Decodes the response from its JSON body, tolerating unknown fields.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.distroData = try container.decodeIfPresent(DistroData.self, forKey: .distroData)
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the response as its JSON body, leaving out `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.distroData, forKey: .distroData)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case distroData
    }
}
