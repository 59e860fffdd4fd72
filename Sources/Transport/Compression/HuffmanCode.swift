/// A canonical Huffman code (RFC 1951 §3.2.2): code lengths per symbol and the codes, bit-reversed so that
/// `DeflateBitWriter` can write them least-significant bit first.
internal struct HuffmanCode {
    /// Each symbol's code length in bits (0 = the symbol does not occur).
    let lengths: [UInt8]
    /// Each symbol's code, bit-reversed.
    let codes: [UInt16]

    /// Builds the canonical code for the given lengths.
    init(lengths: [UInt8]) {
        self.lengths = lengths
        var lengthCounts = [Int](repeating: 0, count: 16)
        for length in lengths where length > 0 {
            lengthCounts[Int(length)] += 1
        }
        var nextCode = [Int](repeating: 0, count: 16)
        var code = 0
        for bits in 1..<16 {
            code = (code + lengthCounts[bits - 1]) << 1
            nextCode[bits] = code
        }
        var codes = [UInt16](repeating: 0, count: lengths.count)
        for (symbol, length) in lengths.enumerated() where length > 0 {
            let value = nextCode[Int(length)]
            nextCode[Int(length)] += 1
            codes[symbol] = Self.reversed(value, bits: Int(length))
        }
        self.codes = codes
    }

    /// Builds a code for `frequencies` whose lengths do not exceed `limit`.
    ///
    /// At least two symbols always get a code (zero-frequency ones are added as needed), so the code is
    /// complete, as strict inflaters require.
    init(frequencies: [Int], limit: Int) {
        self.init(lengths: Self.lengths(for: frequencies, limit: limit))
    }

    /// The bits `frequencies` cost under this code.
    func cost(of frequencies: [Int]) -> Int {
        var total = 0
        for (symbol, frequency) in frequencies.enumerated() where frequency > 0 {
            total += frequency * Int(self.lengths[symbol])
        }
        return total
    }

    /// Writes `symbol`'s code.
    @inline(__always)
    func write(_ symbol: Int, to writer: inout DeflateBitWriter) {
        writer.write(UInt32(self.codes[symbol]), bits: Int(self.lengths[symbol]))
    }

    private static func reversed(_ value: Int, bits: Int) -> UInt16 {
        var input = value
        var output = 0
        for _ in 0..<bits {
            output = (output << 1) | (input & 1)
            input >>= 1
        }
        return UInt16(output)
    }

    /// Huffman code lengths for `frequencies`, limited to `limit` bits by halving the frequencies until
    /// the tree is shallow enough (every pass flattens it; equal frequencies give a balanced tree).
    static func lengths(for frequencies: [Int], limit: Int) -> [UInt8] {
        var weights = frequencies
        let used = weights.indices.filter { weights[$0] > 0 }
        // Two symbols at least, so that the code is complete.
        if used.count < 2 {
            for symbol in weights.indices where weights[symbol] == 0 {
                weights[symbol] = 1
                if weights.count(where: { $0 > 0 }) >= 2 { break }
            }
        }
        while true {
            let lengths = Self.treeDepths(weights)
            if lengths.allSatisfy({ Int($0) <= limit }) { return lengths }
            for symbol in weights.indices where weights[symbol] > 0 {
                weights[symbol] = (weights[symbol] + 1) / 2
            }
        }
    }

    /// The depth of every leaf of a Huffman tree over the positive weights (two-queue construction).
    private static func treeDepths(_ weights: [Int]) -> [UInt8] {
        let leaves = weights.indices.filter { weights[$0] > 0 }.sorted { (weights[$0], $0) < (weights[$1], $1) }
        var depths = [UInt8](repeating: 0, count: weights.count)
        guard leaves.count > 1 else {
            for leaf in leaves { depths[leaf] = 1 }
            return depths
        }
        // Nodes 0..<leaves.count are the leaves in weight order; internal nodes follow in creation order,
        // which is also non-decreasing weight order.
        let leafCount = leaves.count
        var nodeWeight = leaves.map { weights[$0] }
        var parent = [Int](repeating: -1, count: 2 * leafCount - 1)
        nodeWeight.reserveCapacity(2 * leafCount - 1)
        var nextLeaf = 0
        var nextInternal = leafCount
        func takeSmallest() -> Int {
            if nextLeaf < leafCount && (nextInternal >= nodeWeight.count || nodeWeight[nextLeaf] <= nodeWeight[nextInternal]) {
                nextLeaf += 1
                return nextLeaf - 1
            }
            nextInternal += 1
            return nextInternal - 1
        }
        for _ in 0..<(leafCount - 1) {
            let first = takeSmallest()
            let second = takeSmallest()
            let node = nodeWeight.count
            nodeWeight.append(nodeWeight[first] + nodeWeight[second])
            parent[first] = node
            parent[second] = node
        }
        var nodeDepth = [Int](repeating: 0, count: nodeWeight.count)
        // The root is the last node; a parent is always created after its children.
        for node in stride(from: nodeWeight.count - 2, through: 0, by: -1) {
            nodeDepth[node] = nodeDepth[parent[node]] + 1
        }
        for (rank, leaf) in leaves.enumerated() {
            depths[leaf] = UInt8(min(nodeDepth[rank], 255))
        }
        return depths
    }
}
