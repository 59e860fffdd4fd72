public import NacosTransport
import Synchronization

/// One shared, reference-counted set of connections per remote address, carrying every call to that
/// address (Dubbo's connection model), used for node-to-node links.
///
/// Each connection is a `NacosRpcClient` that pings after `heartbeat` of idleness and reconnects after
/// three heartbeats without reading anything; the server side pings and closes on the same rule
/// (`NacosRpcServerConfiguration.heartbeat`).
public final class NacosSharedConnectionPool: Sendable {
    private struct Entry {
        let connection: NacosSharedConnection
        var references: Int
    }

    /// The configuration the pool was created with.
    public let configuration: NacosSharedConnectionConfiguration
    private let transport: any NacosTransport
    private let payloads: NacosPayloadRegistry
    private let clock: any NacosClock
    private let logger: NacosLogger
    private let entries = Mutex<[NacosSocketAddress: Entry]>([:])

    /// Creates an empty pool.
    public init(
        configuration: NacosSharedConnectionConfiguration = NacosSharedConnectionConfiguration(),
        transport: any NacosTransport,
        payloads: NacosPayloadRegistry = .standard,
        clock: any NacosClock = NacosSystemClock(),
        logger: NacosLogger = NacosLogger(label: "nacos.remote.shared")
    ) {
        self.configuration = configuration
        self.transport = transport
        self.payloads = payloads
        self.clock = clock
        self.logger = logger
    }

    /// Takes a reference on the connections to `address`, creating them for the first holder (and
    /// connecting them, unless the pool is lazy).
    public func acquire(_ address: NacosSocketAddress) async -> NacosSharedConnection {
        let (connection, created) = self.entries.withLock { entries -> (NacosSharedConnection, Bool) in
            if var entry = entries[address] {
                entry.references += 1
                entries[address] = entry
                return (entry.connection, false)
            }
            let connection = NacosSharedConnection(address: address, clients: self.makeClients(for: address), pool: self)
            entries[address] = Entry(connection: connection, references: 1)
            return (connection, true)
        }
        if created, !self.configuration.lazyConnect {
            await connection.connect()
        }
        return connection
    }

    /// How many holders reference the connections to `address` (0 when there are none).
    public func referenceCount(_ address: NacosSocketAddress) -> Int {
        self.entries.withLock { $0[address]?.references ?? 0 }
    }

    /// The addresses with live shared connections.
    public var addresses: [NacosSocketAddress] { self.entries.withLock { Array($0.keys) } }

    /// Closes every shared connection, whatever its reference count.
    public func shutdown() {
        let all = self.entries.withLock { entries -> [NacosSharedConnection] in
            defer { entries.removeAll() }
            return entries.values.map(\.connection)
        }
        for connection in all { connection.close() }
    }

    internal func release(_ connection: NacosSharedConnection) {
        let closing = self.entries.withLock { entries -> Bool in
            guard var entry = entries[connection.address], entry.connection === connection else { return false }
            entry.references -= 1
            if entry.references > 0 {
                entries[connection.address] = entry
                return false
            }
            entries[connection.address] = nil
            return true
        }
        if closing {
            self.logger.debug("closing shared connections to \(connection.address): last reference released")
            connection.close()
        }
    }

    private func makeClients(for address: NacosSocketAddress) -> [NacosRpcClient] {
        (0..<max(1, self.configuration.connectionsPerAddress)).map { index in
            var client = self.configuration.client
            client.name = "shared-\(address)-\(index)"
            client.serverAddresses = [address]
            client.keepAliveTime = self.configuration.heartbeat
            client.readIdleTimeout = self.configuration.heartbeat * 3
            client.healthCheckInterval = self.configuration.heartbeat / 3
            return NacosRpcClient(configuration: client, transport: self.transport, payloads: self.payloads, clock: self.clock, logger: self.logger)
        }
    }
}
