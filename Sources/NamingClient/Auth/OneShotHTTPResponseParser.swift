/// Reads one HTTP/1.1 response from the bytes received so far: status line, header fields, and a body
/// delimited by `Content-Length`, chunked transfer coding, or the end of the stream. Interim (1xx)
/// responses are skipped. The caller bounds the bytes it buffers, so the parser simply re-reads them.
enum OneShotHTTPResponseParser {
    private static let cr: UInt8 = 0x0D
    private static let lf: UInt8 = 0x0A

    /// The response in `bytes`, or `nil` when more bytes are needed.
    ///
    /// - Parameter atEndOfStream: whether the peer closed its side, so that a body without length ends here.
    /// - Throws: `OneShotHTTPError` for a malformed response, or one cut short by the end of the stream.
    static func parse(_ bytes: [UInt8], atEndOfStream: Bool) throws(OneShotHTTPError) -> OneShotHTTPResponse? {
        var start = 0
        while true {
            guard let headEnd = Self.find([cr, lf, cr, lf], in: bytes, from: start) else {
                if atEndOfStream { throw OneShotHTTPError("the connection closed before the response head was complete") }
                return nil
            }
            var lines = Self.lines(bytes[start..<headEnd])
            guard !lines.isEmpty else { throw OneShotHTTPError("empty response head") }
            let status = try Self.status(lines.removeFirst())
            var headers: [(name: String, value: String)] = []
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { throw OneShotHTTPError("malformed header line '\(line.prefix(80))'") }
                let name = line[..<colon].lowercased()
                let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
                headers.append((name: name, value: String(value.reversed().drop { $0 == " " || $0 == "\t" }.reversed())))
            }
            let bodyStart = headEnd + 4
            if (100..<200).contains(status) {
                start = bodyStart
                continue
            }
            var response = OneShotHTTPResponse(status: status, headers: headers, body: [])
            if status == 204 || status == 304 { return response }
            if let coding = response.header("transfer-encoding"), coding.lowercased().contains("chunked") {
                guard let body = try Self.dechunk(bytes, from: bodyStart, atEndOfStream: atEndOfStream) else { return nil }
                response.body = body
                return response
            }
            if let lengthText = response.header("content-length") {
                guard let length = Int(lengthText), length >= 0 else { throw OneShotHTTPError("malformed Content-Length '\(lengthText)'") }
                guard bytes.count - bodyStart >= length else {
                    if atEndOfStream { throw OneShotHTTPError("the connection closed after \(bytes.count - bodyStart) of \(length) body bytes") }
                    return nil
                }
                response.body = Array(bytes[bodyStart..<(bodyStart + length)])
                return response
            }
            guard atEndOfStream else { return nil }
            response.body = Array(bytes[bodyStart...])
            return response
        }
    }

    /// The status code of `HTTP/1.x SSS reason`.
    private static func status(_ line: String) throws(OneShotHTTPError) -> Int {
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]) else {
            throw OneShotHTTPError("malformed status line '\(line.prefix(80))'")
        }
        return status
    }

    /// The body of a chunked message starting at `start`, or `nil` when it is not complete yet.
    private static func dechunk(_ bytes: [UInt8], from start: Int, atEndOfStream: Bool) throws(OneShotHTTPError) -> [UInt8]? {
        var body: [UInt8] = []
        var index = start
        while true {
            guard let lineEnd = Self.find([cr, lf], in: bytes, from: index) else { return try Self.incomplete(atEndOfStream) }
            let sizeLine = String(decoding: bytes[index..<lineEnd], as: UTF8.self)
            let sizeText = sizeLine.prefix { $0 != ";" }.filter { $0 != " " && $0 != "\t" }
            guard !sizeText.isEmpty, sizeText.count <= 8, let size = Int(sizeText, radix: 16) else {
                throw OneShotHTTPError("malformed chunk size '\(sizeLine.prefix(20))'")
            }
            index = lineEnd + 2
            if size == 0 {
                // Trailer fields, if any, end with an empty line.
                if bytes.count - index >= 2, bytes[index] == cr, bytes[index + 1] == lf { return body }
                if Self.find([cr, lf, cr, lf], in: bytes, from: index) != nil || atEndOfStream { return body }
                return nil
            }
            guard bytes.count - index >= size + 2 else { return try Self.incomplete(atEndOfStream) }
            guard bytes[index + size] == cr, bytes[index + size + 1] == lf else { throw OneShotHTTPError("a chunk does not end with CRLF") }
            body.append(contentsOf: bytes[index..<(index + size)])
            index += size + 2
        }
    }

    private static func incomplete(_ atEndOfStream: Bool) throws(OneShotHTTPError) -> [UInt8]? {
        if atEndOfStream { throw OneShotHTTPError("the connection closed in the middle of a chunked body") }
        return nil
    }

    /// The CRLF-separated lines of a response head, as text.
    private static func lines(_ head: ArraySlice<UInt8>) -> [String] {
        var lines: [String] = []
        var lineStart = head.startIndex
        var index = head.startIndex
        while index < head.endIndex {
            if head[index] == lf {
                let end = index > lineStart && head[index - 1] == cr ? index - 1 : index
                lines.append(String(decoding: head[lineStart..<end], as: UTF8.self))
                lineStart = index + 1
            }
            index += 1
        }
        if lineStart < head.endIndex {
            lines.append(String(decoding: head[lineStart..<head.endIndex], as: UTF8.self))
        }
        return lines.filter { !$0.isEmpty }
    }

    /// The index of the first occurrence of `pattern` in `bytes` at or after `start`.
    private static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count - start >= pattern.count else { return nil }
        var index = start
        while index <= bytes.count - pattern.count {
            if bytes[index] == pattern[0], bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }
}
