public import NacosTransport

/// Writes protobuf fields into a buffer.
public enum ProtobufWriter {
    /// Appends a varint.
    public static func writeVarint(_ value: UInt64, into buffer: inout NacosByteBuffer) {
        var value = value
        while value >= 0x80 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.writeInteger(UInt8(value))
    }

    /// The number of bytes `value` takes as a varint.
    public static func varintSize(_ value: UInt64) -> Int {
        var size = 1
        var value = value >> 7
        while value != 0 {
            size += 1
            value >>= 7
        }
        return size
    }

    /// Appends a field key.
    public static func writeKey(_ number: Int, _ wireType: ProtobufWireType, into buffer: inout NacosByteBuffer) {
        Self.writeVarint(UInt64(number) << 3 | UInt64(wireType.rawValue), into: &buffer)
    }

    /// Appends a length-delimited field holding `bytes`.
    public static func writeBytes(_ number: Int, _ bytes: NacosByteBuffer, into buffer: inout NacosByteBuffer) {
        Self.writeKey(number, .lengthDelimited, into: &buffer)
        Self.writeVarint(UInt64(bytes.readableBytes), into: &buffer)
        buffer.writeImmutableBuffer(bytes)
    }

    /// Appends a string field, or nothing for the empty string (proto3 default).
    public static func writeString(_ number: Int, _ value: String, into buffer: inout NacosByteBuffer) {
        guard !value.isEmpty else { return }
        Self.writeKey(number, .lengthDelimited, into: &buffer)
        Self.writeVarint(UInt64(value.utf8.count), into: &buffer)
        buffer.writeString(value)
    }
}
