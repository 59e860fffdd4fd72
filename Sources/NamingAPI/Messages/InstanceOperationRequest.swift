public import NacosRemote

/// A naming request that carries one instance and an operation `type`: `InstanceRequest` and
/// `PersistentInstanceRequest` share this shape, and this protocol's extension gives both their JSON
/// codecs (Foundation's and the fast one) and their field initializer.
public protocol InstanceOperationRequest: NamingRequest, NacosFastJSONCodable {
    /// The operation (`registerInstance` or `deregisterInstance`).
    var type: String? { get set }
    /// The instance.
    var instance: Instance? { get set }
}

/// The JSON keys of an instance operation request.
private enum InstanceOperationKeys: String, CodingKey {
    case namespace, serviceName, groupName, type, instance
}

extension InstanceOperationRequest {
    /// Creates a request with the given fields.
    public init(namespace: String? = nil, serviceName: String? = nil, groupName: String? = nil, type: String? = nil, instance: Instance? = nil) {
        self.init()
        self.namespace = namespace
        self.serviceName = serviceName
        self.groupName = groupName
        self.type = type
        self.instance = instance
    }

    /// Decodes the request from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: InstanceOperationKeys.self)
        self.namespace = try container.decodeLenient(String.self, forKey: .namespace)
        self.serviceName = try container.decodeLenient(String.self, forKey: .serviceName)
        self.groupName = try container.decodeLenient(String.self, forKey: .groupName)
        self.type = try container.decodeLenient(String.self, forKey: .type)
        self.instance = try container.decodeIfPresent(Instance.self, forKey: .instance)
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the request as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: InstanceOperationKeys.self)
        try container.encodeIfPresent(self.namespace, forKey: .namespace)
        try container.encodeIfPresent(self.serviceName, forKey: .serviceName)
        try container.encodeIfPresent(self.groupName, forKey: .groupName)
        try container.encodeIfPresent(self.type, forKey: .type)
        try container.encodeIfPresent(self.instance, forKey: .instance)
        try self.encodeCommonFields(to: encoder)
    }

    /// Reads the request from a parsed JSON body, with the same defaults and lenient rules as `init(from:)`.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.init()
        self.namespace = try object.string("namespace")
        self.serviceName = try object.string("serviceName")
        self.groupName = try object.string("groupName")
        self.type = try object.string("type")
        self.instance = try object.object("instance").map { object throws(NacosRemoteError) in try Instance(jsonObject: object) }
        try self.readCommonFields(from: object)
    }

    /// Writes the request as its JSON body, as `encode(to:)` does.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.field("namespace", self.namespace)
            writer.field("serviceName", self.serviceName)
            writer.field("groupName", self.groupName)
            writer.field("type", self.type)
            if let instance = self.instance {
                writer.key("instance")
                instance.writeJSON(to: &writer)
            }
            self.writeCommonFields(to: &writer)
        }
    }
}
