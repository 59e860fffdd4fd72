/// Where a node keeps its durable state (persistent instances, service and cluster metadata, instance
/// overlays, namespaces, switches): a store of opaque records by kind and key, committed atomically and
/// durably, whose committed changes reach the node in revision order.
///
/// The registry reads from memory only. It `open()`s the store at start and loads the snapshot, starts
/// the change feed after the snapshot's revision, and from then on every durable write is a `commit`.
/// Memory is changed by the feed alone, in revision order, for this node's commits and (on a shared
/// store such as PostgreSQL) for other nodes' alike, so that every node converges on the store's order.
///
/// Implementations: `NacosMemoryStore` (tests, `nacos.naming.store=memory`), `NacosSQLiteStore` (the
/// standalone default) and `NacosPostgresStore` (shared by a cluster), each in its own target.
public protocol NacosStore: AnyObject, Sendable {
    /// A short name for logs, probes and metrics: `memory`, `sqlite`, `postgresql`.
    var kind: String { get }

    /// Opens the store, creating or migrating its schema, and returns everything it holds.
    ///
    /// - Throws: `NacosStoreError` `.schemaTooNew` when the store was written by a newer binary,
    ///   `.unavailable` when it cannot be reached or read, `.invalidConfiguration` for bad settings.
    func open() async throws(NacosStoreError) -> NacosStoreSnapshot

    /// Starts delivering every change committed after `revision` to `sink`, in revision order, one call
    /// at a time, until `close()`: this node's commits and, on a shared store, other nodes' too.
    ///
    /// `sink` runs on the store's own thread and must not block or commit.
    func startChangeFeed(after revision: Int64, _ sink: @escaping @Sendable ([NacosStoreChange]) -> Void)

    /// Commits `mutations` atomically and durably and returns their revision once they were delivered to
    /// the change feed's sink, so that the caller's node reads its own write when this returns.
    ///
    /// - Throws: `NacosStoreError` `.unavailable` when the store cannot take the write (down, queue
    ///   full); nothing of `mutations` is then applied. `.closed` after `close()`.
    @discardableResult
    func commit(_ mutations: [NacosStoreMutation]) async throws(NacosStoreError) -> Int64

    /// Whether other nodes write to the same store (PostgreSQL): then any node takes a durable write
    /// itself instead of forwarding it to the member responsible for the instance.
    var isShared: Bool { get }

    /// Whether the store takes writes now, and why not.
    var health: NacosStoreHealth { get }

    /// Counters for the Prometheus exposition.
    var metrics: NacosStoreMetrics { get }

    /// Stops the change feed, fails later commits with `.closed`, and releases files and connections
    /// once the commits in flight ended.
    func close() async
}

extension NacosStore {
    /// A store of one node only, by default.
    public var isShared: Bool { false }
}
