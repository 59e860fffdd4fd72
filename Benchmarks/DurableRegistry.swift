import NacosNaming
import NacosRemote
import NacosStore
import NacosTransport

/// A `NamingRegistry` over a durable store, as a node runs it (the benchmark configuration: push on,
/// active health checks off, a prober that never dials), with its own one-thread event loop group for
/// timers; `close()` stops it and closes the store.
final class DurableRegistry: Sendable {
    /// The registry.
    let registry: NamingRegistry
    /// Its store.
    let store: any NacosStore
    /// Its connection manager (no connections; the registry listens to it).
    let manager: NacosConnectionManager
    /// The event loop group its timers run on.
    let group: NacosEventLoopGroup

    private init(registry: NamingRegistry, store: any NacosStore, manager: NacosConnectionManager, group: NacosEventLoopGroup) {
        self.registry = registry
        self.store = store
        self.manager = manager
        self.group = group
    }

    /// Creates the registry over `store` (not yet opened: call `open()`).
    ///
    /// - Throws: when the event loop group cannot start.
    static func make(store: any NacosStore, logger: NacosLogger) throws -> DurableRegistry {
        let group = try NacosEventLoopGroup(numberOfThreads: 1, logger: logger)
        let clock = NacosSystemClock(group: group)
        let manager = NacosConnectionManager(clock: clock, logger: logger)
        let registry = NamingRegistry(
            configuration: NamingBenchmarkServer.configuration(),
            connectionManager: manager,
            store: store,
            clock: clock,
            logger: logger,
            healthProber: NoHealthProber()
        )
        return DurableRegistry(registry: registry, store: store, manager: manager, group: group)
    }

    /// Loads the store (`registry.open()`) and starts the registry's push and timers.
    ///
    /// - Throws: `BenchmarkError` naming the store when it cannot be opened.
    func open() async throws {
        do {
            try await self.registry.open()
        } catch {
            throw BenchmarkError("cannot open the \(self.store.kind) store: \(error)")
        }
        self.registry.start()
    }

    /// Stops the registry, closes the store, the connection manager and the event loop group.
    func close() async {
        self.registry.shutdown()
        await self.store.close()
        self.manager.shutdown()
        await self.group.shutdownGracefully()
    }
}
