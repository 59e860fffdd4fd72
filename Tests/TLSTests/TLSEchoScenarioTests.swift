import NacosTLS
import NacosTestKit
import NacosTransport
import Testing

/// The shared echo scenario (`runEchoScenario`, also run over TCP and in-memory in NacosTransportTests)
/// over TLS on real sockets and over TLS on in-memory pipes.
@Suite struct TLSEchoScenarioTests {
    @Test func tlsOverTCP() async throws {
        let group = try NacosEventLoopGroup(numberOfThreads: 2)
        // One configuration serves and dials: it presents the server certificate and trusts the test CA,
        // which also signed that certificate (SAN IP 127.0.0.1).
        let transport = try NacosTLSTransport(group: group, tls: TestCertificates.shared.serverConfiguration())
        try await runEchoScenario(transport: transport, listenAddress: .loopbackIPv4())
        await group.shutdownGracefully()
    }

    @Test func tlsOverInMemory() async throws {
        let group = try NacosEventLoopGroup(numberOfThreads: 2)
        var configuration = try TestCertificates.shared.serverConfiguration()
        configuration.serverName = "localhost"
        let transport = NacosInMemoryTransport(group: group, streamLayer: try NacosTLSStreamLayer(configuration: configuration))
        try await runEchoScenario(transport: transport, listenAddress: .inMemory("tls-echo-scenario"))
        await group.shutdownGracefully()
    }
}
