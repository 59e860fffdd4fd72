import NacosNamingAPI
import NacosRemote
import NacosTransport

/// Opens naming connections the way an SDK does: `NacosRpcClient`s labelled `source=sdk`,
/// `module=naming`, decoding the naming payloads, with their timers on the clients' own loops.
struct NamingClientFactory: Sendable {
    /// The server to connect to.
    let server: NacosSocketAddress
    /// The transport the clients dial with.
    let transport: any NacosTransport
    /// The clock of the clients' timeouts, health checks and reconnects.
    let clock: any NacosClock
    /// Where the clients log (warnings and above).
    let logger: NacosLogger
    /// The protocol the clients speak.
    var protocolLayer: any NacosProtocolLayer = NacosNativeProtocol()
    /// The headers client `index` adds to every request (`NacosRpcClientConfiguration.headers`), such as
    /// its `accessToken`; none by default.
    var headers: @Sendable (_ index: Int) -> [String: String] = { _ in [:] }

    /// A client that is not started yet; `index` picks its name and its client IP (`10.x.y.z`).
    func makeClient(_ prefix: String, index: Int) -> NacosRpcClient {
        var configuration = NacosRpcClientConfiguration(name: "\(prefix)-\(index)", serverAddresses: [self.server])
        configuration.labels = ["source": "sdk", "module": "naming", "AppName": "nacos-bench"]
        configuration.clientIp = Self.clientIp(index)
        configuration.protocolLayer = self.protocolLayer
        configuration.headers = self.headers(index)
        return NacosRpcClient(
            configuration: configuration,
            transport: self.transport,
            payloads: .naming,
            clock: self.clock,
            logger: self.logger
        )
    }

    /// Starts `count` clients, `parallelism` handshakes at a time; `prepare` runs on each client before it
    /// starts (to register push handlers). Clients that cannot connect fail the whole call, after the ones
    /// already made are shut down.
    ///
    /// - Parameter progress: called with the number connected after every 1,000.
    func connect(
        _ count: Int,
        prefix: String,
        parallelism: Int = 64,
        prepare: @Sendable (NacosRpcClient, Int) -> Void = { _, _ in },
        progress: @Sendable (Int) -> Void = { _ in }
    ) async throws -> [NacosRpcClient] {
        let clients = (0..<count).map { self.makeClient(prefix, index: $0) }
        for (index, client) in clients.enumerated() { prepare(client, index) }
        var failed: Int?
        await withTaskGroup(of: (Int, Bool).self) { group in
            var next = 0
            var connected = 0
            while next < min(parallelism, count) {
                let index = next
                group.addTask { (index, await clients[index].start()) }
                next += 1
            }
            while let (index, ok) = await group.next() {
                if !ok, failed == nil { failed = index }
                connected += 1
                if connected % 1000 == 0 { progress(connected) }
                if next < count, failed == nil {
                    let index = next
                    group.addTask { (index, await clients[index].start()) }
                    next += 1
                }
            }
        }
        if let failed {
            for client in clients { client.shutdown() }
            throw BenchmarkError("naming client \(failed + 1) of \(count) could not connect to \(self.server)")
        }
        return clients
    }

    /// `10.a.b.c` for client `index` (distinct for the first 16 million).
    static func clientIp(_ index: Int) -> String {
        "10.\((index >> 16) & 255).\((index >> 8) & 255).\(index & 255)"
    }
}
