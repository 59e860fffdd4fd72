package import NacosTransport

/// The transports the server-level suites run one scenario body over.
package enum TransportKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case inMemory
    case tcp

    /// The name shown in test results.
    package var description: String { self.rawValue }

    /// A transport of this kind on `group`, logging into `logger`.
    package func makeTransport(group: NacosEventLoopGroup, logger: NacosLogger) -> any NacosTransport {
        switch self {
        case .inMemory: NacosInMemoryTransport(group: group, logger: logger)
        case .tcp: NacosTCPTransport(group: group, logger: logger)
        }
    }

    /// Where a server of this kind listens: a fresh in-memory name, or an ephemeral loopback port.
    package var listenAddress: NacosSocketAddress {
        switch self {
        case .inMemory: .inMemory("server-\(UInt64.random(in: 0..<UInt64.max))")
        case .tcp: .loopbackIPv4(port: 0)
        }
    }
}
