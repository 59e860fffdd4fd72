import NacosTransport

/// A fast path for the JSON of messages that carry only the common fields (`NacosCommonFieldsRequest`,
/// `NacosCommonFieldsResponse`: HealthCheck, ClientDetection, ServerCheckRequest, …), which are most of the
/// traffic on an idle registry.
///
/// It handles the shapes this package and Nacos write — a flat object of plain strings, integers, booleans,
/// `null` and `{}` — and returns `nil` for anything else (escapes, unknown fields, coerced scalars, headers),
/// so `NacosJSON` falls back to Foundation and the lenient rules stay exactly those of the `Codable` path.
internal enum CommonFieldsJSON {
    /// The body of `value`, or `nil` when it is not a common-fields message or needs escaping.
    static func encode(_ value: some Encodable) -> NacosByteBuffer? {
        if let request = value as? any NacosCommonFieldsRequest {
            guard request.headers.isEmpty, request.requestId.map(isPlain) ?? true else { return nil }
            var out = NacosByteBuffer(capacity: 80)
            out.writeString("{\"headers\":{},\"module\":\"")
            out.writeString(request.module.rawValue)
            if let id = request.requestId {
                out.writeString("\",\"requestId\":\"")
                out.writeString(id)
            }
            out.writeString("\"}")
            return out
        }
        if let response = value as? any NacosCommonFieldsResponse {
            guard response.message.map(isPlain) ?? true, response.requestId.map(isPlain) ?? true else { return nil }
            var out = NacosByteBuffer(capacity: 96)
            out.writeString("{\"resultCode\":\(response.resultCode),\"errorCode\":\(response.errorCode)")
            if let message = response.message {
                out.writeString(",\"message\":\"\(message)\"")
            }
            if let id = response.requestId {
                out.writeString(",\"requestId\":\"\(id)\"")
            }
            out.writeString(response.success ? ",\"success\":true}" : ",\"success\":false}")
            return out
        }
        return nil
    }

    /// `body` decoded as `type`, or `nil` when `type` is not a common-fields message or the body is not in
    /// the plain shape.
    static func decode<T: Decodable>(_ type: T.Type, from body: NacosByteBuffer) -> T? {
        if let requestType = type as? any NacosCommonFieldsRequest.Type {
            guard let fields = FlatJSONObject.parse(body) else { return nil }
            var request = requestType.init()
            for (key, value) in fields {
                switch (key, value) {
                case ("headers", .emptyObject), ("headers", .null), ("module", .string), ("requestId", .null): continue
                case ("requestId", .string(let id)): request.requestId = id
                default: return nil
                }
            }
            return request as? T
        }
        if let responseType = type as? any NacosCommonFieldsResponse.Type {
            guard let fields = FlatJSONObject.parse(body) else { return nil }
            var response = responseType.init()
            for (key, value) in fields {
                switch (key, value) {
                case ("resultCode", .integer(let code)): response.resultCode = code
                case ("errorCode", .integer(let code)): response.errorCode = code
                case ("message", .string(let message)): response.message = message
                case ("requestId", .string(let id)): response.requestId = id
                case ("message", .null), ("requestId", .null), ("resultCode", .null), ("errorCode", .null), ("success", .boolean), ("success", .null):
                    continue
                default: return nil
                }
            }
            return response as? T
        }
        return nil
    }

    /// Whether `string` can be written between quotes as it is (no quote, backslash or control character).
    private static func isPlain(_ string: String) -> Bool {
        string.utf8.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
    }
}
