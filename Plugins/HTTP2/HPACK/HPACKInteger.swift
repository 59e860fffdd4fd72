import NacosTransport

/// HPACK's prefixed integers (RFC 7541 §5.1): a value that fits below 2^N - 1 sits in the N low bits of the
/// first octet, a larger one fills them with ones and continues in 7-bit groups, least significant first.
internal enum HPACKInteger {
    /// The largest value accepted: HTTP/2 never needs more than 2^31 - 1 (sizes, lengths and indices).
    static let maxValue = Int(Int32.max)
    /// Continuation octets a value up to `maxValue` can need; more are rejected even when they add zeros.
    static let maxContinuationOctets = 5

    /// Appends `value` with an `prefixBits`-bit prefix; `flags` supplies the first octet's high bits.
    static func encode(_ value: Int, prefixBits: Int, flags: UInt8, into buffer: inout NacosByteBuffer) {
        let prefixMax = (1 << prefixBits) - 1
        if value < prefixMax {
            buffer.writeInteger(flags | UInt8(truncatingIfNeeded: value))
            return
        }
        buffer.writeInteger(flags | UInt8(truncatingIfNeeded: prefixMax))
        var rest = value - prefixMax
        while rest >= 128 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: rest & 0x7F) | 0x80)
            rest >>= 7
        }
        buffer.writeInteger(UInt8(truncatingIfNeeded: rest))
    }

    /// The number of octets `encode` writes for `value` with an `prefixBits`-bit prefix.
    static func encodedLength(of value: Int, prefixBits: Int) -> Int {
        let prefixMax = (1 << prefixBits) - 1
        guard value >= prefixMax else { return 1 }
        var rest = value - prefixMax
        var length = 2
        while rest >= 128 {
            rest >>= 7
            length += 1
        }
        return length
    }

    /// Reads an integer with an `prefixBits`-bit prefix from `bytes` at `index`, advancing `index` past it.
    ///
    /// - Throws: `truncated` when the bytes end inside the integer; `integerOverflow` when it exceeds
    ///   `maxValue` or uses more than `maxContinuationOctets` continuation octets.
    static func decode(
        _ bytes: UnsafeRawBufferPointer,
        at index: inout Int,
        prefixBits: Int
    ) throws(HPACKError) -> Int {
        guard index < bytes.count else {
            throw HPACKError(.truncated, "header block ends where an integer should start (offset \(index))")
        }
        let start = index
        let prefixMax = (1 << prefixBits) - 1
        var value = Int(bytes[index]) & prefixMax
        index += 1
        guard value == prefixMax else { return value }
        var shift = 0
        while true {
            guard index < bytes.count else {
                throw HPACKError(.truncated, "header block ends inside the integer at offset \(start)")
            }
            let octet = bytes[index]
            index += 1
            guard shift < 7 * Self.maxContinuationOctets else {
                throw HPACKError(
                    .integerOverflow,
                    "integer at offset \(start) has more than \(Self.maxContinuationOctets) continuation octets"
                )
            }
            value += Int(octet & 0x7F) << shift
            guard value <= Self.maxValue else {
                throw HPACKError(.integerOverflow, "integer at offset \(start) exceeds \(Self.maxValue)")
            }
            if octet & 0x80 == 0 { return value }
            shift += 7
        }
    }
}
