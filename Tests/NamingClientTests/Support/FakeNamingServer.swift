import NacosClient
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// A naming server made of closures over `NacosRpcServer`: it records every naming request, answers
/// subscriptions and queries with data the test sets, can refuse requests, and pushes what the test asks.
final class FakeNamingServer: Sendable {
    /// What the handlers share: the requests seen, the data to answer with, the refusal to make.
    private final class Book: Sendable {
        struct State {
            var requests: [any NacosRequest] = []
            var serviceInfo: ServiceInfo?
            var refusal: NacosErrorCode?
        }

        let state = Mutex(State())

        func record(_ request: any NacosRequest) throws {
            let refusal = self.state.withLock { state -> NacosErrorCode? in
                state.requests.append(request)
                return state.refusal
            }
            if let refusal { throw NacosException(refusal, "refused by the fake server") }
        }

        var serviceInfo: ServiceInfo? { self.state.withLock { $0.serviceInfo } }
    }

    let server: NacosRpcServer
    let manager: NacosConnectionManager
    private let book = Book()

    /// Creates and starts the server on `address` over `transport`.
    init(address: NacosSocketAddress, transport: any NacosTransport, clock: any NacosClock = NacosSystemClock()) async throws {
        let state = self.book
        let manager = NacosConnectionManager(clock: clock, logger: .disabled())
        var handlers = NacosRequestHandlerRegistry()
        handlers.register(InstanceRequest.self, responseType: InstanceResponse.self) { request, _ in
            try state.record(request)
            return InstanceResponse(type: request.type)
        }
        handlers.register(PersistentInstanceRequest.self, responseType: InstanceResponse.self) { request, _ in
            try state.record(request)
            return InstanceResponse(type: request.type)
        }
        handlers.register(BatchInstanceRequest.self, responseType: BatchInstanceResponse.self) { request, _ in
            try state.record(request)
            return BatchInstanceResponse(type: request.type)
        }
        handlers.register(SubscribeServiceRequest.self, responseType: SubscribeServiceResponse.self) { request, _ in
            try state.record(request)
            return SubscribeServiceResponse(serviceInfo: state.serviceInfo)
        }
        handlers.register(ServiceQueryRequest.self, responseType: QueryServiceResponse.self) { request, _ in
            try state.record(request)
            return QueryServiceResponse(serviceInfo: state.serviceInfo)
        }
        var configuration = NacosRpcServerConfiguration(kind: .sdk, address: address)
        configuration.overThresholdResponseDelay = .zero
        configuration.protocols = NamingTestProtocol.serverLayers
        self.manager = manager
        self.server = NacosRpcServer(
            configuration: configuration,
            transport: transport,
            handlers: handlers,
            payloads: .naming,
            connectionManager: manager,
            clock: clock,
            logger: .disabled()
        )
        try await self.server.start()
    }

    /// The bound address.
    var address: NacosSocketAddress {
        get throws { try #require(self.server.localAddress) }
    }

    /// The data subscriptions and queries are answered with.
    func setServiceInfo(_ info: ServiceInfo?) {
        self.book.state.withLock { $0.serviceInfo = info }
    }

    /// Makes every naming request fail with `code` (`nil` answers normally again).
    func refuse(with code: NacosErrorCode?) {
        self.book.state.withLock { $0.refusal = code }
    }

    /// Every naming request received, in order.
    var requests: [any NacosRequest] { self.book.state.withLock { $0.requests } }

    /// The naming requests of one type received.
    func requests<Request: NacosRequest>(_ type: Request.Type) -> [Request] {
        self.requests.compactMap { $0 as? Request }
    }

    /// Pushes `info` to connection `connectionId` and returns the client's answer (so the client has
    /// processed it when this returns).
    func push(_ info: ServiceInfo, to connectionId: String?) async throws -> any NacosResponse {
        let id = try #require(connectionId)
        try await waitUntil("connection \(id) registered") { self.manager.isRegistered(id) }
        let connection = try #require(self.manager.connection(id))
        let push = NotifySubscriberRequest(serviceName: info.name, groupName: info.groupName, serviceInfo: info)
        return try await connection.request(push, timeout: .seconds(5))
    }

    func shutdown() async {
        await self.server.shutdown()
        self.manager.shutdown()
    }
}
