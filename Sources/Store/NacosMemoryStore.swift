import Synchronization

/// A `NacosStore` in memory: nothing survives the process. It is the store of unit tests and of
/// `nacos.naming.store=memory`, and its `isAvailable` switch lets tests see how the registry behaves
/// when its store is down.
public final class NacosMemoryStore: NacosStore {
    private struct State {
        var records: [NacosStoreKey: [UInt8]] = [:]
        var revision: Int64 = 0
        var sink: (@Sendable ([NacosStoreChange]) -> Void)?
        var feedAfter: Int64 = 0
        var isAvailable = true
        var closed = false
        var metrics = NacosStoreMetrics()
    }

    private let state = Mutex(State())

    /// Creates an empty store.
    public init() {}

    /// `memory`.
    public var kind: String { "memory" }

    /// Whether commits succeed; `false` makes them fail with `.unavailable`, as a store that is down.
    public var isAvailable: Bool {
        get { self.state.withLock { $0.isAvailable } }
        set { self.state.withLock { $0.isAvailable = newValue } }
    }

    /// Everything held now.
    public func open() async throws(NacosStoreError) -> NacosStoreSnapshot {
        try self.state.withLock { (state: inout State) throws(NacosStoreError) -> NacosStoreSnapshot in
            guard !state.closed else { throw NacosStoreError(.closed, "the memory store is closed") }
            return NacosStoreSnapshot(revision: state.revision, records: state.records)
        }
    }

    /// Delivers later commits to `sink`.
    public func startChangeFeed(after revision: Int64, _ sink: @escaping @Sendable ([NacosStoreChange]) -> Void) {
        self.state.withLock { state in
            state.sink = sink
            state.feedAfter = revision
        }
    }

    /// Applies `mutations` and delivers them to the sink before returning.
    ///
    /// The sink runs under the store's lock, so deliveries keep the commit order.
    @discardableResult
    public func commit(_ mutations: [NacosStoreMutation]) async throws(NacosStoreError) -> Int64 {
        try self.state.withLock { (state: inout State) throws(NacosStoreError) -> Int64 in
            guard !state.closed else { throw NacosStoreError(.closed, "the memory store is closed") }
            guard state.isAvailable else {
                state.metrics.failedCommits += 1
                throw NacosStoreError(.unavailable, "the memory store is marked unavailable")
            }
            state.revision += 1
            let revision = state.revision
            for mutation in mutations {
                state.records[mutation.key] = mutation.value
            }
            state.metrics.commits += 1
            state.metrics.transactions += 1
            if let sink = state.sink, revision > state.feedAfter {
                sink(mutations.map { NacosStoreChange(revision: revision, mutation: $0) })
                state.metrics.appliedRevision = revision
            }
            return revision
        }
    }

    /// Available unless marked otherwise or closed.
    public var health: NacosStoreHealth {
        self.state.withLock { state in
            if state.closed { return NacosStoreHealth(isAvailable: false, detail: "closed") }
            return NacosStoreHealth(isAvailable: state.isAvailable, detail: state.isAvailable ? "in memory" : "marked unavailable")
        }
    }

    /// The counters.
    public var metrics: NacosStoreMetrics { self.state.withLock { $0.metrics } }

    /// Stops the feed; later calls fail with `.closed`.
    public func close() async {
        self.state.withLock { state in
            state.closed = true
            state.sink = nil
        }
    }
}
