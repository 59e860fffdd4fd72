import NacosTransport

/// Turns the bytes of one connection into requests, incrementally and within the configured limits
/// (RFC 9112): request line, header fields, then a body framed by `Content-Length` or chunked coding.
internal struct HTTPRequestParser {
    /// What one call to `next(_:)` produced.
    enum Event {
        /// A head asked for `100 Continue` and its body has not started to arrive.
        case continueExpected
        /// A complete request; `keepAlive` is false when the connection must close after answering it.
        case request(HTTPRequest, keepAlive: Bool)
    }

    private enum State {
        case head
        case identityBody(remaining: Int)
        case chunkedBody(HTTPChunkedDecoder)
    }

    private enum Framing {
        case none
        case length(Int)
        case chunked
    }

    private struct Head {
        var request: HTTPRequest
        var keepAlive: Bool
        var framing: Framing
        var expectsContinue: Bool
    }

    private let maxHeaderBytes: Int
    private let maxRequestLineBytes: Int
    private let maxBodyBytes: Int
    private var state = State.head
    private var scanner = HTTPHeadScanner()
    private var pending: HTTPRequest?
    private var pendingKeepAlive = true
    private var body: [UInt8] = []

    /// Creates a parser with the limits of `configuration`.
    init(configuration: HTTPServerConfiguration) {
        self.maxHeaderBytes = configuration.maxHeaderBytes
        self.maxRequestLineBytes = configuration.maxRequestLineBytes
        self.maxBodyBytes = configuration.maxBodyBytes
    }

    /// Whether part of a request has been consumed (a head waiting for its body, or scanned head bytes).
    var hasPartialRequest: Bool {
        if case .head = self.state { return self.scanner.scanned > 0 }
        return true
    }

    /// Consumes bytes from `buffer` and returns the next event, or `nil` once it needs more bytes.
    ///
    /// Bytes of a later request stay in `buffer`. After an error the parser must not be used again.
    mutating func next(_ buffer: inout NacosByteBuffer) -> Result<Event?, HTTPError> {
        while true {
            switch self.state {
            case .head:
                if self.scanner.scanned == 0 {
                    Self.skipEmptyLines(&buffer)
                }
                guard buffer.readableBytes > 0 else { return .success(nil) }
                let found = buffer.withUnsafeReadableBytes { self.scanner.scan($0) }
                guard let headLength = found else {
                    if self.scanner.firstLineLength == nil && self.scanner.scanned > self.maxRequestLineBytes {
                        return .failure(self.uriTooLong())
                    }
                    if self.scanner.scanned > self.maxHeaderBytes {
                        return .failure(self.headTooLarge())
                    }
                    return .success(nil)
                }
                if headLength > self.maxHeaderBytes {
                    return .failure(self.headTooLarge())
                }
                let parsed: Result<Head, HTTPError> = buffer.withUnsafeReadableBytes { raw in
                    self.parseHead(UnsafeRawBufferPointer(rebasing: raw[0..<headLength]))
                }
                buffer.moveReaderIndex(forwardBy: headLength)
                let head: Head
                switch parsed {
                case .success(let value): head = value
                case .failure(let error): return .failure(error)
                }
                switch head.framing {
                case .none, .length(0):
                    return .success(.request(head.request, keepAlive: head.keepAlive))
                case .length(let length):
                    if length > self.maxBodyBytes {
                        return .failure(HTTPError(.payloadTooLarge, "Request body of \(length) bytes exceeds \(self.maxBodyBytes) bytes"))
                    }
                    self.body = []
                    self.body.reserveCapacity(min(length, 64 * 1024))
                    self.state = .identityBody(remaining: length)
                case .chunked:
                    self.body = []
                    self.state = .chunkedBody(HTTPChunkedDecoder(maxBodyBytes: self.maxBodyBytes, maxTrailerBytes: self.maxHeaderBytes))
                }
                self.pending = head.request
                self.pendingKeepAlive = head.keepAlive
                if head.expectsContinue && buffer.readableBytes == 0 {
                    return .success(.continueExpected)
                }
            case .identityBody(let remaining):
                let take = min(remaining, buffer.readableBytes)
                if take > 0 {
                    buffer.withUnsafeReadableBytes { raw in
                        self.body.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[0..<take]))
                    }
                    buffer.moveReaderIndex(forwardBy: take)
                }
                guard take == remaining else {
                    self.state = .identityBody(remaining: remaining - take)
                    return .success(nil)
                }
                return .success(self.completePending())
            case .chunkedBody(var decoder):
                self.state = .head  // lets `decoder` be mutated without a copy of the state's payload
                let result = buffer.withUnsafeReadableBytes { raw in decoder.decode(raw, into: &self.body) }
                switch result {
                case .failure(let error):
                    return .failure(error)
                case .success(let consumed):
                    buffer.moveReaderIndex(forwardBy: consumed)
                }
                guard decoder.isDone else {
                    self.state = .chunkedBody(decoder)
                    return .success(nil)
                }
                return .success(self.completePending())
            }
        }
    }

    private mutating func completePending() -> Event? {
        self.state = .head
        guard var request = self.pending else { return nil }
        self.pending = nil
        request.body = self.body
        self.body = []
        return .request(request, keepAlive: self.pendingKeepAlive)
    }

    private static func skipEmptyLines(_ buffer: inout NacosByteBuffer) {
        let skip = buffer.withUnsafeReadableBytes { raw -> Int in
            var index = 0
            while index < raw.count && (raw[index] == HTTPASCII.cr || raw[index] == HTTPASCII.lf) { index += 1 }
            return index
        }
        if skip > 0 { buffer.moveReaderIndex(forwardBy: skip) }
    }

    private func uriTooLong() -> HTTPError {
        HTTPError(.uriTooLong, "Request line exceeds \(self.maxRequestLineBytes) bytes")
    }

    private func headTooLarge() -> HTTPError {
        if let first = self.scanner.firstLineLength, first > self.maxRequestLineBytes { return self.uriTooLong() }
        if self.scanner.firstLineLength == nil && self.scanner.scanned > self.maxRequestLineBytes { return self.uriTooLong() }
        return HTTPError(.requestHeaderFieldsTooLarge, "Request header exceeds \(self.maxHeaderBytes) bytes")
    }

    // MARK: - Head

    private func parseHead(_ head: UnsafeRawBufferPointer) -> Result<Head, HTTPError> {
        var lineEnd = 0
        while head[lineEnd] != HTTPASCII.lf { lineEnd += 1 }
        let fieldsStart = lineEnd + 1
        if lineEnd > 0 && head[lineEnd - 1] == HTTPASCII.cr { lineEnd -= 1 }
        if lineEnd > self.maxRequestLineBytes { return .failure(self.uriTooLong()) }
        let line = UnsafeRawBufferPointer(rebasing: head[0..<lineEnd])

        // method SP request-target SP HTTP-version
        guard let firstSpace = line.firstIndex(of: HTTPASCII.space),
            let lastSpace = line.lastIndex(of: HTTPASCII.space), lastSpace > firstSpace + 1
        else {
            return .failure(HTTPError(.badRequest, "Malformed request line"))
        }
        let methodBytes = UnsafeRawBufferPointer(rebasing: line[0..<firstSpace])
        guard HTTPMethod.isValidToken(methodBytes) else {
            return .failure(HTTPError(.badRequest, "Invalid request method"))
        }
        let targetBytes = UnsafeRawBufferPointer(rebasing: line[(firstSpace + 1)..<lastSpace])
        for byte in targetBytes where byte <= HTTPASCII.space || byte == 0x7F {
            return .failure(HTTPError(.badRequest, "Invalid character in request target"))
        }
        let versionMinor: Int
        switch Self.version(UnsafeRawBufferPointer(rebasing: line[(lastSpace + 1)...])) {
        case .success(let minor): versionMinor = minor
        case .failure(let error): return .failure(error)
        }

        var headers = HTTPHeaders(reservingCapacity: 8)
        var contentLength: Int?
        var contentLengthConflict = false
        var contentLengthInvalid = false
        var transferEncodings = 0
        var chunkedLast = false
        var transferEncodingInvalid = false
        var connectionClose = false
        var connectionKeepAlive = false
        var expectsContinue = false
        let fieldError = HTTPFieldLineParser.parse(head, from: fieldsStart) { name, value in
            switch name.count {
            case 14 where HTTPASCII.equalsIgnoringCase(name, lowercase: "content-length"):
                Self.forEachElement(value) { element in
                    guard let length = HTTPFieldLineParser.contentLength(element) else {
                        contentLengthInvalid = true
                        return
                    }
                    if let existing = contentLength, existing != length { contentLengthConflict = true }
                    contentLength = length
                }
                if value.isEmpty { contentLengthInvalid = true }
            case 17 where HTTPASCII.equalsIgnoringCase(name, lowercase: "transfer-encoding"):
                var elements = 0
                Self.forEachElement(value) { element in
                    elements += 1
                    transferEncodings += 1
                    chunkedLast = HTTPASCII.equalsIgnoringCase(element, lowercase: "chunked")
                }
                if elements == 0 { transferEncodingInvalid = true }
            case 10 where HTTPASCII.equalsIgnoringCase(name, lowercase: "connection"):
                Self.forEachElement(value) { element in
                    if HTTPASCII.equalsIgnoringCase(element, lowercase: "close") { connectionClose = true }
                    if HTTPASCII.equalsIgnoringCase(element, lowercase: "keep-alive") { connectionKeepAlive = true }
                }
            case 6 where HTTPASCII.equalsIgnoringCase(name, lowercase: "expect"):
                if HTTPASCII.equalsIgnoringCase(value, lowercase: "100-continue") { expectsContinue = true }
            default:
                break
            }
            headers.add(name: HTTPFieldLineParser.name(name), value: HTTPFieldLineParser.value(value))
        }
        if let fieldError { return .failure(fieldError) }

        var keepAlive = versionMinor >= 1 ? !connectionClose : connectionKeepAlive && !connectionClose
        let framing: Framing
        if transferEncodings > 0 || transferEncodingInvalid {
            if transferEncodingInvalid {
                return .failure(HTTPError(.badRequest, "Empty Transfer-Encoding"))
            }
            guard transferEncodings == 1 && chunkedLast else {
                return .failure(HTTPError(.notImplemented, "Only the chunked transfer coding is supported"))
            }
            framing = .chunked
            // RFC 9112 §6.1: Transfer-Encoding overrides Content-Length, and such a message (or chunked
            // HTTP/1.0) may be an attempt at request smuggling, so the connection closes after it.
            if contentLength != nil || contentLengthInvalid || versionMinor == 0 { keepAlive = false }
        } else if contentLengthInvalid {
            return .failure(HTTPError(.badRequest, "Invalid Content-Length"))
        } else if contentLengthConflict {
            return .failure(HTTPError(.badRequest, "Conflicting Content-Length values"))
        } else if let contentLength {
            framing = .length(contentLength)
        } else {
            framing = .none
        }

        let method = Self.method(methodBytes)
        let target = String(decoding: targetBytes, as: UTF8.self)
        let (path, query) = HTTPRequest.splitTarget(targetBytes)
        let request = HTTPRequest(
            method: method,
            target: target,
            path: path,
            query: query,
            versionMinor: versionMinor,
            headers: headers,
            body: []
        )
        return .success(Head(request: request, keepAlive: keepAlive, framing: framing, expectsContinue: expectsContinue && versionMinor >= 1))
    }

    private static func forEachElement(_ value: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var start = 0
        for index in 0...value.count where index == value.count || value[index] == HTTPASCII.comma {
            let element = HTTPASCII.trimmingWhitespace(UnsafeRawBufferPointer(rebasing: value[start..<index]))
            if !element.isEmpty { body(element) }
            start = index + 1
        }
    }

    /// The minor version of `HTTP/1.x`; other majors are `505`, anything else `400`.
    private static func version(_ bytes: UnsafeRawBufferPointer) -> Result<Int, HTTPError> {
        guard bytes.count == 8, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "T"), bytes[2] == UInt8(ascii: "T"),
            bytes[3] == UInt8(ascii: "P"), bytes[4] == HTTPASCII.slash, bytes[6] == UInt8(ascii: "."),
            case let major = bytes[5] &- UInt8(ascii: "0"), major < 10,
            case let minor = bytes[7] &- UInt8(ascii: "0"), minor < 10
        else {
            return .failure(HTTPError(.badRequest, "Malformed HTTP version"))
        }
        guard major == 1 else {
            return .failure(HTTPError(.httpVersionNotSupported, "Only HTTP/1.0 and HTTP/1.1 are supported"))
        }
        // A later HTTP/1.x is answered as HTTP/1.1 (RFC 9110 §2.5).
        return .success(min(Int(minor), 1))
    }

    /// The method for a token, sharing the constants for the registered methods.
    private static func method(_ bytes: UnsafeRawBufferPointer) -> HTTPMethod {
        switch bytes.count {
        case 3 where bytes[0] == UInt8(ascii: "G") && bytes[1] == UInt8(ascii: "E") && bytes[2] == UInt8(ascii: "T"):
            return .get
        case 3 where bytes[0] == UInt8(ascii: "P") && bytes[1] == UInt8(ascii: "U") && bytes[2] == UInt8(ascii: "T"):
            return .put
        case 4 where bytes.elementsEqual("POST".utf8):
            return .post
        case 4 where bytes.elementsEqual("HEAD".utf8):
            return .head
        case 6 where bytes.elementsEqual("DELETE".utf8):
            return .delete
        default:
            return HTTPMethod(rawValue: String(decoding: bytes, as: UTF8.self))
        }
    }
}
