import NacosTransport

/// A reader for one flat JSON object of plain strings (no escapes), integers, booleans, `null` and `{}`;
/// anything else makes it give up, so the caller can fall back to a full JSON decoder.
internal enum FlatJSONObject {
    /// A member's value.
    enum Value: Equatable {
        case string(String)
        case integer(Int)
        case boolean(Bool)
        case null
        case emptyObject
    }

    /// The members of the object in `body`, in order, or `nil` when the body is anything but such an object.
    static func parse(_ body: NacosByteBuffer) -> [(String, Value)]? {
        body.withUnsafeReadableBytes { bytes in
            var reader = Reader(bytes: bytes)
            return reader.object()
        }
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        mutating func object() -> [(String, Value)]? {
            self.skipSpace()
            guard self.consume(UInt8(ascii: "{")) else { return nil }
            var members: [(String, Value)] = []
            self.skipSpace()
            if self.consume(UInt8(ascii: "}")) { return self.atEnd() ? members : nil }
            while true {
                self.skipSpace()
                guard let key = self.string() else { return nil }
                self.skipSpace()
                guard self.consume(UInt8(ascii: ":")) else { return nil }
                self.skipSpace()
                guard let value = self.value() else { return nil }
                members.append((key, value))
                self.skipSpace()
                if self.consume(UInt8(ascii: ",")) { continue }
                guard self.consume(UInt8(ascii: "}")) else { return nil }
                return self.atEnd() ? members : nil
            }
        }

        private mutating func value() -> Value? {
            guard self.index < self.bytes.count else { return nil }
            switch self.bytes[self.index] {
            case UInt8(ascii: "\""): return self.string().map(Value.string)
            case UInt8(ascii: "t"): return self.literal("true") ? .boolean(true) : nil
            case UInt8(ascii: "f"): return self.literal("false") ? .boolean(false) : nil
            case UInt8(ascii: "n"): return self.literal("null") ? .null : nil
            case UInt8(ascii: "{"):
                self.index += 1
                self.skipSpace()
                return self.consume(UInt8(ascii: "}")) ? .emptyObject : nil
            default: return self.integer().map(Value.integer)
            }
        }

        private mutating func string() -> String? {
            guard self.consume(UInt8(ascii: "\"")) else { return nil }
            let start = self.index
            while self.index < self.bytes.count {
                let byte = self.bytes[self.index]
                if byte == UInt8(ascii: "\"") {
                    let text = String(validating: UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index]), as: UTF8.self)
                    self.index += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                self.index += 1
            }
            return nil
        }

        private mutating func integer() -> Int? {
            let negative = self.consume(UInt8(ascii: "-"))
            var value = 0
            var digits = 0
            while self.index < self.bytes.count, (0x30...0x39).contains(self.bytes[self.index]) {
                guard digits < 18 else { return nil }
                value = value * 10 + Int(self.bytes[self.index] - 0x30)
                digits += 1
                self.index += 1
            }
            guard digits > 0 else { return nil }
            if self.index < self.bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(self.bytes[self.index]) {
                return nil
            }
            return negative ? -value : value
        }

        private mutating func literal(_ word: StaticString) -> Bool {
            let length = word.utf8CodeUnitCount
            guard self.bytes.count - self.index >= length else { return false }
            for offset in 0..<length where self.bytes[self.index + offset] != word.utf8Start[offset] {
                return false
            }
            self.index += length
            return true
        }

        private mutating func consume(_ byte: UInt8) -> Bool {
            guard self.index < self.bytes.count, self.bytes[self.index] == byte else { return false }
            self.index += 1
            return true
        }

        private mutating func skipSpace() {
            while self.index < self.bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(self.bytes[self.index]) {
                self.index += 1
            }
        }

        private func atEnd() -> Bool {
            var probe = self
            probe.skipSpace()
            return probe.index == probe.bytes.count
        }
    }
}
