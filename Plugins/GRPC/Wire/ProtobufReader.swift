public import NacosTransport

/// Reads the fields of one protobuf message from a buffer, checking every length against the bytes left.
public struct ProtobufReader {
    private var buffer: NacosByteBuffer

    /// Reads `message`.
    public init(_ message: NacosByteBuffer) {
        self.buffer = message
    }

    /// Whether every byte was read.
    public var isAtEnd: Bool { self.buffer.readableBytes == 0 }

    /// The next field's number and wire type, or `nil` at the end of the message.
    public mutating func nextField() throws(ProtobufError) -> (number: Int, wireType: ProtobufWireType)? {
        guard !self.isAtEnd else { return nil }
        let key = try self.readVarint()
        guard let wireType = ProtobufWireType(rawValue: UInt8(key & 7)) else {
            throw ProtobufError("unknown wire type \(key & 7)")
        }
        let number = key >> 3
        guard number >= 1, number <= 536_870_911 else { throw ProtobufError("field number \(number) out of range") }
        return (Int(number), wireType)
    }

    /// Reads a varint (at most 10 bytes).
    public mutating func readVarint() throws(ProtobufError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard let byte = self.buffer.readInteger(as: UInt8.self) else { throw ProtobufError("truncated varint") }
            guard shift < 64, shift < 63 || byte <= 1 else { throw ProtobufError("varint longer than 10 bytes") }
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    /// Reads a length-delimited field's bytes, as a slice of the message.
    public mutating func readLengthDelimited() throws(ProtobufError) -> NacosByteBuffer {
        let length = try self.readVarint()
        guard length <= UInt64(self.buffer.readableBytes), let slice = self.buffer.readSlice(length: Int(length)) else {
            throw ProtobufError("length \(length) past the end of the message (\(self.buffer.readableBytes) bytes left)")
        }
        return slice
    }

    /// Reads a length-delimited field as UTF-8 text.
    public mutating func readString() throws(ProtobufError) -> String {
        let bytes = try self.readLengthDelimited()
        let decoded = bytes.withUnsafeReadableBytes { raw in String(validating: raw, as: UTF8.self) }
        guard let decoded else { throw ProtobufError("string field is not valid UTF-8") }
        return decoded
    }

    /// Skips a field of `wireType` (groups are rejected).
    public mutating func skip(_ wireType: ProtobufWireType) throws(ProtobufError) {
        switch wireType {
        case .varint: _ = try self.readVarint()
        case .lengthDelimited: _ = try self.readLengthDelimited()
        case .fixed64: try self.skipBytes(8)
        case .fixed32: try self.skipBytes(4)
        case .startGroup, .endGroup: throw ProtobufError("groups are not supported")
        }
    }

    private mutating func skipBytes(_ count: Int) throws(ProtobufError) {
        guard self.buffer.readableBytes >= count else { throw ProtobufError("truncated fixed-width field") }
        self.buffer.moveReaderIndex(forwardBy: count)
    }
}
