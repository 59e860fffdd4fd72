import NacosRemote
import NacosTLS
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// A server push of the TLS tests' own type.
struct RemoteTLSPush: NacosCommonFieldsRequest, Equatable {
    static let typeName = "RemoteTLSPush"
    static let module = NacosRequestModule.naming
    var requestId: String?
    var headers: [String: String] = [:]
    init() {}
}

/// The client's answer to `RemoteTLSPush`.
struct RemoteTLSPushResponse: NacosCommonFieldsResponse, Equatable {
    static let typeName = "RemoteTLSPushResponse"
    var resultCode = NacosResponseCode.success
    var errorCode = 0
    var message: String?
    var requestId: String?
    init() {}
}

/// `NacosRpcClient` and `NacosRpcServer` over `NacosTLSTransport`: the native protocol unchanged on TLS.
@Suite("NacosRpcClient over TLS")
struct RemoteOverTLSTests {
    /// A TLS server with its manager on `address`, the group it runs on, and the clients a test made.
    final class Harness: Sendable {
        let group: NacosEventLoopGroup
        let manager: NacosConnectionManager
        let server: NacosRpcServer
        private let clients = Mutex<[NacosRpcClient]>([])

        init(group: NacosEventLoopGroup, address: NacosSocketAddress) throws {
            let certificates = try TestCertificates.shared
            self.group = group
            let transport = try NacosTLSTransport(group: group, tls: certificates.serverConfiguration(), logger: .disabled())
            var configuration = NacosRpcServerConfiguration(address: address)
            configuration.tlsProtected = true
            var payloads = NacosPayloadRegistry.standard
            payloads.register(RemoteTLSPushResponse.self)
            self.manager = NacosConnectionManager(logger: .disabled())
            self.server = NacosRpcServer(
                configuration: configuration,
                transport: transport,
                handlers: NacosRequestHandlerRegistry(),
                payloads: payloads,
                connectionManager: self.manager,
                logger: .disabled()
            )
        }

        func makeClient(tls: NacosTLSConfiguration, configure: (inout NacosRpcClientConfiguration) -> Void = { _ in }) throws -> NacosRpcClient {
            let address = try #require(self.server.localAddress)
            var configuration = NacosRpcClientConfiguration(name: "tls-client", serverAddresses: [address])
            configuration.labels = ["source": "sdk", "module": "naming", "AppName": "tls-app"]
            configuration.reconnectBackoffUnit = .milliseconds(10)
            configure(&configuration)
            let transport = try NacosTLSTransport(group: self.group, tls: tls, logger: .disabled())
            let client = NacosRpcClient(configuration: configuration, transport: transport, logger: .disabled())
            self.clients.withLock { $0.append(client) }
            return client
        }

        func tearDown() async {
            for client in self.clients.withLock({ $0 }) { client.shutdown() }
            await self.server.shutdown()
            self.manager.shutdown()
            await self.group.shutdownGracefully()
        }
    }

    private func withHarness(address: NacosSocketAddress, _ body: (Harness) async throws -> Void) async throws {
        let group = try NacosEventLoopGroup(numberOfThreads: 2, logger: .disabled())
        let harness: Harness
        do {
            harness = try Harness(group: group, address: address)
            try await harness.server.start()
        } catch {
            await group.shutdownGracefully()
            throw error
        }
        do {
            try await body(harness)
            await harness.tearDown()
        } catch {
            await harness.tearDown()
            throw error
        }
    }

    @Test(arguments: [NacosSocketAddress.loopbackIPv4(), NacosSocketAddress.loopbackIPv6()])
    func handshakeAndPushesOverTLS(address: NacosSocketAddress) async throws {
        try await self.withHarness(address: address) { harness in
            let certificates = try TestCertificates.shared
            let client = try harness.makeClient(tls: certificates.clientConfiguration()) { configuration in
                configuration.clientIp = "10.0.0.9"
                configuration.tenant = "tls-ns"
            }
            let events = Mutex<[NacosRpcClientEvent]>([])
            client.addConnectionListener { event in events.withLock { $0.append(event) } }
            client.registerServerRequestHandler(RemoteTLSPush.self) { push in
                var response = RemoteTLSPushResponse()
                response.message = "over tls: \(push.header("n") ?? "")"
                return response
            }

            #expect(await client.start())

            #expect(client.status == .running)
            let id = try #require(client.connectionId)
            try await waitUntil("registered") { harness.manager.isRegistered(id) }
            let connection = try #require(harness.manager.connection(id))
            let meta = connection.meta
            #expect(meta.tlsProtected)
            #expect(meta.clientIp == "10.0.0.9")
            #expect(meta.tenant == "tls-ns")
            #expect(meta.appName == "tls-app")
            #expect(meta.remoteIp == address.host)
            #expect(client.serverAbilities?["supportPersistentInstanceByGrpc"] == true)
            #expect(events.withLock { $0 } == [.connected(connectionId: id, server: try #require(harness.server.localAddress))])

            // Client → server over TLS.
            let health = try await client.request(HealthCheckRequest(), expecting: HealthCheckResponse.self)
            #expect(health.success)

            // Server → client pushes over TLS: a built-in one and a custom one.
            let detection = try await connection.request(ClientDetectionRequest(), timeout: .seconds(5))
            #expect(detection is ClientDetectionResponse)
            var push = RemoteTLSPush()
            push.headers = ["n": "7"]
            let answer = try await connection.request(push, timeout: .seconds(5))
            #expect((answer as? RemoteTLSPushResponse)?.message == "over tls: 7")

            client.shutdown()
            try await waitUntil("unregistered") { !harness.manager.isRegistered(id) }
        }
    }

    @Test func aClientThatDoesNotTrustTheServerDoesNotConnect() async throws {
        try await self.withHarness(address: .loopbackIPv4()) { harness in
            let certificates = try TestCertificates.shared
            // Trusts only the unrelated self-signed certificate, not the CA that signed the server's.
            let client = try harness.makeClient(tls: .client(trustRoots: certificates.untrusted.certificate)) { configuration in
                configuration.startAttempts = 1
            }
            #expect(await client.start() == false)
            #expect(client.status == .starting)
            #expect(client.connectionId == nil)
            #expect(harness.manager.connectionCount == 0)
        }
    }

    @Test func aTLSClientReconnectsAfterTheServerUnregistersIt() async throws {
        try await self.withHarness(address: .loopbackIPv4()) { harness in
            let certificates = try TestCertificates.shared
            let client = try harness.makeClient(tls: certificates.clientConfiguration())
            let connected = Atomic<Int>(0)
            client.addConnectionListener { event in
                if case .connected = event { connected.wrappingAdd(1, ordering: .relaxed) }
            }
            #expect(await client.start())
            let oldId = try #require(client.connectionId)
            try await waitUntil("registered") { harness.manager.isRegistered(oldId) }

            harness.manager.unregister(oldId)

            try await waitUntil("reconnected over TLS") {
                connected.load(ordering: .relaxed) == 2 && client.isRunning && client.connectionId != oldId
            }
            let newId = try #require(client.connectionId)
            try await waitUntil("the new connection registered") { harness.manager.isRegistered(newId) }
            #expect(harness.manager.connection(newId)?.meta.tlsProtected == true)
        }
    }
}
