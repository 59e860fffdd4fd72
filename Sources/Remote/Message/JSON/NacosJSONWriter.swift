public import NacosTransport

/// Writes JSON text for the fast message codecs: objects and arrays with automatic commas, escaped
/// strings, Jackson-shaped numbers (`1.0` for a whole double), `nil` fields left out by the `…IfPresent`
/// calls.
public struct NacosJSONWriter {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    /// Creates an empty writer with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        self.bytes.reserveCapacity(capacity)
    }

    /// The written text as a byte buffer.
    public var buffer: NacosByteBuffer { NacosByteBuffer(bytes: self.bytes) }

    /// Writes `{`, runs `body` for the members, then writes `}`.
    public mutating func object(_ body: (inout NacosJSONWriter) -> Void) {
        self.separate()
        self.bytes.append(UInt8(ascii: "{"))
        self.needsComma = false
        body(&self)
        self.bytes.append(UInt8(ascii: "}"))
        self.needsComma = true
    }

    /// Writes `[`, runs `body` for the elements, then writes `]`.
    public mutating func array(_ body: (inout NacosJSONWriter) -> Void) {
        self.separate()
        self.bytes.append(UInt8(ascii: "["))
        self.needsComma = false
        body(&self)
        self.bytes.append(UInt8(ascii: "]"))
        self.needsComma = true
    }

    /// Writes a member name; the member's value must follow.
    public mutating func key(_ name: String) {
        self.separate()
        self.writeQuoted(name)
        self.bytes.append(UInt8(ascii: ":"))
        self.needsComma = false
    }

    /// Writes a string value.
    public mutating func string(_ value: String) {
        self.separate()
        self.writeQuoted(value)
        self.needsComma = true
    }

    /// Writes an integer value.
    public mutating func integer(_ value: some BinaryInteger) {
        self.separate()
        self.bytes.append(contentsOf: String(value).utf8)
        self.needsComma = true
    }

    /// Writes a floating-point value as Jackson does (`1.0`, `0.25`); a non-finite value as `null`.
    public mutating func double(_ value: Double) {
        self.separate()
        if value.isFinite {
            self.bytes.append(contentsOf: String(value).utf8)
        } else {
            self.bytes.append(contentsOf: "null".utf8)
        }
        self.needsComma = true
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        self.separate()
        self.bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
        self.needsComma = true
    }

    /// Writes `null`.
    public mutating func null() {
        self.separate()
        self.bytes.append(contentsOf: "null".utf8)
        self.needsComma = true
    }

    /// Writes a string map as an object.
    public mutating func stringMap(_ map: [String: String]) {
        self.object { writer in
            for (name, value) in map {
                writer.key(name)
                writer.string(value)
            }
        }
    }

    /// Writes member `name` with a string value, or nothing when `value` is `nil`.
    public mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        self.key(name)
        self.string(value)
    }

    /// Writes member `name` with an integer value.
    public mutating func field(_ name: String, _ value: some BinaryInteger) {
        self.key(name)
        self.integer(value)
    }

    /// Writes member `name` with a floating-point value.
    public mutating func field(_ name: String, _ value: Double) {
        self.key(name)
        self.double(value)
    }

    /// Writes member `name` with a boolean value.
    public mutating func field(_ name: String, _ value: Bool) {
        self.key(name)
        self.bool(value)
    }

    private mutating func separate() {
        if self.needsComma { self.bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func writeQuoted(_ text: String) {
        self.bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): self.bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): self.bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: self.bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: self.bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: self.bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x00..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                self.bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: self.bytes.append(byte)
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }
}
