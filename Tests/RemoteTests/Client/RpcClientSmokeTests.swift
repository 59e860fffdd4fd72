import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

@Suite("NacosRpcClient smoke")
struct RpcClientSmokeTests {
    @Test func connectsRequestsAndAnswersPushes() async throws {
        let group = try NacosEventLoopGroup(numberOfThreads: 2)
        let transport = NacosInMemoryTransport(group: group)
        let manager = NacosConnectionManager()
        let server = NacosRpcServer(
            configuration: NacosRpcServerConfiguration(address: .inMemory("smoke")),
            transport: transport,
            handlers: NacosRequestHandlerRegistry(),
            connectionManager: manager
        )
        try await server.start()
        var config = NacosRpcClientConfiguration(serverAddresses: [.inMemory("smoke")])
        config.labels = ["source": "sdk", "module": "naming"]
        let client = NacosRpcClient(configuration: config, transport: transport)
        let events = Mutex<[NacosRpcClientEvent]>([])
        client.addConnectionListener { event in events.withLock { $0.append(event) } }
        #expect(await client.start())
        #expect(client.status == .running)
        #expect(client.serverAbilities?["supportPersistentInstanceByGrpc"] == true)
        let response = try await client.request(HealthCheckRequest(), expecting: HealthCheckResponse.self)
        #expect(response.success)
        let id = try #require(client.connectionId)
        try await waitUntil("registered") { manager.isRegistered(id) }
        let pushed = try await manager.connection(id)!.request(ClientDetectionRequest(), timeout: .seconds(3))
        #expect(pushed is ClientDetectionResponse)
        client.shutdown()
        try await waitUntil("unregistered") { !manager.isRegistered(id) }
        #expect(events.withLock { $0.count } == 2)
        await server.shutdown()
        await group.shutdownGracefully()
    }
}
