import NacosTestKit
import NacosTransport
import Testing

/// The shared echo scenario (`runEchoScenario`) over every transport of this module.
@Suite struct EchoScenarioTests {
    @Test func inMemory() async throws {
        try await withEventLoopGroup(threads: 2) { group in
            let transport = NacosInMemoryTransport(group: group)
            try await runEchoScenario(transport: transport, listenAddress: .inMemory("echo-scenario"))
        }
    }

    @Test func tcpIPv4() async throws {
        try await withEventLoopGroup(threads: 2) { group in
            let transport = NacosTCPTransport(group: group)
            try await runEchoScenario(transport: transport, listenAddress: .loopbackIPv4())
        }
    }

    @Test func tcpIPv6() async throws {
        try await withEventLoopGroup(threads: 2) { group in
            let transport = NacosTCPTransport(group: group)
            try await runEchoScenario(transport: transport, listenAddress: try NacosSocketAddress(ipAddress: "::1", port: 0))
        }
    }
}
