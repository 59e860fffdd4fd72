/// Request parameters decoded from `application/x-www-form-urlencoded` text (a query or a form body):
/// ordered, possibly repeated `name=value` pairs, looked up by exact name as a servlet's `getParameter` does.
public struct HTTPParameters: Sendable, Sequence, CustomStringConvertible {
    /// One parameter.
    public typealias Element = (name: String, value: String)

    private var pairs: [Element]

    /// Decodes `name=value&…` bytes: `+` is a space, `%XX` an escaped byte (a malformed escape stays as it
    /// is), a field without `=` has an empty value, and fields with an empty name are skipped.
    public init(urlEncoded bytes: some Collection<UInt8>) {
        self.pairs = []
        let decoded: [Element]? = bytes.withContiguousStorageIfAvailable { buffer in
            Self.decodePairs(UnsafeRawBufferPointer(buffer))
        }
        if let decoded {
            self.pairs = decoded
        } else {
            self.pairs = Array(bytes).withUnsafeBytes { Self.decodePairs($0) }
        }
    }

    /// Creates parameters from already-decoded pairs in order.
    public init(_ pairs: [(String, String)] = []) {
        self.pairs = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of the parameter called exactly `name`, or `nil`.
    public subscript(name: String) -> String? {
        for pair in self.pairs where pair.name == name {
            return pair.value
        }
        return nil
    }

    /// Every value of the parameter called exactly `name`, in order.
    public func values(for name: String) -> [String] {
        self.pairs.compactMap { $0.name == name ? $0.value : nil }
    }

    /// Whether a parameter called exactly `name` is present (possibly with an empty value).
    public func contains(_ name: String) -> Bool {
        self.pairs.contains { $0.name == name }
    }

    /// The distinct parameter names in order of first appearance.
    public var names: [String] {
        var seen = Set<String>()
        return self.pairs.compactMap { seen.insert($0.name).inserted ? $0.name : nil }
    }

    /// The number of pairs (a repeated name counts once per occurrence).
    public var count: Int { self.pairs.count }

    /// Whether there are no parameters.
    public var isEmpty: Bool { self.pairs.isEmpty }

    /// Appends a pair, keeping earlier values of the same name.
    public mutating func append(name: String, value: String) {
        self.pairs.append((name: name, value: value))
    }

    /// These parameters followed by `other`'s, so a name's first value comes from `self` when it has one.
    public func merging(_ other: HTTPParameters) -> HTTPParameters {
        var merged = self
        merged.pairs.append(contentsOf: other.pairs)
        return merged
    }

    /// Iterates the pairs in order.
    public func makeIterator() -> IndexingIterator<[Element]> {
        self.pairs.makeIterator()
    }

    /// `name=value` pairs joined by `&` (decoded, not re-encoded).
    public var description: String {
        self.pairs.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    private static func decodePairs(_ bytes: UnsafeRawBufferPointer) -> [Element] {
        var pairs: [Element] = []
        var start = 0
        let count = bytes.count
        while start < count {
            var end = start
            var equals = -1
            while end < count && bytes[end] != HTTPASCII.ampersand {
                if equals < 0 && bytes[end] == HTTPASCII.equals { equals = end }
                end += 1
            }
            let nameEnd = equals < 0 ? end : equals
            if nameEnd > start {
                let name = HTTPPercentDecoding.decode(UnsafeRawBufferPointer(rebasing: bytes[start..<nameEnd]), plusAsSpace: true)
                let value =
                    equals < 0
                    ? ""
                    : HTTPPercentDecoding.decode(UnsafeRawBufferPointer(rebasing: bytes[(equals + 1)..<end]), plusAsSpace: true)
                pairs.append((name: name, value: value))
            }
            start = end + 1
        }
        return pairs
    }
}
