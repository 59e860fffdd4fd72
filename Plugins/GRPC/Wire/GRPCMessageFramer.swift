public import NacosTransport

/// Writes gRPC's length-prefixed messages: a compressed-flag byte (always 0: we compress nothing) and a
/// 4-byte big-endian length before each message.
public enum GRPCMessageFramer {
    /// The length of the prefix.
    public static let prefixLength = 5

    /// Appends one message whose bytes `body` writes; the length is filled in afterwards.
    public static func write(into buffer: inout NacosByteBuffer, _ body: (inout NacosByteBuffer) -> Void) {
        let start = buffer.writerIndex
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt32(0))
        body(&buffer)
        let length = buffer.writerIndex - start - Self.prefixLength
        buffer.setInteger(UInt32(truncatingIfNeeded: length), at: start + 1)
    }

    /// Appends one message holding `message`.
    public static func write(_ message: NacosByteBuffer, into buffer: inout NacosByteBuffer) {
        Self.write(into: &buffer) { $0.writeImmutableBuffer(message) }
    }
}
