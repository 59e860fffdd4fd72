public import NacosTransport

/// Encodes a `NacosPayload` into one transport frame's payload and decodes it back (protocol version 1).
///
/// Layout (integers big-endian, strings UTF-8 without terminator; see docs/protocol.md):
///
/// ```
/// u8   version (1)
/// u8   kind (1 request, 2 response)
/// u64  callId
/// u8   type length,      type bytes (1…255, required)
/// u8   clientIp length,  clientIp bytes (0…255)
/// u16  header count (≤ maxHeaderCount), then per header:
///        u16 name length, name bytes, u16 value length, value bytes
/// u32  body length,      body bytes (JSON), which must end exactly at the end of the frame
/// ```
///
/// Decoding never traps and never allocates more than the frame's own size: every length is checked
/// against the bytes left before it is used, and any inconsistency is a `NacosRemoteError`.
public struct NacosPayloadCodec: Sendable {
    /// The protocol version this codec writes and reads, the first byte of every frame.
    public static let version: UInt8 = 1
    /// The fixed part before the type name: version, kind, callId and the type length byte.
    public static let fixedHeaderLength = 1 + 1 + 8 + 1

    /// The most headers a frame may carry; a frame announcing more is rejected before any header is read.
    public var maxHeaderCount: Int

    /// Creates a codec that accepts and writes at most `maxHeaderCount` headers per frame (at most 65,535).
    public init(maxHeaderCount: Int = 256) {
        self.maxHeaderCount = Swift.max(0, Swift.min(maxHeaderCount, Int(UInt16.max)))
    }

    /// Encodes `payload` into a new buffer holding exactly one frame's payload.
    ///
    /// - Throws: `NacosRemoteError` with code `encodingFailed` when a field exceeds its wire limit.
    public func encode(_ payload: NacosPayload) throws(NacosRemoteError) -> NacosByteBuffer {
        var buffer = NacosByteBuffer()
        try self.encode(payload, into: &buffer)
        return buffer
    }

    /// Appends the encoding of `payload` to `buffer`.
    ///
    /// - Throws: `NacosRemoteError` with code `encodingFailed` when a field exceeds its wire limit;
    ///   `buffer` is unchanged then.
    public func encode(_ payload: NacosPayload, into buffer: inout NacosByteBuffer) throws(NacosRemoteError) {
        let typeLength = payload.type.utf8.count
        guard typeLength >= 1, typeLength <= Int(UInt8.max) else {
            throw NacosRemoteError(.encodingFailed, "type name must be 1…255 UTF-8 bytes, got \(typeLength)")
        }
        let clientIpLength = payload.clientIp.utf8.count
        guard clientIpLength <= Int(UInt8.max) else {
            throw NacosRemoteError(.encodingFailed, "clientIp must be at most 255 UTF-8 bytes, got \(clientIpLength)")
        }
        guard payload.headers.count <= self.maxHeaderCount else {
            throw NacosRemoteError(
                .encodingFailed,
                "\(payload.headers.count) headers exceed the limit of \(self.maxHeaderCount)"
            )
        }
        var headersLength = 0
        for (name, value) in payload.headers {
            let nameLength = name.utf8.count
            let valueLength = value.utf8.count
            guard nameLength <= Int(UInt16.max), valueLength <= Int(UInt16.max) else {
                throw NacosRemoteError(.encodingFailed, "header '\(name.prefix(64))' name or value exceeds 65,535 bytes")
            }
            headersLength += 4 + nameLength + valueLength
        }
        let bodyLength = payload.body.readableBytes
        guard bodyLength <= Int(UInt32.max) else {
            throw NacosRemoteError(.encodingFailed, "body of \(bodyLength) bytes exceeds 4 GiB")
        }

        let total = Self.fixedHeaderLength + typeLength + 1 + clientIpLength + 2 + headersLength + 4 + bodyLength
        buffer.reserveCapacity(minimumWritableBytes: total)
        buffer.writeInteger(Self.version)
        buffer.writeInteger(payload.kind.rawValue)
        buffer.writeInteger(payload.callId)
        buffer.writeInteger(UInt8(typeLength))
        buffer.writeString(payload.type)
        buffer.writeInteger(UInt8(clientIpLength))
        buffer.writeString(payload.clientIp)
        buffer.writeInteger(UInt16(payload.headers.count))
        // Sorted so that equal payloads encode to equal bytes.
        for (name, value) in payload.headers.sorted(by: { $0.key < $1.key }) {
            buffer.writeInteger(UInt16(name.utf8.count))
            buffer.writeString(name)
            buffer.writeInteger(UInt16(value.utf8.count))
            buffer.writeString(value)
        }
        buffer.writeInteger(UInt32(bodyLength))
        buffer.writeImmutableBuffer(payload.body)
    }

    /// Decodes the readable bytes of one frame's payload; the body is a slice sharing `frame`'s storage.
    ///
    /// - Throws: `NacosRemoteError` with code `unsupportedVersion` for a frame of another protocol
    ///   version, `malformedFrame` for a truncated frame, trailing bytes, an unknown kind, an empty type,
    ///   a length past the end, invalid UTF-8, a duplicate header or too many headers.
    public func decode(_ frame: NacosByteBuffer) throws(NacosRemoteError) -> NacosPayload {
        var reader = FrameReader(frame)
        guard frame.readableBytes > 0 else {
            throw NacosRemoteError(.malformedFrame, "empty frame")
        }
        let version = try reader.readUInt8("version")
        guard version == Self.version else {
            throw NacosRemoteError(
                .unsupportedVersion,
                "protocol version \(version) is not supported (this codec speaks \(Self.version))"
            )
        }
        let kindByte = try reader.readUInt8("kind")
        guard let kind = NacosPayload.Kind(rawValue: kindByte) else {
            throw NacosRemoteError(.malformedFrame, "unknown message kind \(kindByte) at offset 1")
        }
        let callId = try reader.readUInt64("callId")
        let typeLength = Int(try reader.readUInt8("type length"))
        guard typeLength > 0 else {
            throw NacosRemoteError(.malformedFrame, "empty type name at offset \(reader.offset - 1)")
        }
        let type = try reader.readString(length: typeLength, "type")
        let clientIpLength = Int(try reader.readUInt8("clientIp length"))
        let clientIp = try reader.readString(length: clientIpLength, "clientIp")
        let headerCount = Int(try reader.readUInt16("header count"))
        guard headerCount <= self.maxHeaderCount else {
            throw NacosRemoteError(
                .malformedFrame,
                "\(headerCount) headers exceed the limit of \(self.maxHeaderCount)"
            )
        }
        // Each header takes at least its two length fields; checked before reserving room for them.
        guard headerCount * 4 <= reader.remaining else {
            throw NacosRemoteError(.malformedFrame, "\(headerCount) headers cannot fit in the \(reader.remaining) bytes left")
        }
        var headers: [String: String] = [:]
        if headerCount > 0 {
            headers.reserveCapacity(headerCount)
            for index in 0..<headerCount {
                let nameLength = Int(try reader.readUInt16("header \(index) name length"))
                let name = try reader.readString(length: nameLength, "header \(index) name")
                let valueLength = Int(try reader.readUInt16("header \(index) value length"))
                let value = try reader.readString(length: valueLength, "header \(index) value")
                guard headers.updateValue(value, forKey: name) == nil else {
                    throw NacosRemoteError(.malformedFrame, "duplicate header '\(name.prefix(64))'")
                }
            }
        }
        let bodyLength = Int(try reader.readUInt32("body length"))
        let body = try reader.readSlice(length: bodyLength, "body")
        guard reader.remaining == 0 else {
            throw NacosRemoteError(.malformedFrame, "\(reader.remaining) trailing bytes after the body")
        }
        return NacosPayload(kind: kind, callId: callId, type: type, clientIp: clientIp, headers: headers, body: body)
    }
}

/// A bounds-checked cursor over one frame: every read names the field it is for, so errors do too.
private struct FrameReader {
    private let frame: NacosByteBuffer
    /// The absolute index of the next byte.
    private var index: Int

    init(_ frame: NacosByteBuffer) {
        self.frame = frame
        self.index = frame.readerIndex
    }

    /// The offset of the next byte from the start of the frame.
    var offset: Int { self.index - self.frame.readerIndex }

    /// The bytes left after the cursor.
    var remaining: Int { self.frame.writerIndex - self.index }

    mutating func readUInt8(_ field: String) throws(NacosRemoteError) -> UInt8 {
        try self.readInteger(UInt8.self, field)
    }

    mutating func readUInt16(_ field: String) throws(NacosRemoteError) -> UInt16 {
        try self.readInteger(UInt16.self, field)
    }

    mutating func readUInt32(_ field: String) throws(NacosRemoteError) -> UInt32 {
        try self.readInteger(UInt32.self, field)
    }

    mutating func readUInt64(_ field: String) throws(NacosRemoteError) -> UInt64 {
        try self.readInteger(UInt64.self, field)
    }

    private mutating func readInteger<T: FixedWidthInteger>(_ type: T.Type, _ field: String) throws(NacosRemoteError) -> T {
        guard let value = self.frame.getInteger(at: self.index, as: T.self) else {
            throw self.truncated(field, needed: MemoryLayout<T>.size)
        }
        self.index += MemoryLayout<T>.size
        return value
    }

    /// Reads `length` bytes as strictly valid UTF-8.
    mutating func readString(length: Int, _ field: String) throws(NacosRemoteError) -> String {
        guard length <= self.remaining else { throw self.truncated(field, needed: length) }
        if length == 0 { return "" }
        let start = self.index - self.frame.readerIndex
        let string = self.frame.withUnsafeReadableBytes { bytes in
            String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)]), as: UTF8.self)
        }
        guard let string else {
            throw NacosRemoteError(.malformedFrame, "\(field) at offset \(self.offset) is not valid UTF-8")
        }
        self.index += length
        return string
    }

    /// Reads `length` bytes as a slice sharing the frame's storage.
    mutating func readSlice(length: Int, _ field: String) throws(NacosRemoteError) -> NacosByteBuffer {
        guard length <= self.remaining, let slice = self.frame.getSlice(at: self.index, length: length) else {
            throw self.truncated(field, needed: length)
        }
        self.index += length
        return slice
    }

    private func truncated(_ field: String, needed: Int) -> NacosRemoteError {
        NacosRemoteError(
            .malformedFrame,
            "truncated frame: \(field) at offset \(self.offset) needs \(needed) bytes, \(self.remaining) left"
        )
    }
}
