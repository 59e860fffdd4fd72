import NacosTransport

/// Writes a request in HTTP/1.1 wire form for `NacosHTTPClient`: request line, `Host` (unless the request
/// has one), the request's fields without framing fields, `Content-Length`, the empty line and the body.
internal enum HTTPRequestEncoder {
    /// Encodes `request`, or fails when its method or target cannot appear on a request line.
    static func encode(_ request: HTTPRequest, host: String) -> Result<NacosByteBuffer, HTTPClientError> {
        guard HTTPMethod.isValidToken(request.method.rawValue.utf8) else {
            return .failure(HTTPClientError(.invalidRequest, "'\(request.method)' is not a valid method"))
        }
        guard !request.target.isEmpty, !request.target.utf8.contains(where: { $0 <= HTTPASCII.space || $0 == 0x7F }) else {
            return .failure(HTTPClientError(.invalidRequest, "the request target must be non-empty without spaces or controls"))
        }
        var buffer = NacosByteBuffer(capacity: 128 + request.target.utf8.count + request.headers.count * 48 + request.body.count)
        buffer.writeString(request.method.rawValue)
        buffer.writeInteger(HTTPASCII.space)
        buffer.writeString(request.target)
        buffer.writeStaticString(" HTTP/1.1\r\n")
        if !request.headers.contains(name: "Host") {
            buffer.writeHeaderField(name: "Host", value: host)
        }
        for field in request.headers where !Self.isFramingField(field.name) {
            buffer.writeHeaderField(name: field.name, value: field.value)
        }
        if !request.body.isEmpty || !(request.method == .get || request.method == .head) {
            buffer.writeStaticString("Content-Length: ")
            buffer.writeString(String(request.body.count))
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
        buffer.writeBytes(request.body)
        return .success(buffer)
    }

    private static func isFramingField(_ name: String) -> Bool {
        switch name.utf8.count {
        case 14: HTTPASCII.equalsIgnoringCase(name, "Content-Length")
        case 17: HTTPASCII.equalsIgnoringCase(name, "Transfer-Encoding")
        default: false
        }
    }
}
