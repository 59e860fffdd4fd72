/// A committed mutation as the change feed delivers it, with the revision of the commit it belongs to.
public struct NacosStoreChange: Sendable, Hashable {
    /// The commit's revision; the mutations of one commit share it, and revisions only grow.
    public var revision: Int64
    /// What the commit wrote.
    public var mutation: NacosStoreMutation

    /// Creates a change.
    public init(revision: Int64, mutation: NacosStoreMutation) {
        self.revision = revision
        self.mutation = mutation
    }
}
