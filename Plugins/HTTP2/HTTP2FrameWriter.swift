public import NacosTransport

/// Writes HTTP/2 frames (RFC 9113 §4.1: 24-bit length, type, flags, 31-bit stream id, payload) into a buffer.
public enum HTTP2FrameWriter {
    /// The client connection preface (RFC 9113 §3.4).
    public static let clientPreface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
    /// The length of a frame header.
    public static let headerLength = 9

    /// Appends a frame header.
    public static func writeHeader(length: Int, type: UInt8, flags: UInt8, streamID: UInt32, into buffer: inout NacosByteBuffer) {
        buffer.writeInteger(UInt8(truncatingIfNeeded: length >> 16))
        buffer.writeInteger(UInt16(truncatingIfNeeded: length))
        buffer.writeInteger(type)
        buffer.writeInteger(flags)
        buffer.writeInteger(streamID & 0x7fff_ffff)
    }

    /// Appends a whole frame with `payload`.
    public static func writeFrame(type: UInt8, flags: UInt8, streamID: UInt32, payload: NacosByteBuffer, into buffer: inout NacosByteBuffer) {
        Self.writeHeader(length: payload.readableBytes, type: type, flags: flags, streamID: streamID, into: &buffer)
        buffer.writeImmutableBuffer(payload)
    }

    /// Appends a SETTINGS frame with `settings` (identifier, value) pairs, or an ACK when `ack`.
    public static func writeSettings(_ settings: [(UInt16, UInt32)], ack: Bool = false, into buffer: inout NacosByteBuffer) {
        Self.writeHeader(length: ack ? 0 : settings.count * 6, type: 0x4, flags: ack ? 0x1 : 0, streamID: 0, into: &buffer)
        guard !ack else { return }
        for (identifier, value) in settings {
            buffer.writeInteger(identifier)
            buffer.writeInteger(value)
        }
    }

    /// Appends a WINDOW_UPDATE frame.
    public static func writeWindowUpdate(streamID: UInt32, increment: UInt32, into buffer: inout NacosByteBuffer) {
        Self.writeHeader(length: 4, type: 0x8, flags: 0, streamID: streamID, into: &buffer)
        buffer.writeInteger(increment & 0x7fff_ffff)
    }

    /// Appends an RST_STREAM frame.
    public static func writeResetStream(streamID: UInt32, errorCode: HTTP2ErrorCode, into buffer: inout NacosByteBuffer) {
        Self.writeHeader(length: 4, type: 0x3, flags: 0, streamID: streamID, into: &buffer)
        buffer.writeInteger(errorCode.rawValue)
    }

    /// Appends a GOAWAY frame.
    public static func writeGoAway(lastStreamID: UInt32, errorCode: HTTP2ErrorCode, debugData: String, into buffer: inout NacosByteBuffer) {
        let debug = Array(debugData.utf8.prefix(256))
        Self.writeHeader(length: 8 + debug.count, type: 0x7, flags: 0, streamID: 0, into: &buffer)
        buffer.writeInteger(lastStreamID & 0x7fff_ffff)
        buffer.writeInteger(errorCode.rawValue)
        buffer.writeBytes(debug)
    }

    /// Appends a PING frame (an ACK echoes the 8 bytes it answers).
    public static func writePing(_ opaque: UInt64, ack: Bool, into buffer: inout NacosByteBuffer) {
        Self.writeHeader(length: 8, type: 0x6, flags: ack ? 0x1 : 0, streamID: 0, into: &buffer)
        buffer.writeInteger(opaque)
    }
}
