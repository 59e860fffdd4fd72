import NacosGRPC
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// `NacosRpcClient` speaking gRPC to `NacosRpcServer`, over TCP and in-memory streams: the handshake,
/// unary calls, pushes on the bi-stream, the naming handlers, and one port serving both protocols.
@Suite("gRPC RPC end to end")
struct GRPCRpcEndToEndTests {
    /// The transports one gRPC body runs over.
    enum StreamKind: String, CaseIterable, CustomStringConvertible {
        case tcp
        case inMemory

        var description: String { self.rawValue }

        func makeTransport(_ group: NacosEventLoopGroup, _ logger: NacosLogger) -> any NacosStreamTransport {
            switch self {
            case .tcp: NacosTCPTransport(group: group, logger: logger)
            case .inMemory: NacosInMemoryTransport(group: group, logger: logger)
            }
        }

        var address: NacosSocketAddress {
            switch self {
            case .tcp: .loopbackIPv4(port: 0)
            case .inMemory: .inMemory("grpc-\(UInt64.random(in: 0..<UInt64.max))")
            }
        }
    }

    private func client(
        _ server: GRPCNamingServer,
        layer: any NacosProtocolLayer = NacosGRPCProtocol(),
        labels: [String: String] = ["source": "sdk", "module": "naming", "AppName": "grpc-test"]
    ) -> NacosRpcClient {
        var configuration = NacosRpcClientConfiguration(name: "grpc-test", serverAddresses: [server.address])
        configuration.labels = labels
        configuration.protocolLayer = layer
        configuration.reconnectBackoffUnit = .milliseconds(10)
        return NacosRpcClient(configuration: configuration, transport: server.transport, payloads: .naming, logger: .disabled())
    }

    private func withServer(_ kind: StreamKind, _ body: (GRPCNamingServer) async throws -> Void) async throws {
        let address = kind.address
        let server = try await GRPCNamingServer.start(address: address, makeTransport: kind.makeTransport)
        do {
            try await body(server)
            await server.stop()
        } catch {
            await server.stop()
            throw error
        }
    }

    @Test(arguments: StreamKind.allCases)
    func handshakeCallsAndPushesTravelOverGRPC(kind: StreamKind) async throws {
        try await self.withServer(kind) { server in
            let client = self.client(server)
            defer { client.shutdown() }
            #expect(await client.start())
            #expect(client.serverAbilities?["supportPersistentInstanceByGrpc"] == true, "SetupAck arrived on the bi-stream")
            let id = try #require(client.connectionId)
            try await waitUntil("registered") { server.manager.isRegistered(id) }
            let connection = try #require(server.manager.connection(id))
            #expect(connection.meta.connectType == "GRPC")
            #expect(connection.meta.labels["module"] == "naming")

            let health = try await client.request(HealthCheckRequest(), expecting: HealthCheckResponse.self)
            #expect(health.success)

            // A server push goes down the bi-stream and is answered there, matched by requestId.
            let pushed = try await connection.request(ClientDetectionRequest(), timeout: .seconds(5))
            #expect(pushed is ClientDetectionResponse)

            // Many unary calls at once, each on its own stream.
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<200 {
                    group.addTask { try await client.request(HealthCheckRequest(), expecting: HealthCheckResponse.self).success }
                }
                for try await ok in group { #expect(ok) }
            }

            client.shutdown()
            try await waitUntil("unregistered when the HTTP/2 connection closes") { !server.manager.isRegistered(id) }
        }
    }

    @Test(arguments: StreamKind.allCases)
    func namingRequestsAndPushesWorkOverGRPC(kind: StreamKind) async throws {
        try await self.withServer(kind) { server in
            let provider = self.client(server)
            let subscriber = self.client(server)
            defer {
                provider.shutdown()
                subscriber.shutdown()
            }
            let pushes = Mutex<[ServiceInfo]>([])
            subscriber.registerServerRequestHandler(NotifySubscriberRequest.self) { push in
                if let info = push.serviceInfo { pushes.withLock { $0.append(info) } }
                return NotifySubscriberResponse()
            }
            #expect(await provider.start())
            #expect(await subscriber.start())

            let subscribed = try await subscriber.request(
                SubscribeServiceRequest(namespace: "public", serviceName: "orders", groupName: NamingDefaults.group, subscribe: true),
                expecting: SubscribeServiceResponse.self
            )
            #expect(subscribed.serviceInfo?.hosts?.isEmpty == true)

            let instance = Instance(ip: "10.0.0.7", port: 8080, metadata: ["zone": "a"])
            let registered = try await provider.request(
                InstanceRequest(namespace: "public", serviceName: "orders", groupName: NamingDefaults.group, type: InstanceRequest.registerType, instance: instance),
                expecting: InstanceResponse.self
            )
            #expect(registered.success)
            #expect(server.instances("orders").map(\.ip) == ["10.0.0.7"])
            try await waitUntil(timeout: .seconds(10), "a push with the instance") {
                pushes.withLock { $0.last?.hosts?.map(\.ip) == ["10.0.0.7"] }
            }
            #expect(pushes.withLock { $0.last?.name } == "orders", "the bare service name on gRPC")

            provider.shutdown()
            try await waitUntil(timeout: .seconds(10), "a push without it after the provider's connection closed") {
                pushes.withLock { $0.last?.hosts?.isEmpty == true }
            }
        }
    }

    @Test func onePortServesGRPCAndNativeClientsTogether() async throws {
        try await withGRPCNamingServer { server in
            let grpc = self.client(server)
            let native = self.client(server, layer: NacosNativeProtocol())
            defer {
                grpc.shutdown()
                native.shutdown()
            }
            #expect(await grpc.start())
            #expect(await native.start())
            let grpcId = try #require(grpc.connectionId)
            let nativeId = try #require(native.connectionId)
            try await waitUntil("both registered") { server.manager.isRegistered(grpcId) && server.manager.isRegistered(nativeId) }
            #expect(server.manager.connection(grpcId)?.meta.connectType == "GRPC")
            #expect(server.manager.connection(nativeId)?.meta.connectType == "NATIVE")
            #expect(try await grpc.request(HealthCheckRequest(), expecting: HealthCheckResponse.self).success)
            #expect(try await native.request(HealthCheckRequest(), expecting: HealthCheckResponse.self).success)
        }
    }

    @Test func aPortRestrictedToOneProtocolRefusesTheOther() async throws {
        try await withGRPCNamingServer(protocols: [NacosGRPCProtocol()]) { server in
            var configuration = NacosRpcClientConfiguration(name: "native-test", serverAddresses: [server.address])
            configuration.protocolLayer = NacosNativeProtocol()
            configuration.startAttempts = 1
            let native = NacosRpcClient(configuration: configuration, transport: server.transport, payloads: .naming, logger: .disabled())
            defer { native.shutdown() }
            #expect(await native.start() == false, "a native client cannot set up on a gRPC-only port")
            let grpc = self.client(server)
            defer { grpc.shutdown() }
            #expect(await grpc.start())
        }
        try await withGRPCNamingServer(protocols: [NacosNativeProtocol()]) { server in
            var configuration = NacosRpcClientConfiguration(name: "grpc-test", serverAddresses: [server.address])
            configuration.protocolLayer = NacosGRPCProtocol()
            configuration.startAttempts = 1
            let grpc = NacosRpcClient(configuration: configuration, transport: server.transport, payloads: .naming, logger: .disabled())
            defer { grpc.shutdown() }
            #expect(await grpc.start() == false, "a gRPC client cannot set up on a native-only port")
        }
    }

    @Test func clusterOnlyTypesStayRefusedOnTheSDKPortOverGRPC() async throws {
        try await withGRPCNamingServer { server in
            let client = self.client(server)
            defer { client.shutdown() }
            #expect(await client.start())
            let response = try await client.request(ServerLoaderInfoRequest())
            let error = try #require(response as? ErrorResponse)
            #expect(error.errorCode == 502 || error.errorCode == 302)
        }
    }
}
