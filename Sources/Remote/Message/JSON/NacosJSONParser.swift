public import NacosTransport

/// A strict RFC 8259 JSON parser for message bodies: one top-level value, UTF-8, escapes including
/// surrogate pairs, nesting bounded by `maxDepth`. Errors name the byte offset.
public enum NacosJSONParser {
    /// The deepest nesting of arrays and objects accepted.
    public static let maxDepth = 64

    /// Parses the readable bytes of `body` as one JSON value.
    ///
    /// - Throws: `NacosRemoteError` with code `malformedBody`.
    public static func parse(_ body: NacosByteBuffer) throws(NacosRemoteError) -> NacosJSONValue {
        let result = body.withUnsafeReadableBytes { bytes -> Result<NacosJSONValue, NacosRemoteError> in
            var parser = Parser(bytes: bytes)
            do throws(NacosRemoteError) {
                return .success(try parser.parseDocument())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses `body` and requires an object at the top.
    public static func parseObject(_ body: NacosByteBuffer) throws(NacosRemoteError) -> NacosJSONObject {
        guard case .object(let object) = try Self.parse(body) else {
            throw NacosRemoteError(.malformedBody, "expected a JSON object")
        }
        return object
    }
}

private struct Parser {
    let bytes: UnsafeRawBufferPointer
    var index = 0
    var depth = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(NacosRemoteError) -> NacosJSONValue {
        self.skipSpaces()
        let value = try self.parseValue()
        self.skipSpaces()
        guard self.index == self.bytes.count else { throw self.error("unexpected data after the JSON value") }
        return value
    }

    private func error(_ message: String) -> NacosRemoteError {
        NacosRemoteError(.malformedBody, "JSON at byte \(self.index): \(message)")
    }

    private mutating func skipSpaces() {
        while self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case 0x20, 0x09, 0x0A, 0x0D: self.index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(NacosRemoteError) -> NacosJSONValue {
        guard self.index < self.bytes.count else { throw self.error("unexpected end") }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"): return .object(try self.parseObject())
        case UInt8(ascii: "["): return .array(try self.parseArray())
        case UInt8(ascii: "\""): return .string(try self.parseString())
        case UInt8(ascii: "t"): try self.expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try self.expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try self.expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try self.parseNumber()
        default: throw self.error("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(NacosRemoteError) {
        let count = literal.utf8CodeUnitCount
        guard self.index + count <= self.bytes.count else { throw self.error("unexpected end") }
        let start = literal.utf8Start
        for offset in 0..<count where self.bytes[self.index + offset] != start[offset] {
            throw self.error("invalid literal")
        }
        self.index += count
    }

    private mutating func enter() throws(NacosRemoteError) {
        self.depth += 1
        guard self.depth <= NacosJSONParser.maxDepth else { throw self.error("nesting deeper than \(NacosJSONParser.maxDepth)") }
    }

    private mutating func parseObject() throws(NacosRemoteError) -> NacosJSONObject {
        try self.enter()
        self.index += 1
        var members: [(key: String, value: NacosJSONValue)] = []
        self.skipSpaces()
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "}") {
            self.index += 1
            self.depth -= 1
            return NacosJSONObject(members: members)
        }
        while true {
            self.skipSpaces()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\"") else { throw self.error("expected a member name") }
            let key = try self.parseString()
            self.skipSpaces()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ":") else { throw self.error("expected ':'") }
            self.index += 1
            self.skipSpaces()
            members.append((key, try self.parseValue()))
            self.skipSpaces()
            guard self.index < self.bytes.count else { throw self.error("unexpected end") }
            let byte = self.bytes[self.index]
            self.index += 1
            if byte == UInt8(ascii: "}") { break }
            guard byte == UInt8(ascii: ",") else { throw self.error("expected ',' or '}'") }
        }
        self.depth -= 1
        return NacosJSONObject(members: members)
    }

    private mutating func parseArray() throws(NacosRemoteError) -> [NacosJSONValue] {
        try self.enter()
        self.index += 1
        var values: [NacosJSONValue] = []
        self.skipSpaces()
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "]") {
            self.index += 1
            self.depth -= 1
            return values
        }
        while true {
            self.skipSpaces()
            values.append(try self.parseValue())
            self.skipSpaces()
            guard self.index < self.bytes.count else { throw self.error("unexpected end") }
            let byte = self.bytes[self.index]
            self.index += 1
            if byte == UInt8(ascii: "]") { break }
            guard byte == UInt8(ascii: ",") else { throw self.error("expected ',' or ']'") }
        }
        self.depth -= 1
        return values
    }

    private mutating func parseString() throws(NacosRemoteError) -> String {
        self.index += 1
        let start = self.index
        // Fast path: no escapes.
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index])
                self.index += 1
                guard let text = String(validating: slice, as: UTF8.self) else { throw self.error("invalid UTF-8 in a string") }
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw self.error("control character in a string") }
            self.index += 1
        }
        var scalars = Array(self.bytes[start..<self.index])
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            self.index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: scalars, as: UTF8.self) else { throw self.error("invalid UTF-8 in a string") }
                return text
            case UInt8(ascii: "\\"):
                guard self.index < self.bytes.count else { throw self.error("unexpected end") }
                let escaped = self.bytes[self.index]
                self.index += 1
                switch escaped {
                case UInt8(ascii: "\""): scalars.append(0x22)
                case UInt8(ascii: "\\"): scalars.append(0x5C)
                case UInt8(ascii: "/"): scalars.append(0x2F)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try self.parseHex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard self.index + 1 < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\\"),
                            self.bytes[self.index + 1] == UInt8(ascii: "u")
                        else { throw self.error("unpaired surrogate") }
                        self.index += 2
                        let low = try self.parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw self.error("unpaired surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(code) {
                        throw self.error("unpaired surrogate")
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw self.error("invalid escape") }
                    scalars.append(contentsOf: String(Character(scalar)).utf8)
                default:
                    throw self.error("invalid escape")
                }
            default:
                guard byte >= 0x20 else { throw self.error("control character in a string") }
                scalars.append(byte)
            }
        }
        throw self.error("unterminated string")
    }

    private mutating func parseHex4() throws(NacosRemoteError) -> UInt32 {
        guard self.index + 4 <= self.bytes.count else { throw self.error("unexpected end") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = self.bytes[self.index]
            self.index += 1
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw self.error("invalid \\u escape")
            }
            value = value << 4 | digit
        }
        return value
    }

    private mutating func parseNumber() throws(NacosRemoteError) -> NacosJSONValue {
        let start = self.index
        var isInteger = true
        if self.bytes[self.index] == UInt8(ascii: "-") { self.index += 1 }
        guard self.index < self.bytes.count else { throw self.error("invalid number") }
        if self.bytes[self.index] == UInt8(ascii: "0") {
            self.index += 1
        } else {
            guard self.consumeDigits() > 0 else { throw self.error("invalid number") }
        }
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ".") {
            isInteger = false
            self.index += 1
            guard self.consumeDigits() > 0 else { throw self.error("invalid number") }
        }
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "e") || self.bytes[self.index] == UInt8(ascii: "E") {
            isInteger = false
            self.index += 1
            if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "+") || self.bytes[self.index] == UInt8(ascii: "-") {
                self.index += 1
            }
            guard self.consumeDigits() > 0 else { throw self.error("invalid number") }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index]), as: UTF8.self)
        if isInteger, let integer = Int64(text) { return .integer(integer) }
        guard let double = Double(text) else { throw self.error("invalid number") }
        return .double(double)
    }

    private mutating func consumeDigits() -> Int {
        let start = self.index
        while self.index < self.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self.bytes[self.index]) {
            self.index += 1
        }
        return self.index - start
    }
}
