public import NacosRemote

/// The answer to `MemberReportRequest` (Nacos's `MemberReportResponse`): the receiving member as it sees
/// itself.
public struct MemberReportResponse: NacosResponse, NacosFastJSONCodable, Equatable {
    /// The payload type name, `"MemberReportResponse"`.
    public static let typeName = "MemberReportResponse"

    /// The answering member, as Nacos's `Member` JSON; `nil` when absent or unusable.
    public var node: ClusterMember?
    /// 200 on success, 500 on failure.
    public var resultCode: Int = NacosResponseCode.success
    /// The Nacos error code of a failure; 0 on success.
    public var errorCode: Int = 0
    /// A failure explanation, or `nil`.
    public var message: String?
    /// The id of the server push this response answers, or `nil`.
    public var requestId: String?

    /// Creates a successful response with every field at its default.
    public init() {}

    /// Creates a successful response carrying `node`.
    public init(node: ClusterMember?) {
        self.node = node
    }

    /// Reads the response from a parsed JSON body; an unusable `node` reads as `nil`.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.node = (try? object.object("node")).flatMap { object in try? ClusterMember(jsonObject: object) }
        try self.readCommonFields(from: object)
    }

    /// Writes the response as its JSON body: `node` (when set) and the common fields.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            if let node = self.node {
                writer.key("node")
                node.writeJSON(to: &writer)
            }
            self.writeCommonFields(to: &writer)
        }
    }

    /// Decodes the response from its JSON body, tolerating unknown fields and `null`s.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.node = try? container.decodeIfPresent(ClusterMember.self, forKey: .node)
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the response as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.node, forKey: .node)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case node
    }
}
