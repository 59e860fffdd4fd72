/// One write of a commit: a record's new value, or its removal.
public struct NacosStoreMutation: Sendable, Hashable {
    /// The record written.
    public var key: NacosStoreKey
    /// The new value (the registry writes JSON), or `nil` to remove the record.
    public var value: [UInt8]?

    /// Creates a mutation.
    public init(key: NacosStoreKey, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    /// Sets record `kind/key` to `value`.
    public static func put(_ kind: String, _ key: String, _ value: [UInt8]) -> NacosStoreMutation {
        NacosStoreMutation(key: NacosStoreKey(kind: kind, key: key), value: value)
    }

    /// Removes record `kind/key` (a no-op when absent).
    public static func delete(_ kind: String, _ key: String) -> NacosStoreMutation {
        NacosStoreMutation(key: NacosStoreKey(kind: kind, key: key), value: nil)
    }
}
