import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

@Suite("Loader handlers")
struct LoaderHandlerTests {
    @Test func reportsLoadAndReloadsOnlyOverTheRequestedCount() async throws {
        let group = try NacosEventLoopGroup(numberOfThreads: 1)
        let transport = NacosInMemoryTransport(group: group)
        let manager = NacosConnectionManager()
        var clusterHandlers = NacosRequestHandlerRegistry()
        clusterHandlers.register(NacosServerLoaderInfoHandler(connectionManager: manager))
        clusterHandlers.register(NacosServerReloadHandler(connectionManager: manager))
        let sdkServer = NacosRpcServer(
            configuration: NacosRpcServerConfiguration(kind: .sdk, address: .inMemory("loader-sdk")),
            transport: transport,
            handlers: clusterHandlers,
            connectionManager: manager
        )
        let clusterServer = NacosRpcServer(
            configuration: NacosRpcServerConfiguration(kind: .cluster, address: .inMemory("loader-cluster")),
            transport: transport,
            handlers: clusterHandlers,
            connectionManager: manager
        )
        try await sdkServer.start()
        try await clusterServer.start()

        let connects = Mutex(0)
        var clients: [NacosRpcClient] = []
        for index in 0..<10 {
            var configuration = NacosRpcClientConfiguration(name: "sdk-\(index)", serverAddresses: [.inMemory("loader-sdk")])
            configuration.reconnectBackoffUnit = .milliseconds(1)
            let client = NacosRpcClient(configuration: configuration, transport: transport)
            client.addConnectionListener { event in
                if case .connected = event { connects.withLock { $0 += 1 } }
            }
            #expect(await client.start())
            clients.append(client)
        }
        var peerConfiguration = NacosRpcClientConfiguration(name: "peer", serverAddresses: [.inMemory("loader-cluster")])
        peerConfiguration.labels = ["source": "cluster"]
        let peer = NacosRpcClient(configuration: peerConfiguration, transport: transport)
        #expect(await peer.start())

        let info = try await peer.request(ServerLoaderInfoRequest(), expecting: ServerLoaderInfoResponse.self)
        #expect(info.loaderMetrics["sdkConCount"] == "10")
        #expect(info.loaderMetrics["conCount"] == "11")
        #expect(info.loaderMetrics["load"].flatMap(Double.init) != nil)
        #expect(info.loaderMetrics["cpu"].flatMap(Double.init) != nil)

        // Refused on the SDK port.
        let forbidden = try await clients[0].request(ServerLoaderInfoRequest())
        #expect(forbidden.errorCode == 502)
        #expect(forbidden.message == " invoke ServerLoaderInfoRequest from sdk is forbidden")

        let ignored = try await peer.request(ServerReloadRequest(reloadCount: 20), expecting: ServerReloadResponse.self)
        #expect(ignored.message == "ignore")

        // 10 SDK connections, reloadCount 5: keep max(5, 10 × 0.9) = 9, so one client is moved.
        let reloaded = try await peer.request(ServerReloadRequest(reloadCount: 5), expecting: ServerReloadResponse.self)
        #expect(reloaded.message == "ok")
        await manager.ejectOnce()
        try await waitUntil("one client reconnected") { connects.withLock { $0 } == 11 }
        try await waitUntil("all ten back") { manager.sdkConnectionCount == 10 && clients.allSatisfy(\.isRunning) }

        for client in clients { client.shutdown() }
        peer.shutdown()
        await sdkServer.shutdown()
        await clusterServer.shutdown()
        await group.shutdownGracefully()
    }
}
