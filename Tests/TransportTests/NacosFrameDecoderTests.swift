import NacosTestKit
import NacosTransport
import Testing

@Suite struct NacosFrameDecoderTests {
    /// The sizes every stream mixes: empty, tiny, around the header size, medium, and one above 64 KiB.
    static let sizes = [0, 1, 3, 4, 1000, 70_000]

    /// Payloads with the given sizes in a seeded shuffled order, with random contents.
    static func makePayloads(seed: UInt64, sizes: [Int]) -> [[UInt8]] {
        var random = SeededRandom(seed: seed)
        var sizes = sizes
        sizes.shuffle(using: &random)
        return sizes.map { random.bytes($0) }
    }

    /// Three rounds of every size: 18 frames, about 213 KB.
    static func mixedPayloads(seed: UInt64) -> [[UInt8]] {
        Self.makePayloads(seed: seed, sizes: Self.sizes + Self.sizes + Self.sizes)
    }

    /// Feeds `stream` to a decoder in chunks of the given lengths; returns copies of the frames.
    ///
    /// Yields now and then: feeding byte by byte is a lot of synchronous work in a debug build, and the
    /// tests running alongside share the cooperative thread pool.
    static func decode(
        _ stream: [UInt8],
        chunkLengths: some Sequence<Int>,
        maxFrameLength: Int = 100_000
    ) async throws -> (frames: [[UInt8]], decoder: NacosFrameDecoder) {
        var decoder = NacosFrameDecoder(maxFrameLength: maxFrameLength)
        var frames: [[UInt8]] = []
        var offset = 0
        var calls = 0
        var unconsumed = 0
        var lengths = chunkLengths.makeIterator()
        while offset < stream.count {
            let length = min(lengths.next() ?? stream.count, stream.count - offset)
            var input = NacosByteBuffer(bytes: stream[offset..<offset + length])
            try decoder.decode(&input) { frames.append($0.readableBytesArray) }
            unconsumed += input.readableBytes
            offset += length
            calls += 1
            if calls % 2000 == 0 { await Task.yield() }
        }
        #expect(unconsumed == 0, "decode must consume all of its input")
        return (frames, decoder)
    }

    @Test func decodesAStreamFedAllAtOnce() async throws {
        let payloads = Self.mixedPayloads(seed: 1)
        let (frames, decoder) = try await Self.decode(encodeFrames(payloads), chunkLengths: [Int]())
        #expect(frames == payloads)
        #expect(decoder.bufferedBytes == 0)
        try decoder.finish()
    }

    @Test func decodesAStreamFedOneByteAtATime() async throws {
        // Many small frames of every small size and one large one (one byte per call is slow in debug).
        let small = Self.sizes.filter { $0 < 70_000 }
        let payloads = Self.makePayloads(seed: 2, sizes: small + small + small + small + [70_000])
        let (frames, decoder) = try await Self.decode(encodeFrames(payloads), chunkLengths: repeatElement(1, count: .max))
        #expect(frames.count == payloads.count)
        #expect(frames == payloads)
        #expect(decoder.bufferedBytes == 0)
        try decoder.finish()
    }

    @Test(arguments: [3, 17, 4242, 90_001, 123_456_789] as [UInt64])
    func decodesAStreamFedAtRandomSplits(seed: UInt64) async throws {
        let payloads = Self.mixedPayloads(seed: seed)
        let stream = encodeFrames(payloads)
        // Small splits (around the header), medium ones, and ones spanning several frames.
        for maxChunk in [7, 1500, 100_000] {
            var random = SeededRandom(seed: seed &* 31 &+ UInt64(maxChunk))
            var lengths: [Int] = []
            var total = 0
            while total < stream.count {
                let length = Int.random(in: 1...maxChunk, using: &random)
                lengths.append(length)
                total += length
            }
            let (frames, decoder) = try await Self.decode(stream, chunkLengths: lengths)
            #expect(frames == payloads, "seed \(seed), chunks up to \(maxChunk)")
            #expect(decoder.bufferedBytes == 0)
            try decoder.finish()
        }
    }

    @Test func emptyInputIsHarmless() throws {
        var decoder = NacosFrameDecoder(maxFrameLength: 10)
        var empty = NacosByteBuffer()
        var emitted = 0
        try decoder.decode(&empty) { _ in emitted += 1 }
        #expect(emitted == 0)
        #expect(decoder.bufferedBytes == 0)
        try decoder.finish()
    }

    @Test func framesAtExactlyTheMaximumAreAccepted() async throws {
        let payloads = [[UInt8](repeating: 1, count: 64), [], [UInt8](repeating: 2, count: 64)]
        let (frames, _) = try await Self.decode(encodeFrames(payloads), chunkLengths: [5, 60, 1, 1, 1, 1, 10], maxFrameLength: 64)
        #expect(frames == payloads)
    }

    @Test func bufferedBytesCountsThePartialFrame() throws {
        var decoder = NacosFrameDecoder(maxFrameLength: 1000)
        var input = NacosByteBuffer(bytes: encodeFrames([[1, 2, 3], [4, 5, 6, 7, 8]]).dropLast(2))
        var frames: [[UInt8]] = []
        try decoder.decode(&input) { frames.append($0.readableBytesArray) }
        #expect(frames == [[1, 2, 3]])
        #expect(decoder.bufferedBytes == 4 + 3)
        var rest = NacosByteBuffer(bytes: [7, 8])
        try decoder.decode(&rest) { frames.append($0.readableBytesArray) }
        #expect(frames == [[1, 2, 3], [4, 5, 6, 7, 8]])
        #expect(decoder.bufferedBytes == 0)
    }

    // MARK: - Oversized length headers

    static func expectFrameTooLarge(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("expected .frameTooLarge, nothing was thrown", sourceLocation: sourceLocation)
        } catch {
            #expect(error.transportCode == .frameTooLarge, "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func oversizedHeaderThrowsAsSoonAsItsFourBytesArrive() {
        var decoder = NacosFrameDecoder(maxFrameLength: 1000)
        var header = NacosByteBuffer()
        header.writeInteger(UInt32(1001))
        Self.expectFrameTooLarge { try decoder.decode(&header) { _ in Issue.record("no frame expected") } }
        #expect(decoder.bufferedBytes <= 4)
    }

    @Test func oversizedHeaderWithPayloadThrowsBeforeBufferingThePayload() {
        var decoder = NacosFrameDecoder(maxFrameLength: 1000)
        var input = NacosByteBuffer()
        input.writeInteger(UInt32(0xFFFF_FFFF))
        input.writeBytes([UInt8](repeating: 0, count: 5000))
        Self.expectFrameTooLarge { try decoder.decode(&input) { _ in Issue.record("no frame expected") } }
        #expect(decoder.bufferedBytes <= 4)
    }

    @Test(arguments: [[1, 3], [2, 2], [3, 1], [1, 1, 1, 1], [1, 2, 1]])
    func oversizedHeaderSplitAcrossCallsThrowsOnItsLastByte(split: [Int]) {
        var decoder = NacosFrameDecoder(maxFrameLength: 1000)
        let header: [UInt8] = [0x00, 0x10, 0x00, 0x00]  // 1 MiB
        var offset = 0
        for (index, length) in split.enumerated() {
            var input = NacosByteBuffer(bytes: header[offset..<offset + length])
            offset += length
            if index < split.count - 1 {
                #expect(throws: Never.self) { try decoder.decode(&input) { _ in } }
                #expect(decoder.bufferedBytes == offset)
            } else {
                Self.expectFrameTooLarge { try decoder.decode(&input) { _ in } }
            }
            #expect(decoder.bufferedBytes <= 4)
        }
    }

    @Test func oversizedHeaderSplitAcrossCallsWithPayloadBehindIt() {
        var decoder = NacosFrameDecoder(maxFrameLength: 1000)
        var first = NacosByteBuffer(bytes: [0xFF, 0xFF])
        #expect(throws: Never.self) { try decoder.decode(&first) { _ in } }
        var second = NacosByteBuffer(bytes: [0xFF, 0xFF] + [UInt8](repeating: 1, count: 10_000))
        Self.expectFrameTooLarge { try decoder.decode(&second) { _ in } }
        #expect(decoder.bufferedBytes <= 4)
    }

    @Test func framesBeforeAnOversizedHeaderAreStillDelivered() {
        var decoder = NacosFrameDecoder(maxFrameLength: 10)
        var stream = encodeFrames([[1], [2, 2]])
        stream += [0, 0, 0, 11]
        var input = NacosByteBuffer(bytes: stream)
        var frames: [[UInt8]] = []
        Self.expectFrameTooLarge { try decoder.decode(&input) { frames.append($0.readableBytesArray) } }
        #expect(frames == [[1], [2, 2]])
    }

    // MARK: - finish()

    @Test(arguments: [1, 3, 4, 5, 13])
    func finishThrowsConnectionResetWhenAPartialFrameRemains(keptBytes: Int) throws {
        // A complete frame, then the first `keptBytes` bytes of a 10-byte frame (14 bytes with its header).
        var decoder = NacosFrameDecoder(maxFrameLength: 1000)
        let stream = encodeFrames([[9, 9], [UInt8](repeating: 5, count: 10)])
        var input = NacosByteBuffer(bytes: stream[0..<(6 + keptBytes)])
        var frames = 0
        try decoder.decode(&input) { _ in frames += 1 }
        #expect(frames == 1)
        #expect(decoder.bufferedBytes == keptBytes)
        #expect(throws: NacosTransportError.self) { try decoder.finish() }
        do {
            try decoder.finish()
        } catch {
            #expect(error.code == .connectionReset)
        }
    }

    @Test func finishDoesNotThrowAtAFrameBoundary() throws {
        var decoder = NacosFrameDecoder(maxFrameLength: 1000)
        try decoder.finish()
        // Including after an empty frame whose header arrived in pieces.
        var emptyFrames = 0
        for byte: UInt8 in [0, 0, 0, 0] {
            var input = NacosByteBuffer(bytes: [byte])
            try decoder.decode(&input) { frame in
                #expect(frame.readableBytes == 0)
                emptyFrames += 1
            }
        }
        #expect(emptyFrames == 1)
        try decoder.finish()
        var input = NacosByteBuffer(bytes: encodeFrames([[1, 2], [3]]))
        try decoder.decode(&input) { _ in }
        try decoder.finish()
    }
}
