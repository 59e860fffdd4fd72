import NacosTransport

/// Turns the bytes of a connection into the response to one request (RFC 9112 §6.3): skips interim 1xx
/// responses, and reads a body framed by chunked coding, `Content-Length`, or the end of the stream.
internal struct HTTPResponseParser {
    private enum State {
        case head
        case identityBody(remaining: Int)
        case chunkedBody(HTTPChunkedDecoder)
        case untilClose
    }

    /// The most bytes of a response head.
    static let maxHeadBytes = 64 * 1024

    private let maxResponseBytes: Int
    private let headOnly: Bool
    private var state = State.head
    private var scanner = HTTPHeadScanner()
    private var pending: HTTPResponse?
    private var keepAlive = true
    private var body: [UInt8] = []
    /// Whether any byte of the response has been consumed.
    private(set) var started = false

    /// Creates a parser for the response to one request; `headOnly` for a `HEAD` request, whose response
    /// has no body whatever its framing fields say.
    init(maxResponseBytes: Int, headOnly: Bool) {
        self.maxResponseBytes = maxResponseBytes
        self.headOnly = headOnly
    }

    /// Consumes bytes from `buffer` and returns the response once complete (with whether the connection may
    /// be reused), `nil` while it needs more bytes, or the error for a malformed or oversized response.
    mutating func next(_ buffer: inout NacosByteBuffer) -> Result<(HTTPResponse, keepAlive: Bool)?, HTTPClientError> {
        if buffer.readableBytes > 0 { self.started = true }
        while true {
            switch self.state {
            case .head:
                guard buffer.readableBytes > 0 else { return .success(nil) }
                let found = buffer.withUnsafeReadableBytes { self.scanner.scan($0) }
                guard let headLength = found else {
                    if self.scanner.scanned > min(Self.maxHeadBytes, self.maxResponseBytes) {
                        return .failure(HTTPClientError(.responseTooLarge, "response head exceeds \(min(Self.maxHeadBytes, self.maxResponseBytes)) bytes"))
                    }
                    return .success(nil)
                }
                let parsed = buffer.withUnsafeReadableBytes { raw in
                    self.parseHead(UnsafeRawBufferPointer(rebasing: raw[0..<headLength]))
                }
                buffer.moveReaderIndex(forwardBy: headLength)
                switch parsed {
                case .failure(let error):
                    return .failure(error)
                case .success(nil):
                    continue  // an interim 1xx response
                case .success(let response?):
                    if let complete = self.beginBody(response) { return .success(complete) }
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
                return .success(self.complete())
            case .chunkedBody(var decoder):
                self.state = .head
                let result = buffer.withUnsafeReadableBytes { raw in decoder.decode(raw, into: &self.body) }
                switch result {
                case .failure(let error):
                    let code: HTTPClientError.Code = error.status == .payloadTooLarge ? .responseTooLarge : .malformedResponse
                    return .failure(HTTPClientError(code, error.message))
                case .success(let consumed):
                    buffer.moveReaderIndex(forwardBy: consumed)
                }
                guard decoder.isDone else {
                    self.state = .chunkedBody(decoder)
                    return .success(nil)
                }
                return .success(self.complete())
            case .untilClose:
                guard self.body.count + buffer.readableBytes <= self.maxResponseBytes else {
                    return .failure(self.tooLarge())
                }
                buffer.withUnsafeReadableBytes { self.body.append(contentsOf: $0) }
                buffer.moveReaderIndex(to: buffer.writerIndex)
                return .success(nil)
            }
        }
    }

    /// The response at the end of the stream: complete if its body runs until the close, otherwise an error.
    mutating func finishAtEndOfStream() -> Result<HTTPResponse, HTTPClientError> {
        guard case .untilClose = self.state, var response = self.pending else {
            var error = HTTPClientError(.connectionClosed, "the connection closed before the response was complete")
            error.responseStarted = self.started
            return .failure(error)
        }
        response.body = self.body
        return .success(response)
    }

    private mutating func complete() -> (HTTPResponse, keepAlive: Bool)? {
        self.state = .head
        guard var response = self.pending else { return nil }
        self.pending = nil
        response.body = self.body
        self.body = []
        return (response, self.keepAlive)
    }

    private func tooLarge() -> HTTPClientError {
        HTTPClientError(.responseTooLarge, "response body exceeds \(self.maxResponseBytes) bytes")
    }

    /// Chooses how the body is framed; returns the response at once when it has no body.
    private mutating func beginBody(_ response: HTTPResponse) -> (HTTPResponse, keepAlive: Bool)? {
        self.pending = response
        self.body = []
        if self.headOnly || response.status.forbidsBody {
            return self.complete()
        }
        if response.headers.contains(name: "Transfer-Encoding") {
            if response.headers.listContains(name: "Transfer-Encoding", token: "chunked") {
                self.state = .chunkedBody(
                    HTTPChunkedDecoder(maxBodyBytes: self.maxResponseBytes, maxTrailerBytes: Self.maxHeadBytes)
                )
            } else {
                self.keepAlive = false
                self.state = .untilClose
            }
            return nil
        }
        if let lengthText = response.headers["Content-Length"] {
            // parseHead has checked the value.
            var text = lengthText
            let length = text.withUTF8 { HTTPFieldLineParser.contentLength(UnsafeRawBufferPointer($0)) } ?? 0
            guard length > 0 else { return self.complete() }
            self.body.reserveCapacity(min(length, 1 << 20))
            self.state = .identityBody(remaining: length)
            return nil
        }
        self.keepAlive = false
        self.state = .untilClose
        return nil
    }

    /// Parses a status line and header fields; `nil` for an interim 1xx response to skip.
    private mutating func parseHead(_ head: UnsafeRawBufferPointer) -> Result<HTTPResponse?, HTTPClientError> {
        var lineEnd = 0
        while head[lineEnd] != HTTPASCII.lf { lineEnd += 1 }
        let fieldsStart = lineEnd + 1
        if lineEnd > 0 && head[lineEnd - 1] == HTTPASCII.cr { lineEnd -= 1 }
        let line = UnsafeRawBufferPointer(rebasing: head[0..<lineEnd])
        // HTTP/1.x SP 3DIGIT [SP reason-phrase]
        guard line.count >= 12, line.starts(with: "HTTP/1.".utf8), line[8] == HTTPASCII.space,
            case let minor = line[7] &- UInt8(ascii: "0"), minor < 10,
            case let d0 = line[9] &- UInt8(ascii: "0"), d0 < 10, d0 >= 1,
            case let d1 = line[10] &- UInt8(ascii: "0"), d1 < 10,
            case let d2 = line[11] &- UInt8(ascii: "0"), d2 < 10,
            line.count == 12 || line[12] == HTTPASCII.space
        else {
            return .failure(HTTPClientError(.malformedResponse, "malformed status line"))
        }
        let code = Int(d0) * 100 + Int(d1) * 10 + Int(d2)
        if code == 101 {
            return .failure(HTTPClientError(.malformedResponse, "unexpected protocol switch"))
        }
        if code < 200 { return .success(nil) }
        let reason = line.count > 13 ? String(decoding: UnsafeRawBufferPointer(rebasing: line[13...]), as: UTF8.self) : ""

        var headers = HTTPHeaders(reservingCapacity: 8)
        var lengths: [Int?] = []
        let fieldError = HTTPFieldLineParser.parse(head, from: fieldsStart) { name, value in
            if name.count == 14 && HTTPASCII.equalsIgnoringCase(name, lowercase: "content-length") {
                lengths.append(HTTPFieldLineParser.contentLength(value))
            }
            headers.add(name: HTTPFieldLineParser.name(name), value: HTTPFieldLineParser.value(value))
        }
        if let fieldError {
            return .failure(HTTPClientError(.malformedResponse, fieldError.message))
        }
        if let first = lengths.first {
            guard let length = first, lengths.allSatisfy({ $0 == length }) else {
                return .failure(HTTPClientError(.malformedResponse, "invalid Content-Length"))
            }
            if length > self.maxResponseBytes && !self.headOnly {
                return .failure(self.tooLarge())
            }
        }
        let close = headers.listContains(name: "Connection", token: "close")
        let announcedKeepAlive = headers.listContains(name: "Connection", token: "keep-alive")
        self.keepAlive = minor >= 1 ? !close : announcedKeepAlive && !close
        return .success(HTTPResponse(status: HTTPStatus(code: code, reasonPhrase: reason.isEmpty ? nil : reason), headers: headers))
    }
}
