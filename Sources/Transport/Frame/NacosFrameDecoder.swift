/// Splits a byte stream into length-prefixed frames: a 4-byte big-endian payload length, then the payload.
///
/// The decoder is correct at every split of its input: bytes of an incomplete frame are kept until the
/// rest arrives. Whole frames found in the input are handed out as slices of it, without copying. A length
/// header above `maxFrameLength` is rejected as soon as its four bytes are seen, before any of the payload
/// is buffered.
public struct NacosFrameDecoder: Sendable {
    /// The size of the length prefix in bytes.
    public static let headerLength = 4

    /// The largest payload accepted.
    public let maxFrameLength: Int

    /// Bytes of an incomplete frame (its header included), carried over between calls.
    private var partial = NacosByteBuffer()

    /// Creates a decoder that rejects payloads longer than `maxFrameLength` bytes.
    public init(maxFrameLength: Int) {
        precondition(maxFrameLength >= 0, "maxFrameLength must not be negative")
        self.maxFrameLength = maxFrameLength
    }

    /// The number of bytes held for a frame that is not complete yet.
    public var bufferedBytes: Int { self.partial.readableBytes }

    /// Consumes all of `input`, calling `emit` with each complete frame's payload in order.
    ///
    /// - Throws: `NacosTransportError` with code `.frameTooLarge` when a length header exceeds the maximum;
    ///   the decoder must not be used after that. Errors thrown by `emit` stop decoding and propagate.
    public mutating func decode(_ input: inout NacosByteBuffer, emit: (NacosByteBuffer) throws -> Void) throws {
        if self.partial.readableBytes > 0 {
            guard let frame = try self.continuePartialFrame(&input) else { return }
            try emit(frame)
        }
        while input.readableBytes >= Self.headerLength {
            let length = try self.checkedLength(input.getInteger(at: input.readerIndex, as: UInt32.self)!)
            guard input.readableBytes >= Self.headerLength + length else { break }
            input.moveReaderIndex(forwardBy: Self.headerLength)
            try emit(input.readSlice(length: length)!)
        }
        if input.readableBytes > 0 {
            // Keep the tail. Reserve for the whole frame when its length is known, but never more than
            // 64 KiB up front: the buffer grows as payload really arrives.
            var capacity = input.readableBytes
            if let length = input.getInteger(at: input.readerIndex, as: UInt32.self) {
                capacity = min(Self.headerLength + Int(length), max(capacity, 64 * 1024))
            }
            self.partial = NacosByteBuffer(capacity: capacity)
            self.partial.writeBuffer(&input)
        }
    }

    /// Checks at end of stream that no frame was cut off.
    ///
    /// - Throws: `NacosTransportError` with code `.connectionReset` if bytes of an incomplete frame remain.
    public func finish() throws(NacosTransportError) {
        guard self.partial.readableBytes == 0 else {
            let expected = self.partial.getInteger(at: self.partial.readerIndex, as: UInt32.self)
                .map { " of \(Int($0) + Self.headerLength)" } ?? ""
            throw NacosTransportError(
                .connectionReset,
                "peer closed the stream in the middle of a frame (\(self.partial.readableBytes)\(expected) bytes received)"
            )
        }
    }

    private func checkedLength(_ length: UInt32) throws(NacosTransportError) -> Int {
        guard Int(length) <= self.maxFrameLength else {
            throw NacosTransportError(.frameTooLarge, "frame length \(length) exceeds the maximum of \(self.maxFrameLength) bytes")
        }
        return Int(length)
    }

    /// Moves bytes from `input` into the partial frame; returns the frame once it is complete.
    private mutating func continuePartialFrame(_ input: inout NacosByteBuffer) throws -> NacosByteBuffer? {
        if self.partial.readableBytes < Self.headerLength {
            let take = min(Self.headerLength - self.partial.readableBytes, input.readableBytes)
            var head = input.readSlice(length: take)!
            self.partial.writeBuffer(&head)
            guard self.partial.readableBytes == Self.headerLength else { return nil }
        }
        let length = try self.checkedLength(self.partial.getInteger(at: self.partial.readerIndex, as: UInt32.self)!)
        let missing = Self.headerLength + length - self.partial.readableBytes
        let take = min(missing, input.readableBytes)
        if take > 0 {
            var piece = input.readSlice(length: take)!
            self.partial.writeBuffer(&piece)
        }
        guard take == missing else { return nil }
        self.partial.moveReaderIndex(forwardBy: Self.headerLength)
        let frame = self.partial.readSlice(length: length)!
        self.partial = NacosByteBuffer()
        return frame
    }
}
