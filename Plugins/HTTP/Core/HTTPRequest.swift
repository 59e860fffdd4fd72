public import NacosTransport

/// One HTTP/1.x request as the server received it (or as a client is about to send it).
public struct HTTPRequest: Sendable {
    /// The method, such as `GET`.
    public var method: HTTPMethod
    /// The raw request-target, such as `/nacos/v1/ns/instance?serviceName=a`.
    public var target: String
    /// The target's path (before `?`), percent-decoded; `/` for an absolute-form target without a path.
    public var path: String
    /// The raw query after `?`, not decoded (empty when there is none).
    public var query: String
    /// The minor HTTP version: 1 for HTTP/1.1, 0 for HTTP/1.0.
    public var versionMinor: Int
    /// The header fields in order.
    public var headers: HTTPHeaders
    /// The body, de-chunked.
    public var body: [UInt8]
    /// The peer's address, when the transport has one.
    public var remoteAddress: NacosSocketAddress?
    /// The address the request arrived on, when the transport has one.
    public var localAddress: NacosSocketAddress?

    /// Creates an HTTP/1.1 request, deriving `path` and `query` from `target`.
    public init(method: HTTPMethod, target: String, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        var target = target
        let (path, query) = target.withUTF8 { HTTPRequest.splitTarget(UnsafeRawBufferPointer($0)) }
        self.init(method: method, target: target, path: path, query: query, versionMinor: 1, headers: headers, body: body)
    }

    internal init(
        method: HTTPMethod,
        target: String,
        path: String,
        query: String,
        versionMinor: Int,
        headers: HTTPHeaders,
        body: [UInt8]
    ) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.versionMinor = versionMinor
        self.headers = headers
        self.body = body
        self.remoteAddress = nil
        self.localAddress = nil
    }

    /// The query's parameters (decoded on each access; keep the result if you need it twice).
    public var queryParameters: HTTPParameters {
        HTTPParameters(urlEncoded: self.query.utf8)
    }

    /// The body's parameters when `Content-Type` is `application/x-www-form-urlencoded` (any parameters such
    /// as a charset), otherwise none.
    public var formParameters: HTTPParameters {
        guard self.hasFormBody else { return HTTPParameters() }
        return HTTPParameters(urlEncoded: self.body)
    }

    /// The query's parameters followed by the form body's, as `ServletRequest.getParameter` sees them.
    public var parameters: HTTPParameters {
        let query = self.queryParameters
        return self.hasFormBody ? query.merging(HTTPParameters(urlEncoded: self.body)) : query
    }

    private var hasFormBody: Bool {
        guard !self.body.isEmpty, var contentType = self.headers["Content-Type"] else { return false }
        return contentType.withUTF8 { utf8 in
            let raw = UnsafeRawBufferPointer(utf8)
            let end = raw.firstIndex(of: HTTPASCII.semicolon) ?? raw.count
            let mediaType = HTTPASCII.trimmingWhitespace(UnsafeRawBufferPointer(rebasing: raw[0..<end]))
            return HTTPASCII.equalsIgnoringCase(mediaType, lowercase: "application/x-www-form-urlencoded")
        }
    }

    /// Splits a request-target into its decoded path and raw query; an absolute-form target
    /// (`http://host/path`) loses its scheme and authority.
    internal static func splitTarget(_ target: UnsafeRawBufferPointer) -> (path: String, query: String) {
        let question = target.firstIndex(of: HTTPASCII.question)
        let pathEnd = question ?? target.count
        var pathStart = 0
        if pathEnd > 0 && target[0] != HTTPASCII.slash && target[0] != UInt8(ascii: "*") {
            // absolute-form: scheme "://" authority path
            let head = UnsafeRawBufferPointer(rebasing: target[0..<pathEnd])
            if let colon = head.firstIndex(of: HTTPASCII.colon), colon + 2 < pathEnd,
                head[colon + 1] == HTTPASCII.slash, head[colon + 2] == HTTPASCII.slash
            {
                var index = colon + 3
                while index < pathEnd && head[index] != HTTPASCII.slash { index += 1 }
                pathStart = index
            }
        }
        let path =
            pathStart == pathEnd && pathStart > 0
            ? "/"
            : HTTPPercentDecoding.decode(UnsafeRawBufferPointer(rebasing: target[pathStart..<pathEnd]), plusAsSpace: false)
        let query =
            question.map { String(decoding: UnsafeRawBufferPointer(rebasing: target[($0 + 1)...]), as: UTF8.self) } ?? ""
        return (path, query)
    }
}
