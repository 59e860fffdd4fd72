/// One consumer's view of a `NacosStorePartitions`: a `NacosStore` over the record kinds its partition
/// owns, on the shared base store.
///
/// `open()` returns the base snapshot's records of those kinds (the base opens once, for every view);
/// `startChangeFeed` registers the view's sink, which gets the view's share of each base batch, in order;
/// `commit` writes only the view's kinds; `close()` closes the view, and the base once every view closed.
public final class NacosStorePartition: NacosStore {
    /// The partitions this view belongs to.
    let partitions: NacosStorePartitions
    /// The index of this view's partition.
    public let index: Int

    /// Creates the view of partition `index`.
    init(partitions: NacosStorePartitions, index: Int) {
        self.partitions = partitions
        self.index = index
    }

    /// The record kinds this view owns.
    public var kinds: Set<String> { self.partitions.kinds[self.index] }

    /// The base store's kind (`memory`, `sqlite`, `postgresql`).
    public var kind: String { self.partitions.base.kind }

    /// The records of this view's kinds, at the base snapshot's revision.
    ///
    /// The first call of every view shares the base's one opening; a later call of the same view opens the
    /// base again (as a store opened twice would), and that view's feed is not restarted.
    ///
    /// - Throws: what the base's `open()` throws; `.closed` once this view was closed.
    public func open() async throws(NacosStoreError) -> NacosStoreSnapshot {
        try await self.partitions.open(self.index)
    }

    /// Registers `sink` for the changes of this view's kinds committed after `revision`, in revision order.
    ///
    /// The base feed runs from the base's opening on; this view's changes delivered before it registered
    /// are handed to `sink` first, here, and later ones on the base's thread. Changes at or before
    /// `revision` are dropped; changes at or before the base snapshot's revision are in the snapshot and
    /// never delivered. `sink` must not block, commit, or close a view.
    public func startChangeFeed(after revision: Int64, _ sink: @escaping @Sendable ([NacosStoreChange]) -> Void) {
        self.partitions.startChangeFeed(self.index, after: revision, sink)
    }

    /// Commits `mutations` to the base and returns their revision once the feed delivered them (to this
    /// view's sink, when registered).
    ///
    /// - Throws: `.invalidConfiguration` naming the kind when a mutation's kind is not this view's (then
    ///   nothing is committed), `.unavailable` before the base was opened, `.closed` once this view was
    ///   closed, and what the base's `commit` throws.
    @discardableResult
    public func commit(_ mutations: [NacosStoreMutation]) async throws(NacosStoreError) -> Int64 {
        try await self.partitions.commit(self.index, mutations)
    }

    /// Whether the base store is shared by other nodes.
    public var isShared: Bool { self.partitions.base.isShared }

    /// The base store's health, or unavailable once this view was closed.
    public var health: NacosStoreHealth {
        if self.partitions.isClosed(self.index) { return NacosStoreHealth(isAvailable: false, detail: "closed") }
        return self.partitions.base.health
    }

    /// The base store's counters.
    public var metrics: NacosStoreMetrics { self.partitions.base.metrics }

    /// Closes this view: later commits fail with `.closed` and its sink is not called again once this
    /// returns; the base is closed once every view was.
    public func close() async {
        await self.partitions.close(self.index)
    }
}
