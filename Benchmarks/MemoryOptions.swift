/// The settings of one `nacos-bench memory` run, with the defaults the usage text quotes.
struct MemoryOptions: Sendable {
    /// How the connections are made.
    enum Transport: String, Sendable {
        /// TCP over 127.0.0.1.
        case tcp
        /// `NacosInMemoryTransport` pipes (clients always in this process).
        case inMemory = "in-memory"
    }

    /// Where the clients run.
    enum ClientPlacement: String, Sendable {
        /// In a child process (`nacos-bench memory-clients`), so this process holds only the server.
        case separate
        /// In this process, next to the server.
        case same
    }

    /// Instances over all connections.
    var instances = 100_000
    /// Naming connections.
    var connections = 10_000
    /// Subscriptions over all connections.
    var subscriptions = 10_000
    /// Distinct services the instances are spread over.
    var services = 10_000
    /// How the connections are made.
    var transport = Transport.tcp
    /// Where the clients run (TCP only; in-memory clients are always in this process).
    var clients = ClientPlacement.separate
    /// How long to wait after each step before reading the resident set size.
    var settle: Duration = .seconds(2)

    /// The workload these options describe.
    var workload: MemoryWorkload {
        MemoryWorkload(connections: self.connections, instances: self.instances, subscriptions: self.subscriptions, services: self.services)
    }
}
