/// The character classes and length rule Nacos's Java checks use, written out so the param checks need no
/// regular expressions: Java's `StringUtils.isBlank`, regex `\s`, `.`, `\w` and `String.length()`.
enum JavaText {
    /// Whether `scalar` is whitespace to Java's `Character.isWhitespace`: the Unicode space, line and
    /// paragraph separators except the no-break spaces, plus `\t`, `\n`, `\u{0B}`, `\f`, `\r` and `\u{1C}`–`\u{1F}`.
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return value == 0x20 || (0x09...0x0D).contains(value) || (0x1C...0x1F).contains(value)
        }
        switch value {
        case 0x1680, 0x2000...0x2006, 0x2008...0x200A, 0x2028, 0x2029, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// Whether `text` is `nil`, empty or only whitespace (Java's `StringUtils.isBlank`).
    @inline(__always)
    static func isBlank(_ text: String?) -> Bool {
        guard let text else { return true }
        for scalar in text.unicodeScalars where !Self.isWhitespace(scalar) { return false }
        return true
    }

    /// Whether `scalar` is in Java regex `\s` (without `UNICODE_CHARACTER_CLASS`): space, `\t`, `\n`, `\u{0B}`, `\f`, `\r`.
    @inline(__always)
    static func isRegexSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x20 || (0x09...0x0D).contains(scalar.value)
    }

    /// Whether `scalar` is in the CJK range Nacos's patterns exclude, `\u4E00-\u9FA5`.
    @inline(__always)
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        (0x4E00...0x9FA5).contains(scalar.value)
    }

    /// Whether `scalar` ends a line for Java regex `.` (which does not match it): `\n`, `\r`, U+0085, U+2028, U+2029.
    @inline(__always)
    static func isLineTerminator(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x0D, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// Whether `scalar` is an ASCII letter or digit.
    @inline(__always)
    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
    }

    /// The length Java's `String.length()` reports: UTF-16 code units.
    @inline(__always)
    static func length(_ text: String) -> Int {
        text.utf16.count
    }
}
