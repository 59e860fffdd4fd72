/// The header fields of a request or response: ordered `(name, value)` pairs, names compared without case.
///
/// Field order and repeated fields are kept as received (or as added), which is what a proxy relays.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One header field.
    public typealias Element = (name: String, value: String)

    internal var fields: [Element]

    /// Creates headers from pairs in order.
    public init(_ pairs: [(String, String)] = []) {
        self.fields = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// Creates headers from a literal such as `["Content-Type": "text/plain"]`, in literal order.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { (name: $0.0, value: $0.1) }
    }

    internal init(reservingCapacity capacity: Int) {
        self.fields = []
        self.fields.reserveCapacity(capacity)
    }

    /// The number of fields (a repeated name counts once per occurrence).
    public var count: Int { self.fields.count }

    /// Whether there are no fields.
    public var isEmpty: Bool { self.fields.isEmpty }

    /// The first value of the field called `name` (any case), or `nil`.
    public subscript(name: String) -> String? {
        for field in self.fields where HTTPASCII.equalsIgnoringCase(field.name, name) {
            return field.value
        }
        return nil
    }

    /// Every value of the field called `name` (any case), in order.
    public func values(for name: String) -> [String] {
        self.fields.compactMap { HTTPASCII.equalsIgnoringCase($0.name, name) ? $0.value : nil }
    }

    /// Whether a field called `name` (any case) is present.
    public func contains(name: String) -> Bool {
        self.fields.contains { HTTPASCII.equalsIgnoringCase($0.name, name) }
    }

    /// Appends a field, keeping any earlier ones of the same name.
    public mutating func add(name: String, value: String) {
        self.fields.append((name: name, value: value))
    }

    /// Replaces the first field called `name` (any case) and removes the others; appends it if absent.
    public mutating func replaceOrAdd(name: String, value: String) {
        guard let first = self.fields.firstIndex(where: { HTTPASCII.equalsIgnoringCase($0.name, name) }) else {
            self.fields.append((name: name, value: value))
            return
        }
        self.fields[first] = (name: name, value: value)
        var index = self.fields.index(after: first)
        while index < self.fields.endIndex {
            if HTTPASCII.equalsIgnoringCase(self.fields[index].name, name) {
                self.fields.remove(at: index)
            } else {
                index += 1
            }
        }
    }

    /// Removes every field called `name` (any case).
    public mutating func remove(name: String) {
        self.fields.removeAll { HTTPASCII.equalsIgnoringCase($0.name, name) }
    }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[Element]> {
        self.fields.makeIterator()
    }

    /// `name: value` lines joined by newlines.
    public var description: String {
        self.fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }

    /// Whether the comma-separated list in the fields called `name` contains `token` (lower-case), ignoring case.
    internal func listContains(name: String, token: StaticString) -> Bool {
        var found = false
        for field in self.fields where HTTPASCII.equalsIgnoringCase(field.name, name) {
            HTTPASCII.forEachListElement(field.value) { element in
                if HTTPASCII.equalsIgnoringCase(element, lowercase: token) { found = true }
            }
            if found { return true }
        }
        return false
    }
}
