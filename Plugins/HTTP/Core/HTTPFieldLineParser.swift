/// Parses the header field lines of a complete message head (RFC 9112 §5): `name: value` with a token name,
/// no whitespace before the colon, optional whitespace around the value, no obsolete line folding.
internal enum HTTPFieldLineParser {
    /// Calls `visit` with each field's name and trimmed value in `head[start...]`, up to the empty line that
    /// ends the head; returns the error for the first malformed line.
    static func parse(
        _ head: UnsafeRawBufferPointer,
        from start: Int,
        _ visit: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Void
    ) -> HTTPError? {
        var lineStart = start
        let count = head.count
        while lineStart < count {
            var newline = lineStart
            while newline < count && head[newline] != HTTPASCII.lf { newline += 1 }
            var lineEnd = newline
            if lineEnd > lineStart && head[lineEnd - 1] == HTTPASCII.cr { lineEnd -= 1 }
            if lineEnd == lineStart { return nil }
            let first = head[lineStart]
            if HTTPASCII.isWhitespace(first) {
                return HTTPError(.badRequest, "Obsolete line folding is not allowed in header fields")
            }
            var colon = lineStart
            while colon < lineEnd && head[colon] != HTTPASCII.colon { colon += 1 }
            guard colon < lineEnd, colon > lineStart else {
                return HTTPError(.badRequest, "Malformed header field line")
            }
            for index in lineStart..<colon where !HTTPTokenCharacters.contains(head[index]) {
                return HTTPError(.badRequest, "Invalid character in header field name")
            }
            let value = HTTPASCII.trimmingWhitespace(UnsafeRawBufferPointer(rebasing: head[(colon + 1)..<lineEnd]))
            for byte in value where (byte < 0x20 && byte != HTTPASCII.tab) || byte == 0x7F {
                return HTTPError(.badRequest, "Invalid character in header field value")
            }
            visit(UnsafeRawBufferPointer(rebasing: head[lineStart..<colon]), value)
            lineStart = newline + 1
        }
        return nil
    }

    /// A header field name as a string.
    static func name(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// A header field value as a string (obs-text bytes that are not UTF-8 become U+FFFD).
    static func value(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// The decimal value of a `Content-Length` element, `Int.max` when it is too large to hold, or `nil`
    /// when it is not all digits.
    static func contentLength(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty else { return nil }
        var value = 0
        for byte in bytes {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            if value > (Int.max - 9) / 10 {
                value = Int.max
            } else if value != Int.max {
                value = value * 10 + Int(digit)
            }
        }
        return value
    }
}
