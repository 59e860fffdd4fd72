/// Packs DEFLATE's bit fields least-significant bit first into bytes (RFC 1951 §3.1.1).
internal struct DeflateBitWriter {
    /// The bytes completed so far.
    private(set) var bytes: [UInt8]
    private var bitBuffer: UInt64 = 0
    private var bitCount = 0

    /// Creates a writer that appends after `prefix` (a gzip header, for example).
    init(prefix: [UInt8], expectedOutput: Int) {
        self.bytes = prefix
        self.bytes.reserveCapacity(prefix.count + expectedOutput)
    }

    /// Writes the low `count` bits of `value` (at most 32).
    @inline(__always)
    mutating func write(_ value: UInt32, bits count: Int) {
        self.bitBuffer |= UInt64(value) << UInt64(self.bitCount)
        self.bitCount += count
        if self.bitCount >= 32 {
            let word = UInt32(truncatingIfNeeded: self.bitBuffer)
            self.bytes.append(UInt8(truncatingIfNeeded: word))
            self.bytes.append(UInt8(truncatingIfNeeded: word >> 8))
            self.bytes.append(UInt8(truncatingIfNeeded: word >> 16))
            self.bytes.append(UInt8(truncatingIfNeeded: word >> 24))
            self.bitBuffer >>= 32
            self.bitCount -= 32
        }
    }

    /// Pads with zero bits to the next byte boundary and moves every whole byte out of the bit buffer.
    mutating func alignToByte() {
        self.bitCount = (self.bitCount + 7) & ~7
        while self.bitCount > 0 {
            self.bytes.append(UInt8(truncatingIfNeeded: self.bitBuffer))
            self.bitBuffer >>= 8
            self.bitCount -= 8
        }
        self.bitBuffer = 0
        self.bitCount = 0
    }

    /// Appends raw bytes; the writer must be byte-aligned (after `alignToByte()`).
    mutating func appendAligned(_ raw: UnsafeBufferPointer<UInt8>) {
        assert(self.bitCount == 0, "raw bytes need a byte-aligned writer")
        self.bytes.append(contentsOf: raw)
    }

    /// Appends a little-endian 32-bit integer after aligning (the gzip trailer fields).
    mutating func appendLittleEndian(_ value: UInt32) {
        self.alignToByte()
        for shift in stride(from: 0, to: 32, by: 8) {
            self.bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }
}
