/// Byte-level helpers for the ASCII parts of HTTP: case-insensitive comparison, whitespace, digits.
internal enum HTTPASCII {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let colon = UInt8(ascii: ":")
    static let semicolon = UInt8(ascii: ";")
    static let comma = UInt8(ascii: ",")
    static let percent = UInt8(ascii: "%")
    static let plus = UInt8(ascii: "+")
    static let question = UInt8(ascii: "?")
    static let ampersand = UInt8(ascii: "&")
    static let equals = UInt8(ascii: "=")
    static let slash = UInt8(ascii: "/")

    /// `byte` lower-cased if it is an ASCII capital letter.
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// Whether `byte` is optional whitespace (SP or HTAB).
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == Self.space || byte == Self.tab
    }

    /// The value of a hexadecimal digit, or `nil`.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }

    /// Whether two strings are equal ignoring ASCII case.
    static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        var rightIndex = right.startIndex
        for byte in left {
            if Self.lowercased(byte) != Self.lowercased(right[rightIndex]) { return false }
            rightIndex = right.index(after: rightIndex)
        }
        return true
    }

    /// Whether `bytes` equal the lower-case ASCII `lowercase` ignoring case.
    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        for index in 0..<bytes.count where Self.lowercased(bytes[index]) != expected[index] {
            return false
        }
        return true
    }

    /// `bytes` with leading and trailing SP/HTAB removed.
    static func trimmingWhitespace(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = 0
        var end = bytes.count
        while start < end && Self.isWhitespace(bytes[start]) { start += 1 }
        while end > start && Self.isWhitespace(bytes[end - 1]) { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    /// Calls `body` with each comma-separated element of a header value, trimmed, skipping empty ones.
    static func forEachListElement(_ value: String, _ body: (UnsafeRawBufferPointer) -> Void) {
        var value = value
        value.withUTF8 { utf8 in
            let raw = UnsafeRawBufferPointer(utf8)
            var start = 0
            for index in 0...raw.count where index == raw.count || raw[index] == Self.comma {
                let element = Self.trimmingWhitespace(UnsafeRawBufferPointer(rebasing: raw[start..<index]))
                if !element.isEmpty { body(element) }
                start = index + 1
            }
        }
    }
}
