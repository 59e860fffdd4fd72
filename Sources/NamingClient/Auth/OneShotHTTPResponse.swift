/// A whole HTTP/1.1 response read by `OneShotHTTPClient`: status, header fields and the decoded body.
struct OneShotHTTPResponse: Sendable {
    /// The status code (200, 403, 429, …).
    var status: Int
    /// The header fields in arrival order, names lowercased.
    var headers: [(name: String, value: String)]
    /// The body, de-chunked.
    var body: [UInt8]

    /// The value of the first header field named `name` (matched ignoring case).
    func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return self.headers.first { $0.name == lowered }?.value
    }

    /// The body as UTF-8 text (invalid bytes replaced), trimmed and cut to `limit` characters, for messages.
    func bodyText(limit: Int = 200) -> String {
        let text = String(decoding: self.body, as: UTF8.self).trimmingWhitespace
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs, CRs and LFs.
    fileprivate var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let first = self.firstIndex(where: { !isSpace($0) }), let last = self.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
