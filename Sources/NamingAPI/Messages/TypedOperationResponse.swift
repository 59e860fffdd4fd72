public import NacosRemote

/// A response that echoes the operation `type`: `InstanceResponse` and `BatchInstanceResponse` share
/// this shape, and this protocol's extension gives both their JSON codecs and field initializer.
public protocol TypedOperationResponse: NacosResponse, NacosFastJSONCodable {
    /// The operation answered (`registerInstance`, `batchRegisterInstance`, …).
    var type: String? { get set }
}

/// The JSON keys of a typed operation response.
private enum TypedOperationKeys: String, CodingKey {
    case type
}

extension TypedOperationResponse {
    /// Creates a successful response for operation `type`.
    public init(type: String?) {
        self.init()
        self.type = type
    }

    /// Decodes the response from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: TypedOperationKeys.self)
        self.type = try container.decodeLenient(String.self, forKey: .type)
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the response as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypedOperationKeys.self)
        try container.encodeIfPresent(self.type, forKey: .type)
        try self.encodeCommonFields(to: encoder)
    }

    /// Reads the response from a parsed JSON body, with the same defaults and lenient rules as `init(from:)`.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.init()
        self.type = try object.string("type")
        try self.readCommonFields(from: object)
    }

    /// Writes the response as its JSON body, as `encode(to:)` does.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.field("type", self.type)
            self.writeCommonFields(to: &writer)
        }
    }
}
