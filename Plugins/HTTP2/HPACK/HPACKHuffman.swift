import NacosTransport

/// The static Huffman code of RFC 7541 §5.2 and Appendix B: encoding into a buffer and a table-driven decoder
/// that consumes four bits per step.
///
/// The decoder walks the code tree as a state machine whose states are the tree's 256 inner nodes. For every
/// state and every 4-bit input it has a precomputed transition: the next state, the symbol completed on the
/// way (at most one, as no code is shorter than 5 bits), whether EOS was reached (an error), and whether the
/// bits since the last symbol are a valid padding (at most 7 one bits) should the string end there.
internal enum HPACKHuffman {
    /// One precomputed step of the decoder.
    struct Transition: Sendable {
        /// The state after the four bits.
        var next: UInt8
        /// The symbol completed during the step, valid when `flags` has `emitsSymbol`.
        var symbol: UInt8
        /// `emitsSymbol`, `accepts` and `fails` bits.
        var flags: UInt8

        static let emitsSymbol: UInt8 = 1
        static let accepts: UInt8 = 2
        static let fails: UInt8 = 4
    }

    /// `transitions[state << 4 | nibble]`, built once from the code table.
    static let transitions: [Transition] = Self.makeTransitions()

    // MARK: - Encoding

    /// The number of octets the Huffman coding of `bytes` takes, padding included.
    static func encodedLength(of bytes: UnsafeBufferPointer<UInt8>) -> Int {
        HPACKHuffmanCodeTable.lengths.withUnsafeBufferPointer { lengths in
            var bits = 0
            for byte in bytes {
                bits &+= Int(lengths[Int(byte)])
            }
            return (bits + 7) >> 3
        }
    }

    /// Appends the Huffman coding of `bytes`, padded with one bits to an octet boundary; `encodedLength`
    /// is the value `encodedLength(of:)` returned for them.
    static func encode(_ bytes: UnsafeBufferPointer<UInt8>, encodedLength: Int, into buffer: inout NacosByteBuffer) {
        guard encodedLength > 0 else { return }
        buffer.reserveCapacity(minimumWritableBytes: encodedLength)
        buffer.writeWithUnsafeMutableBytes { output in
            HPACKHuffmanCodeTable.codes.withUnsafeBufferPointer { codes in
                HPACKHuffmanCodeTable.lengths.withUnsafeBufferPointer { lengths in
                    var pending: UInt64 = 0
                    var pendingBits = 0
                    var written = 0
                    for byte in bytes {
                        let length = Int(lengths[Int(byte)])
                        pending = (pending << UInt64(length)) | UInt64(codes[Int(byte)])
                        pendingBits += length
                        while pendingBits >= 8 {
                            pendingBits -= 8
                            output[written] = UInt8(truncatingIfNeeded: pending >> UInt64(pendingBits))
                            written += 1
                        }
                    }
                    if pendingBits > 0 {
                        let shift = UInt64(8 - pendingBits)
                        output[written] = UInt8(truncatingIfNeeded: (pending << shift) | ((1 << shift) - 1))
                        written += 1
                    }
                    return written
                }
            }
        }
    }

    // MARK: - Decoding

    /// The most octets `decode` can produce from `count` encoded octets (each 4-bit step emits at most one).
    static func maxDecodedLength(ofEncodedLength count: Int) -> Int {
        count * 2
    }

    /// Decodes `input` into `output`, which holds at least `maxDecodedLength(ofEncodedLength:)` octets, and
    /// returns how many octets it wrote.
    ///
    /// - Throws: `invalidHuffman` when the string contains EOS, or ends with more than 7 bits of padding or
    ///   with padding that is not all ones.
    static func decode(
        _ input: UnsafeRawBufferPointer,
        into output: UnsafeMutableBufferPointer<UInt8>
    ) throws(HPACKError) -> Int {
        let outcome: Result<Int, HPACKError> = Self.transitions.withUnsafeBufferPointer { table in
            var state = 0
            var accepting = true
            var written = 0
            for byte in input {
                var step = table[state << 4 | Int(byte >> 4)]
                if step.flags & Transition.fails != 0 { return .failure(Self.endOfStringError) }
                if step.flags & Transition.emitsSymbol != 0 {
                    output[written] = step.symbol
                    written += 1
                }
                step = table[Int(step.next) << 4 | Int(byte & 0x0F)]
                if step.flags & Transition.fails != 0 { return .failure(Self.endOfStringError) }
                if step.flags & Transition.emitsSymbol != 0 {
                    output[written] = step.symbol
                    written += 1
                }
                state = Int(step.next)
                accepting = step.flags & Transition.accepts != 0
            }
            guard accepting else {
                return .failure(
                    HPACKError(.invalidHuffman, "Huffman string ends with padding longer than 7 bits or not all ones")
                )
            }
            return .success(written)
        }
        return try outcome.get()
    }

    private static let endOfStringError = HPACKError(.invalidHuffman, "Huffman string contains the EOS symbol")

    // MARK: - Building the decoder

    /// Builds the code tree from the code table, then every state's 16 transitions.
    private static func makeTransitions() -> [Transition] {
        // Inner nodes: node 0 is the root. A child is an inner node id (> 0) or a leaf, -(symbol + 1).
        var children: [[Int]] = [[0, 0]]
        for symbol in 0...HPACKHuffmanCodeTable.endOfString {
            let code = HPACKHuffmanCodeTable.codes[symbol]
            let length = Int(HPACKHuffmanCodeTable.lengths[symbol])
            var node = 0
            for position in stride(from: length - 1, through: 0, by: -1) {
                let bit = Int((code >> UInt32(position)) & 1)
                if position == 0 {
                    children[node][bit] = -(symbol + 1)
                } else {
                    if children[node][bit] == 0 {
                        children.append([0, 0])
                        children[node][bit] = children.count - 1
                    }
                    node = children[node][bit]
                }
            }
        }
        precondition(children.count == 256, "the HPACK Huffman code must have 256 inner nodes")

        // A string may end in a state reached from a symbol boundary by at most 7 one bits.
        var accepting = [Bool](repeating: false, count: children.count)
        var onesNode = 0
        for _ in 0...7 {
            accepting[onesNode] = true
            onesNode = children[onesNode][1]
        }

        var transitions: [Transition] = []
        transitions.reserveCapacity(children.count * 16)
        for state in 0..<children.count {
            for nibble in 0..<16 {
                var node = state
                var step = Transition(next: 0, symbol: 0, flags: 0)
                for position in stride(from: 3, through: 0, by: -1) {
                    let child = children[node][(nibble >> position) & 1]
                    if child < 0 {
                        let symbol = -child - 1
                        if symbol == HPACKHuffmanCodeTable.endOfString {
                            step.flags |= Transition.fails
                            break
                        }
                        step.symbol = UInt8(symbol)
                        step.flags |= Transition.emitsSymbol
                        node = 0
                    } else {
                        node = child
                    }
                }
                step.next = UInt8(node)
                if step.flags & Transition.fails == 0 && accepting[node] {
                    step.flags |= Transition.accepts
                }
                transitions.append(step)
            }
        }
        return transitions
    }
}
