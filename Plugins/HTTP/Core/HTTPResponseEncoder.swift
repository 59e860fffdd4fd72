import NacosTransport

/// Writes responses in HTTP/1.1 wire form into one buffer: status line, the responder's fields (without
/// any framing fields it set), `Content-Length`, `Connection`, the empty line and the body.
internal enum HTTPResponseEncoder {
    /// How the connection continues after a response.
    enum Persistence {
        /// The connection stays open (HTTP/1.1 default; no `Connection` field).
        case keepAlive
        /// The connection stays open and the HTTP/1.0 client is told so (`Connection: keep-alive`).
        case keepAliveAnnounced
        /// The connection closes after this response (`Connection: close`).
        case close
    }

    /// Encodes `response`; with `headOnly` (a `HEAD` request) the body is left out but still counted.
    static func encode(_ response: HTTPResponse, headOnly: Bool, persistence: Persistence) -> NacosByteBuffer {
        let status = response.status
        let bodyAllowed = !status.forbidsBody
        let sendsBody = bodyAllowed && !headOnly
        var buffer = NacosByteBuffer(capacity: 160 + response.headers.count * 48 + (sendsBody ? response.body.count : 0))
        buffer.writeStaticString("HTTP/1.1 ")
        let code = min(max(status.code, 100), 999)
        buffer.writeInteger(UInt8(ascii: "0") + UInt8(code / 100))
        buffer.writeInteger(UInt8(ascii: "0") + UInt8(code / 10 % 10))
        buffer.writeInteger(UInt8(ascii: "0") + UInt8(code % 10))
        buffer.writeInteger(HTTPASCII.space)
        buffer.writeSanitizedText(status.reasonPhrase)
        buffer.writeStaticString("\r\n")
        for field in response.headers where !Self.isFramingField(field.name) {
            buffer.writeHeaderField(name: field.name, value: field.value)
        }
        if bodyAllowed {
            buffer.writeStaticString("Content-Length: ")
            buffer.writeString(String(response.body.count))
            buffer.writeStaticString("\r\n")
        }
        switch persistence {
        case .keepAlive: break
        case .keepAliveAnnounced: buffer.writeStaticString("Connection: keep-alive\r\n")
        case .close: buffer.writeStaticString("Connection: close\r\n")
        }
        buffer.writeStaticString("\r\n")
        if sendsBody {
            buffer.writeBytes(response.body)
        }
        return buffer
    }

    /// The interim `100 Continue` response.
    static let continueResponse = NacosByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n")

    private static func isFramingField(_ name: String) -> Bool {
        switch name.utf8.count {
        case 10: HTTPASCII.equalsIgnoringCase(name, "Connection")
        case 14: HTTPASCII.equalsIgnoringCase(name, "Content-Length")
        case 17: HTTPASCII.equalsIgnoringCase(name, "Transfer-Encoding")
        default: false
        }
    }
}
