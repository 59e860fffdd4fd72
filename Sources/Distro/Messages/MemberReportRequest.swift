public import NacosRemote

/// A member reporting itself to a peer, on the cluster port only (Nacos's `MemberReportRequest`, module
/// `cluster`): the receiver marks the sender UP and answers with itself.
///
/// A `node` that is missing or has no usable `ip:port` decodes as `nil`, and the handler answers it with
/// error 400 "Node information is illegal", as Nacos does.
public struct MemberReportRequest: NacosRequest, NacosFastJSONCodable, Equatable {
    /// The payload type name, `"MemberReportRequest"`.
    public static let typeName = "MemberReportRequest"
    /// The module written to the body, `cluster`.
    public static let module = NacosRequestModule.cluster

    /// The reporting member, as Nacos's `Member` JSON.
    public var node: ClusterMember?
    /// The request id: set by the server on its pushes, `nil` on unary calls.
    public var requestId: String?
    /// The request headers.
    public var headers: [String: String] = [:]

    /// Creates a request with every field at its default.
    public init() {}

    /// Creates a report of `node`.
    public init(node: ClusterMember?) {
        self.node = node
    }

    /// Reads the request from a parsed JSON body; an unusable `node` reads as `nil`.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.node = (try? object.object("node")).flatMap { object in try? ClusterMember(jsonObject: object) }
        try self.readCommonFields(from: object)
    }

    /// Writes the request as its JSON body: `node` (when set), `headers`, `module`, `requestId` (when set).
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            if let node = self.node {
                writer.key("node")
                node.writeJSON(to: &writer)
            }
            self.writeCommonFields(to: &writer)
        }
    }

    /// Decodes the request from its JSON body, tolerating unknown fields and `null`s; an unusable `node`
    /// reads as `nil`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.node = try? container.decodeIfPresent(ClusterMember.self, forKey: .node)
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the request as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.node, forKey: .node)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case node
    }
}
