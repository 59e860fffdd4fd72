/// The settings of the memory benchmark's client process (`nacos-bench memory-clients`), which the
/// memory benchmark starts itself.
struct MemoryClientOptions: Sendable {
    /// The TCP port of the naming server on 127.0.0.1.
    var port = 0
    /// What to connect, publish and subscribe.
    var workload = MemoryWorkload(connections: 10_000, instances: 100_000, subscriptions: 10_000, services: 10_000)
}
