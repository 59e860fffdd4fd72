package import NacosTransport

/// Runs `body` with a fresh event loop group and shuts the group down afterwards, also when `body` throws.
package func withEventLoopGroup<R>(threads: Int = 2, _ body: (NacosEventLoopGroup) async throws -> R) async throws -> R {
    let group = try NacosEventLoopGroup(numberOfThreads: threads)
    do {
        let result = try await body(group)
        await group.shutdownGracefully()
        return result
    } catch {
        await group.shutdownGracefully()
        throw error
    }
}
