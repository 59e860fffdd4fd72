import NacosHTTP
import NacosTestKit
import NacosTransport

/// A running `NacosHTTPServer` on one transport kind, with what a test needs to talk to it.
struct HTTPScenario: Sendable {
    let kind: TransportKind
    let transport: any NacosStreamTransport
    let server: NacosHTTPServer
    let address: NacosSocketAddress
    let logs: CapturingLogHandler

    /// A client of the server.
    func client(timeout: Duration = .seconds(5), maxResponseBytes: Int = 16 * 1024 * 1024) -> NacosHTTPClient {
        NacosHTTPClient(transport: self.transport, address: self.address, timeout: timeout, maxResponseBytes: maxResponseBytes)
    }

    /// A raw connection to the server.
    func raw() async throws -> RawHTTPConnection {
        try await RawHTTPConnection.connect(transport: self.transport, to: self.address)
    }
}

/// A stream transport of `kind` on `group`.
func makeStreamTransport(_ kind: TransportKind, group: NacosEventLoopGroup, logger: NacosLogger = .disabled()) -> any NacosStreamTransport {
    switch kind {
    case .inMemory: NacosInMemoryTransport(group: group, logger: logger)
    case .tcp: NacosTCPTransport(group: group, logger: logger)
    }
}

/// Runs `body` against a fresh server on `kind`, shutting it and its event loops down afterwards.
func withHTTPServer(
    _ kind: TransportKind,
    configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
    responder: any HTTPResponder = EchoResponder(),
    _ body: (HTTPScenario) async throws -> Void
) async throws {
    try await withEventLoopGroup { group in
        let logs = CapturingLogHandler()
        let transport = makeStreamTransport(kind, group: group)
        let server = NacosHTTPServer(
            transport: transport,
            configuration: configuration,
            responder: responder,
            logger: logs.logger(label: "test.http", level: .debug)
        )
        let address = try await server.start(on: kind.listenAddress)
        let scenario = HTTPScenario(kind: kind, transport: transport, server: server, address: address, logs: logs)
        do {
            try await body(scenario)
        } catch {
            await server.shutdown(gracePeriod: .milliseconds(100))
            throw error
        }
        await server.shutdown(gracePeriod: .milliseconds(100))
    }
}
