/// A Nacos request: a message one side sends expecting a response, identified on the wire by `typeName`.
///
/// The JSON body holds the request's own fields plus the common ones: `headers` (an object, `{}` when
/// empty), `module` (from the type) and `requestId` (only when set; the server sets it on its pushes).
/// Conforming types decode with `decodeCommonFields(from:)` and the `decodeLenient` helpers so that
/// unknown fields, `null`s and missing fields are tolerated as Nacos's Jackson setup tolerates them, and
/// encode with `encodeCommonFields(to:)`, omitting `nil` fields.
public protocol NacosRequest: Codable, Sendable {
    /// The Java simple class name sent as the payload's type (for example `"ServerCheckRequest"`).
    static var typeName: String { get }
    /// The module this request belongs to, written to the body's `module` field.
    static var module: NacosRequestModule { get }
    /// The request id: set by the server on pushes and echoed in the response; `nil` on unary calls.
    var requestId: String? { get set }
    /// The request headers (`app`, `accessToken`, …); keys compare case-insensitively through `header(_:)`.
    var headers: [String: String] { get set }
    /// Creates a request with every field at its default.
    init()
}

extension NacosRequest {
    /// The module this request belongs to (the type's `module`).
    public var module: NacosRequestModule { Self.module }

    /// The payload type name of this request (the type's `typeName`).
    public var typeName: String { Self.typeName }

    /// The value of header `name`, matched exactly first and then ignoring case, as Java's
    /// case-insensitive header map does.
    public func header(_ name: String) -> String? {
        if let exact = self.headers[name] { return exact }
        let lowered = name.lowercased()
        return self.headers.first { $0.key.lowercased() == lowered }?.value
    }

    /// Sets header `name`, replacing any header whose name differs only in case.
    public mutating func setHeader(_ name: String, _ value: String) {
        if self.headers[name] == nil {
            let lowered = name.lowercased()
            for key in self.headers.keys where key.lowercased() == lowered {
                self.headers[key] = nil
            }
        }
        self.headers[name] = value
    }

    /// Merges `other` into the headers (its values win, names compared ignoring case), as a server does
    /// with the headers a frame carries next to the body.
    public mutating func mergeHeaders(_ other: [String: String]) {
        guard !other.isEmpty else { return }
        if self.headers.isEmpty {
            self.headers = other
            return
        }
        for (name, value) in other {
            self.setHeader(name, value)
        }
    }

    /// Reads the common request fields (`requestId`, `headers`) from a JSON body; `module` is ignored
    /// because the type fixes it.
    public mutating func decodeCommonFields(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: NacosRequestCommonKeys.self)
        self.requestId = try container.decodeLenient(String.self, forKey: .requestId)
        self.headers = try container.decodeLenient([String: String].self, forKey: .headers) ?? [:]
    }

    /// Writes the common request fields: `headers` (always), `module`, and `requestId` when set.
    public func encodeCommonFields(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: NacosRequestCommonKeys.self)
        try container.encode(self.headers, forKey: .headers)
        try container.encode(Self.module.rawValue, forKey: .module)
        try container.encodeIfPresent(self.requestId, forKey: .requestId)
    }
}

/// The JSON keys every request body shares.
internal enum NacosRequestCommonKeys: String, CodingKey {
    case requestId
    case headers
    case module
}

/// A request with no fields beyond the common ones, decoded and encoded by this protocol's extension
/// (with both Foundation's `Codable` and the fast JSON codec).
public protocol NacosCommonFieldsRequest: NacosRequest, NacosFastJSONCodable {}

extension NacosCommonFieldsRequest {
    /// Reads the request from a parsed JSON body: `requestId` and `headers`.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.init()
        try self.readCommonFields(from: object)
    }

    /// Writes the request as its JSON body: `headers`, `module`, and `requestId` when set.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in self.writeCommonFields(to: &writer) }
    }

    /// Decodes the request from its JSON body, tolerating unknown fields and `null`s.
    public init(from decoder: any Decoder) throws {
        self.init()
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the request as its JSON body: `headers`, `module`, and `requestId` when set.
    public func encode(to encoder: any Encoder) throws {
        try self.encodeCommonFields(to: encoder)
    }
}
