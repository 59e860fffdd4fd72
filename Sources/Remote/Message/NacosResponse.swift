/// A Nacos response, identified on the wire by `typeName`.
///
/// The JSON body holds the response's own fields plus the common ones: `resultCode` (200 success, 500
/// failure), `errorCode` (0 unless failed), `message` and `requestId` (both omitted when `nil`), and
/// `success`, derived from `resultCode` on output and ignored on input.
public protocol NacosResponse: Codable, Sendable {
    /// The Java simple class name sent as the payload's type (for example `"ServerCheckResponse"`).
    static var typeName: String { get }
    /// 200 when the request succeeded, 500 (or a handler's error code) when it failed.
    var resultCode: Int { get set }
    /// The Nacos error code of a failure (see `NacosErrorCode`); 0 on success.
    var errorCode: Int { get set }
    /// A human-readable failure explanation, or `nil`.
    var message: String? { get set }
    /// The id of the server push this response answers, or `nil` on unary calls.
    var requestId: String? { get set }
    /// Creates a successful response with every field at its default.
    init()
}

extension NacosResponse {
    /// Whether the request succeeded: `resultCode == 200`.
    public var success: Bool { self.resultCode == NacosResponseCode.success }

    /// The payload type name of this response (the type's `typeName`).
    public var typeName: String { Self.typeName }

    /// Marks the response failed with `code` (`resultCode` 500, `errorCode` = code), as Java's
    /// `Response.setErrorInfo` does for filter rejections.
    public mutating func setErrorInfo(_ code: NacosErrorCode, message: String?) {
        self.resultCode = NacosResponseCode.fail
        self.errorCode = code.rawValue
        self.message = message
    }

    /// Reads the common response fields; `resultCode` defaults to 200 and `errorCode` to 0, and
    /// `success` is ignored.
    public mutating func decodeCommonFields(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: NacosResponseCommonKeys.self)
        self.resultCode = try container.decodeLenient(Int.self, forKey: .resultCode) ?? NacosResponseCode.success
        self.errorCode = try container.decodeLenient(Int.self, forKey: .errorCode) ?? 0
        self.message = try container.decodeLenient(String.self, forKey: .message)
        self.requestId = try container.decodeLenient(String.self, forKey: .requestId)
    }

    /// Writes the common response fields: `resultCode`, `errorCode`, `success`, and `message` and
    /// `requestId` when set.
    public func encodeCommonFields(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: NacosResponseCommonKeys.self)
        try container.encode(self.resultCode, forKey: .resultCode)
        try container.encode(self.errorCode, forKey: .errorCode)
        try container.encodeIfPresent(self.message, forKey: .message)
        try container.encodeIfPresent(self.requestId, forKey: .requestId)
        try container.encode(self.success, forKey: .success)
    }
}

/// The JSON keys every response body shares.
internal enum NacosResponseCommonKeys: String, CodingKey {
    case resultCode
    case errorCode
    case message
    case requestId
    case success
}

/// A response with no fields beyond the common ones, decoded and encoded by this protocol's extension.
///
/// Conforming types declare only their stored common fields and `init()`; the lenient decoding and the
/// `nil`-omitting encoding are shared here instead of written out in every type.
public protocol NacosCommonFieldsResponse: NacosResponse, NacosFastJSONCodable {
    /// Creates a successful response with every field at its default.
    init()
}

extension NacosCommonFieldsResponse {
    /// Reads the response from a parsed JSON body: the common fields only.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.init()
        try self.readCommonFields(from: object)
    }

    /// Writes the response as its JSON body, omitting `nil` fields.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in self.writeCommonFields(to: &writer) }
    }

    /// Decodes the response from its JSON body, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        self.init()
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the response as its JSON body, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        try self.encodeCommonFields(to: encoder)
    }
}
