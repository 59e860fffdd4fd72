/// One page of a namespace's service names and the total count (Java's `ListView<String>`).
public struct ServiceListView: Sendable, Equatable {
    /// How many services the group has, before paging.
    public var count: Int
    /// The names on this page, without the group.
    public var names: [String]

    /// Creates a page.
    public init(count: Int, names: [String]) {
        self.count = count
        self.names = names
    }
}
