public import NacosRemote

/// A response carrying one `ServiceInfo`: `SubscribeServiceResponse` and `QueryServiceResponse` share
/// this shape, and this protocol's extension gives both their JSON codecs and field initializer.
public protocol ServiceInfoResponse: NacosResponse, NacosFastJSONCodable {
    /// The service data.
    var serviceInfo: ServiceInfo? { get set }
}

/// The JSON keys of a service-info response.
private enum ServiceInfoResponseKeys: String, CodingKey {
    case serviceInfo
}

extension ServiceInfoResponse {
    /// Creates a successful response carrying `serviceInfo`.
    public init(serviceInfo: ServiceInfo?) {
        self.init()
        self.serviceInfo = serviceInfo
    }

    /// Decodes the response from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: ServiceInfoResponseKeys.self)
        self.serviceInfo = try container.decodeIfPresent(ServiceInfo.self, forKey: .serviceInfo)
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the response as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ServiceInfoResponseKeys.self)
        try container.encodeIfPresent(self.serviceInfo, forKey: .serviceInfo)
        try self.encodeCommonFields(to: encoder)
    }

    /// Reads the response from a parsed JSON body, with the same defaults and lenient rules as `init(from:)`.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.init()
        self.serviceInfo = try object.object("serviceInfo").map { object throws(NacosRemoteError) in try ServiceInfo(jsonObject: object) }
        try self.readCommonFields(from: object)
    }

    /// Writes the response as its JSON body, as `encode(to:)` does.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            if let serviceInfo = self.serviceInfo {
                writer.key("serviceInfo")
                serviceInfo.writeJSON(to: &writer)
            }
            self.writeCommonFields(to: &writer)
        }
    }
}
