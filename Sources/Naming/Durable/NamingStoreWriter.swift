public import NacosRemote
public import NacosTransport
public import NacosStore

/// How the registry's operations write durable state: a commit to the store, whose change feed then
/// changes memory (so an operation reads its own write once `commit` returns), with the store's errors
/// turned into the `NacosException` a client is answered with.
public struct NamingStoreWriter: Sendable {
    /// The store written to.
    public let store: any NacosStore
    private let logger: NacosLogger

    /// Creates a writer over `store`.
    public init(store: any NacosStore, logger: NacosLogger) {
        self.store = store
        self.logger = logger
    }

    /// Commits `mutations` durably; memory has them when this returns.
    ///
    /// - Throws: `NacosException` 503 when the store cannot take the write (down, queue full, closed):
    ///   nothing was written, and the message says why.
    public func commit(_ mutations: [NacosStoreMutation]) async throws(NacosException) {
        guard !mutations.isEmpty else { return }
        do {
            try await self.store.commit(mutations)
        } catch {
            throw NacosException(.overThreshold, "the \(self.store.kind) store did not take the write: \(error.message)")
        }
    }

    /// Commits `mutations` without waiting (state that a node derives itself, such as the health it
    /// checked); a failure is logged, and the next change of the same record writes it again.
    public func commitInBackground(_ mutations: [NacosStoreMutation]) {
        guard !mutations.isEmpty else { return }
        let store = self.store
        let logger = self.logger
        Task {
            do {
                try await store.commit(mutations)
            } catch {
                logger.warning("the \(store.kind) store did not take \(mutations.count) background write(s): \(error)")
            }
        }
    }
}
