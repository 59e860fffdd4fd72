public import NacosTransport

/// Splits a stream's DATA into gRPC messages, checking each prefix before the message is buffered.
public struct GRPCMessageDeframer: Sendable {
    /// The largest message accepted.
    public let maxMessageSize: Int
    private var buffer = NacosByteBuffer()

    /// Creates a deframer for messages up to `maxMessageSize` bytes.
    public init(maxMessageSize: Int) {
        self.maxMessageSize = maxMessageSize
    }

    /// Whether part of a message has arrived but not all of it.
    public var hasPartialMessage: Bool { self.buffer.readableBytes > 0 }

    /// Adds received bytes.
    public mutating func append(_ data: NacosByteBuffer) {
        guard data.readableBytes > 0 else { return }
        if self.buffer.readableBytes == 0 {
            self.buffer = data
        } else {
            self.buffer.writeImmutableBuffer(data)
        }
    }

    /// The next whole message, or `nil` until more bytes arrive.
    ///
    /// - Throws: `GRPCStatus` RESOURCE_EXHAUSTED for a message over the limit, UNIMPLEMENTED for a compressed
    ///   message (no encoding is negotiated), INTERNAL for an invalid flag.
    public mutating func nextMessage() throws(GRPCStatus) -> NacosByteBuffer? {
        guard self.buffer.readableBytes >= GRPCMessageFramer.prefixLength,
            let flag = self.buffer.getInteger(at: self.buffer.readerIndex, as: UInt8.self),
            let length = self.buffer.getInteger(at: self.buffer.readerIndex + 1, as: UInt32.self)
        else { return nil }
        switch flag {
        case 0: break
        case 1: throw GRPCStatus(code: .unimplemented, message: "Compressed message received but no grpc-encoding negotiated")
        default: throw GRPCStatus(code: .internalError, message: "invalid message flag \(flag)")
        }
        guard Int(length) <= self.maxMessageSize else {
            throw GRPCStatus(code: .resourceExhausted, message: "message of \(length) bytes exceeds the limit of \(self.maxMessageSize)")
        }
        guard self.buffer.readableBytes >= GRPCMessageFramer.prefixLength + Int(length) else { return nil }
        self.buffer.moveReaderIndex(forwardBy: GRPCMessageFramer.prefixLength)
        let message = self.buffer.readSlice(length: Int(length)) ?? NacosByteBuffer()
        if self.buffer.readableBytes == 0 { self.buffer = NacosByteBuffer() }
        return message
    }
}
