import Synchronization

/// One `NacosStore` shared by several consumers (the naming registry, the auth directory), each of which
/// sees it through a partition: a view that is itself a `NacosStore` over the record kinds it owns.
///
/// The base is opened once, by whichever view opens first; every view gets the base snapshot's records of
/// its own kinds, at the base snapshot's revision. The base change feed is started once, right after that
/// open, so that nothing committed from then on is lost whenever the views register their sinks: each base
/// batch is split by kind, and a view's share goes to its sink, or is kept (in order) until the view
/// registers one. A view whose share of a batch is empty is not called. Records and changes of kinds no
/// partition owns (a newer binary's) are counted and otherwise ignored.
///
/// Commits through a view may write only the view's kinds; the base delivers a commit to the feed before
/// it returns, so a view's commit returns once the view's own (registered) sink saw it. The base is closed
/// once every view was closed, or by `close()`.
public final class NacosStorePartitions: Sendable {
    /// What the views share: the base's opening, and which views are closed.
    private struct State {
        /// The base's one opening, shared by the views' first `open()`s until each view had its share.
        var opening: Task<Result<NacosStoreSnapshot, NacosStoreError>, Never>?
        /// Whether the base opened and its change feed runs.
        var baseOpened = false
        /// Whether each view had its share of the base's one opening.
        var firstOpenDone: [Bool]
        /// Whether each view was closed.
        var viewClosed: [Bool]
        /// Whether the base was closed (or is being closed).
        var baseClosed = false
        /// Records of the base snapshot that no partition owns.
        var unownedRecordCount = 0
    }

    /// Where one view's changes go.
    private struct Route {
        /// The view's sink, once registered.
        var sink: (@Sendable ([NacosStoreChange]) -> Void)?
        /// The revision the view's feed starts after: older changes are dropped.
        var after: Int64 = .min
        /// Whether the view was closed: its changes are dropped.
        var closed = false
        /// The view's shares of the base batches delivered before it registered its sink, in order.
        var pending: [[NacosStoreChange]] = []
    }

    /// The feed's routing, held while a batch is delivered so that deliveries stay one at a time and in order.
    private struct Feed {
        var routes: [Route]
        /// Changes of the feed that no partition owns.
        var unownedChangeCount = 0
    }

    /// The store the views share.
    let base: any NacosStore
    /// The record kinds of each partition, by index.
    let kinds: [Set<String>]
    /// The partition that owns each kind.
    private let owners: [String: Int]
    private let state: Mutex<State>
    private let feed: Mutex<Feed>

    /// Shares `base` among `partitions.count` views; partition `i` owns the record kinds `partitions[i]`.
    ///
    /// - Precondition: `partitions` is not empty and no kind belongs to two partitions.
    public init(base: any NacosStore, partitions: [Set<String>]) {
        precondition(!partitions.isEmpty, "NacosStorePartitions needs at least one partition")
        var owners: [String: Int] = [:]
        for (index, kinds) in partitions.enumerated() {
            for kind in kinds {
                if let other = owners[kind] {
                    preconditionFailure("the record kind \"\(kind)\" belongs to partitions \(other) and \(index)")
                }
                owners[kind] = index
            }
        }
        self.base = base
        self.kinds = partitions
        self.owners = owners
        self.state = Mutex(
            State(firstOpenDone: Array(repeating: false, count: partitions.count), viewClosed: Array(repeating: false, count: partitions.count))
        )
        self.feed = Mutex(Feed(routes: Array(repeating: Route(), count: partitions.count)))
    }

    /// The view of partition `index`, a `NacosStore` over the record kinds that partition owns; views of the
    /// same index share their state (opening, sink, closing).
    ///
    /// - Precondition: `index` is a partition's index.
    public func partition(_ index: Int) -> any NacosStore {
        precondition(self.kinds.indices.contains(index), "no partition \(index): there are \(self.kinds.count)")
        return NacosStorePartition(partitions: self, index: index)
    }

    /// The number of partitions.
    public var count: Int { self.kinds.count }

    /// How many records of the base snapshot belong to no partition (a newer binary's kinds); they are given
    /// to no view.
    public var unownedRecordCount: Int { self.state.withLock { $0.unownedRecordCount } }

    /// How many changes of the base feed belonged to no partition; they were given to no view.
    ///
    /// Reading it from inside a view's sink deadlocks.
    public var unownedChangeCount: Int { self.feed.withLock { $0.unownedChangeCount } }

    /// Closes every view and the base; later calls return at once.
    public func close() async {
        let first = self.state.withLock { state -> Bool in
            guard !state.baseClosed else { return false }
            state.baseClosed = true
            state.viewClosed = Array(repeating: true, count: state.viewClosed.count)
            state.opening = nil
            return true
        }
        guard first else { return }
        self.feed.withLock { feed in
            for index in feed.routes.indices { feed.routes[index] = Route(closed: true) }
        }
        await self.base.close()
    }

    // MARK: - For the views

    /// Whether partition `index`'s view was closed.
    func isClosed(_ index: Int) -> Bool {
        self.state.withLock { $0.baseClosed || $0.viewClosed[index] }
    }

    /// The snapshot of partition `index`: its share of the base's one opening the first time, later a new
    /// opening of the base (as a store opened twice).
    func open(_ index: Int) async throws(NacosStoreError) -> NacosStoreSnapshot {
        enum Step {
            case shared(Task<Result<NacosStoreSnapshot, NacosStoreError>, Never>)
            case fresh
            case closed
        }
        let step = self.state.withLock { state -> Step in
            if state.baseClosed || state.viewClosed[index] { return .closed }
            if state.firstOpenDone[index] { return .fresh }
            if let opening = state.opening { return .shared(opening) }
            // Every view had its share already; cannot happen while this view's is outstanding.
            if state.baseOpened { return .fresh }
            let opening = Task { await self.openBase() }
            state.opening = opening
            return .shared(opening)
        }
        switch step {
        case .closed:
            throw NacosStoreError(.closed, "the \(self.describe(index)) of the \(self.base.kind) store is closed")
        case .fresh:
            return self.share(of: try await self.base.open(), for: index)
        case .shared(let opening):
            let snapshot = try await opening.value.get()
            self.state.withLock { state in
                state.firstOpenDone[index] = true
                Self.releaseOpeningIfDone(&state)
            }
            return self.share(of: snapshot, for: index)
        }
    }

    /// Registers partition `index`'s sink, first handing it the changes kept for it that are after `revision`.
    func startChangeFeed(_ index: Int, after revision: Int64, _ sink: @escaping @Sendable ([NacosStoreChange]) -> Void) {
        self.feed.withLock { feed in
            guard !feed.routes[index].closed else { return }
            feed.routes[index].sink = sink
            feed.routes[index].after = revision
            let pending = feed.routes[index].pending
            feed.routes[index].pending = []
            for batch in pending {
                let share = batch.filter { $0.revision > revision }
                if !share.isEmpty { sink(share) }
            }
        }
    }

    /// Commits `mutations` of partition `index`'s kinds to the base.
    func commit(_ index: Int, _ mutations: [NacosStoreMutation]) async throws(NacosStoreError) -> Int64 {
        let refusal = self.state.withLock { state -> NacosStoreError? in
            if state.baseClosed || state.viewClosed[index] {
                return NacosStoreError(.closed, "the \(self.describe(index)) of the \(self.base.kind) store is closed")
            }
            guard state.baseOpened else {
                return NacosStoreError(.unavailable, "the \(self.base.kind) store under the \(self.describe(index)) is not open")
            }
            return nil
        }
        if let refusal { throw refusal }
        for mutation in mutations where self.owners[mutation.key.kind] != index {
            let owner = self.owners[mutation.key.kind].map { "partition \($0)'s" } ?? "no partition's"
            throw NacosStoreError(
                .invalidConfiguration,
                "the \(self.describe(index)) cannot write \(mutation.key): the kind \"\(mutation.key.kind)\" is \(owner)"
            )
        }
        return try await self.base.commit(mutations)
    }

    /// Closes partition `index`'s view, and the base once every view was closed.
    func close(_ index: Int) async {
        let closeBase = self.state.withLock { state -> Bool in
            guard !state.baseClosed, !state.viewClosed[index] else { return false }
            state.viewClosed[index] = true
            Self.releaseOpeningIfDone(&state)
            guard state.viewClosed.allSatisfy({ $0 }) else { return false }
            state.baseClosed = true
            state.opening = nil
            return true
        }
        // Once this returns, the view's sink is not called again (deliveries hold the feed's lock).
        self.feed.withLock { $0.routes[index] = Route(closed: true) }
        if closeBase { await self.base.close() }
    }

    // MARK: - Internals

    /// Opens the base, counts its unowned records and starts its feed after the snapshot's revision.
    private func openBase() async -> Result<NacosStoreSnapshot, NacosStoreError> {
        let snapshot: NacosStoreSnapshot
        do throws(NacosStoreError) {
            snapshot = try await self.base.open()
        } catch {
            // A later open() tries again.
            self.state.withLock { $0.opening = nil }
            return .failure(error)
        }
        let unowned = snapshot.records.keys.count(where: { self.owners[$0.kind] == nil })
        let closed = self.state.withLock { state -> Bool in
            state.unownedRecordCount = unowned
            return state.baseClosed
        }
        guard !closed else { return .failure(NacosStoreError(.closed, "the \(self.base.kind) store was closed while it opened")) }
        self.base.startChangeFeed(after: snapshot.revision) { [weak self] changes in self?.deliver(changes) }
        self.state.withLock { $0.baseOpened = true }
        return .success(snapshot)
    }

    /// Splits a base batch by kind and hands each view its share, in order.
    private func deliver(_ batch: [NacosStoreChange]) {
        self.feed.withLock { feed in
            var shares = Array(repeating: [NacosStoreChange](), count: feed.routes.count)
            for change in batch {
                if let owner = self.owners[change.mutation.key.kind] {
                    shares[owner].append(change)
                } else {
                    feed.unownedChangeCount += 1
                }
            }
            for index in shares.indices where !shares[index].isEmpty && !feed.routes[index].closed {
                guard let sink = feed.routes[index].sink else {
                    feed.routes[index].pending.append(shares[index])
                    continue
                }
                let after = feed.routes[index].after
                let share = shares[index].allSatisfy { $0.revision > after } ? shares[index] : shares[index].filter { $0.revision > after }
                if !share.isEmpty { sink(share) }
            }
        }
    }

    /// The records of `snapshot` that partition `index` owns, at the snapshot's revision.
    private func share(of snapshot: NacosStoreSnapshot, for index: Int) -> NacosStoreSnapshot {
        NacosStoreSnapshot(revision: snapshot.revision, records: snapshot.records.filter { self.owners[$0.key.kind] == index })
    }

    /// Drops the base's opening once every view had its share of it (or was closed), so that its snapshot
    /// is not held for the store's life.
    private static func releaseOpeningIfDone(_ state: inout State) {
        guard state.baseOpened else { return }
        if zip(state.firstOpenDone, state.viewClosed).allSatisfy({ $0 || $1 }) { state.opening = nil }
    }

    /// `partition 1 (role, user)`, for messages.
    private func describe(_ index: Int) -> String {
        "partition \(index) (\(self.kinds[index].sorted().joined(separator: ", ")))"
    }
}
