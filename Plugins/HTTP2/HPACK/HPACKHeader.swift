/// One header field.
public struct HPACKHeader: Sendable, Hashable {
    /// The field name; lower-case for HTTP/2.
    public var name: String
    /// The field value.
    public var value: String
    /// How the encoder represents the field, or how the decoder found it represented.
    public var indexing: HPACKIndexing

    /// Creates a field from a name, a value and how it may be indexed.
    public init(_ name: String, _ value: String, indexing: HPACKIndexing = .indexable) {
        self.name = name
        self.value = value
        self.indexing = indexing
    }

    /// The field's size as HPACK and SETTINGS_MAX_HEADER_LIST_SIZE count it: name and value octets plus 32.
    internal var size: Int { self.name.utf8.count + self.value.utf8.count + HPACKDynamicTable.entryOverhead }
}
