/// Everything a store holds when it is opened, and the revision of its last commit.
public struct NacosStoreSnapshot: Sendable, Equatable {
    /// The revision of the newest commit in the snapshot (0 for an empty store).
    public var revision: Int64
    /// Every record's value by key.
    public var records: [NacosStoreKey: [UInt8]]

    /// Creates a snapshot.
    public init(revision: Int64, records: [NacosStoreKey: [UInt8]]) {
        self.revision = revision
        self.records = records
    }

    /// The records of `kind` by key.
    public func records(ofKind kind: String) -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for (key, value) in self.records where key.kind == kind { result[key.key] = value }
        return result
    }
}
