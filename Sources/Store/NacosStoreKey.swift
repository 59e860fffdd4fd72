/// The address of one record of a `NacosStore`: its kind (a table of the naming state, such as
/// `instance` or `namespace`) and its key within that kind.
public struct NacosStoreKey: Sendable, Hashable, CustomStringConvertible {
    /// The kind of record.
    public var kind: String
    /// The key within the kind.
    public var key: String

    /// Creates a key.
    public init(kind: String, key: String) {
        self.kind = kind
        self.key = key
    }

    /// `kind/key`, for logs.
    public var description: String { "\(self.kind)/\(self.key)" }
}
