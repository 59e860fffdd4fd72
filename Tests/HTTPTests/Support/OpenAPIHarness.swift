import NacosHTTP
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// A naming registry with its connection manager behind `NacosOpenAPI`, served by a `NacosHTTPServer` on
/// one transport kind, with a client and helpers to call the Open API; optionally a UDP push executor for
/// 1.x subscribers and a client RPC server for the loader endpoints.
final class OpenAPIHarness: Sendable {
    let kind: TransportKind
    let group: NacosEventLoopGroup
    let transport: any NacosStreamTransport
    let manager: NacosConnectionManager
    let registry: NamingRegistry
    let server: NacosHTTPServer
    let address: NacosSocketAddress
    /// The default client every helper uses unless given another.
    let client: NacosHTTPClient
    /// Pushes to UDP subscribers, when the harness was made with `udp: true`.
    let udp: UdpPushExecutor?
    /// The client RPC server, when the harness was made with `rpc: true`.
    let rpcServer: NacosRpcServer?
    /// What the readiness probe answers.
    let readiness: ReadinessSwitch
    let logs: CapturingLogHandler
    private let clients = Mutex<[NacosHTTPClient]>([])
    private let rpcClients = Mutex<[NacosRpcClient]>([])

    private init(
        kind: TransportKind,
        group: NacosEventLoopGroup,
        transport: any NacosStreamTransport,
        manager: NacosConnectionManager,
        registry: NamingRegistry,
        server: NacosHTTPServer,
        address: NacosSocketAddress,
        udp: UdpPushExecutor?,
        rpcServer: NacosRpcServer?,
        readiness: ReadinessSwitch,
        logs: CapturingLogHandler
    ) {
        self.kind = kind
        self.group = group
        self.transport = transport
        self.manager = manager
        self.registry = registry
        self.server = server
        self.address = address
        self.client = NacosHTTPClient(transport: transport, address: address)
        self.udp = udp
        self.rpcServer = rpcServer
        self.readiness = readiness
        self.logs = logs
    }

    /// A configuration for fast tests: no push merge window, beats checked every 20 ms, persistent
    /// instances probed by a prober that always answers healthy.
    static var fastNaming: NamingConfiguration {
        var configuration = NamingConfiguration()
        configuration.pushMergeWindow = .zero
        configuration.beatCheckInterval = .milliseconds(20)
        configuration.pushRetryDelay = .milliseconds(50)
        return configuration
    }

    /// Runs `body` against a started registry and Open API server on `kind`, tearing everything down
    /// afterwards.
    static func run(
        _ kind: TransportKind = .inMemory,
        naming: NamingConfiguration = OpenAPIHarness.fastNaming,
        http: HTTPServerConfiguration = HTTPServerConfiguration(),
        udp: Bool = false,
        rpc: Bool = false,
        context configure: (inout OpenAPIContext) -> Void = { _ in },
        _ body: (OpenAPIHarness) async throws -> Void
    ) async throws {
        try await withEventLoopGroup { group in
            let logs = CapturingLogHandler()
            let logger = logs.logger(label: "openapi-test", level: .warning)
            let clock = NacosSystemClock(group: group)
            let transport: any NacosStreamTransport =
                switch kind {
                case .inMemory: NacosInMemoryTransport(group: group, logger: logger)
                case .tcp: NacosTCPTransport(group: group, logger: logger)
                }
            let manager = NacosConnectionManager(clock: clock, logger: logger)
            let udpExecutor: UdpPushExecutor? =
                udp
                ? try await UdpPushExecutor(
                    bindingTo: NacosSocketAddress(ipAddress: "127.0.0.1", port: 0),
                    on: group.next(),
                    ackTimeout: .milliseconds(500),
                    logger: logger
                )
                : nil
            let registry = NamingRegistry(
                configuration: naming,
                connectionManager: manager,
                clock: clock,
                logger: logger,
                healthProber: AlwaysHealthyProber(),
                udpExecutor: udpExecutor
            )
            var rpcServer: NacosRpcServer?
            if rpc {
                var handlers = NacosRequestHandlerRegistry()
                registry.install(into: &handlers)
                let server = NacosRpcServer(
                    configuration: NacosRpcServerConfiguration(kind: .sdk, address: kind.listenAddress),
                    transport: transport,
                    handlers: handlers,
                    payloads: NamingRegistry.payloads,
                    connectionManager: manager,
                    clock: clock,
                    logger: logger
                )
                try await server.start()
                rpcServer = server
            }
            registry.start()
            let readiness = ReadinessSwitch()
            var context = OpenAPIContext(
                registry: registry,
                connections: manager,
                rpcServer: rpcServer,
                selfAddress: "127.0.0.1:8848",
                isReady: { readiness.isReady },
                extraMetrics: { exposition in
                    if let statistics = udpExecutor?.statistics {
                        try exposition.addCounter(
                            "nacos_udp_push_total",
                            help: "UDP pushes by outcome.",
                            labels: ["result": "acknowledged"],
                            value: statistics.acknowledged
                        )
                    }
                }
            )
            configure(&context)
            let server = NacosHTTPServer(
                transport: transport,
                configuration: http,
                responder: NacosOpenAPI(context: context).makeRouter(),
                logger: logger
            )
            let address = try await server.start(on: kind.listenAddress)
            let harness = OpenAPIHarness(
                kind: kind,
                group: group,
                transport: transport,
                manager: manager,
                registry: registry,
                server: server,
                address: address,
                udp: udpExecutor,
                rpcServer: rpcServer,
                readiness: readiness,
                logs: logs
            )
            do {
                try await body(harness)
            } catch {
                await harness.stop()
                throw error
            }
            await harness.stop()
        }
    }

    private func stop() async {
        for client in self.clients.withLock({ $0 }) + [self.client] { await client.close() }
        for client in self.rpcClients.withLock({ $0 }) { client.shutdown() }
        await self.server.shutdown(gracePeriod: .milliseconds(100))
        await self.rpcServer?.shutdown()
        self.registry.shutdown()
        self.manager.shutdown()
        await self.udp?.shutdown()
    }

    // MARK: - Clients

    /// Another HTTP client (its own connection), closed with the harness.
    func newClient(timeout: Duration = .seconds(5)) -> NacosHTTPClient {
        let client = NacosHTTPClient(transport: self.transport, address: self.address, timeout: timeout)
        self.clients.withLock { $0.append(client) }
        return client
    }

    /// A raw connection to the HTTP server.
    func raw() async throws -> RawHTTPConnection {
        try await RawHTTPConnection.connect(transport: self.transport, to: self.address)
    }

    /// Connects an SDK naming RPC client (needs `rpc: true`) and waits until the server registered it;
    /// returns the client and its connection id.
    func connectSDK(app: String = "openapi-test") async throws -> (NacosRpcClient, String) {
        let server = try #require(self.rpcServer, "the harness has no RPC server")
        var configuration = NacosRpcClientConfiguration(name: "openapi-sdk", serverAddresses: [try #require(server.localAddress)])
        configuration.labels = ["source": "sdk", "module": "naming", "AppName": app]
        configuration.clientIp = "10.0.0.7"
        let rpc = NacosRpcClient(
            configuration: configuration,
            transport: self.transport,
            payloads: .naming,
            clock: NacosSystemClock(group: self.group)
        )
        self.rpcClients.withLock { $0.append(rpc) }
        guard await rpc.start(), let connectionId = rpc.connectionId else {
            throw DeadlineExceeded(what: "an SDK connection")
        }
        try await waitUntil("the server to register \(connectionId)") { self.manager.isRegistered(connectionId) }
        return (rpc, connectionId)
    }

    /// Polls the asynchronous `condition` every 10 ms until it holds, failing after `timeout`.
    func waitFor(timeout: Duration = .seconds(10), _ what: String, _ condition: () async throws -> Bool) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while try await !condition() {
            guard clock.now < deadline else { throw DeadlineExceeded(what: what) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    // MARK: - Calls

    /// Sends `method path` with `parameters` in the query string, or, with `form`, as an
    /// `application/x-www-form-urlencoded` body; a given `body` is sent as it is. Returns the reply.
    func call(
        _ method: HTTPMethod,
        _ path: String,
        _ parameters: [(String, String)] = [],
        form: Bool = false,
        headers: [(String, String)] = [],
        via client: NacosHTTPClient? = nil,
        body rawBody: String? = nil
    ) async throws -> OpenAPIReply {
        let encoded = FormEncoding.encode(parameters)
        var target = path
        var body: [UInt8] = rawBody.map { Array($0.utf8) } ?? []
        var fields = HTTPHeaders()
        for (name, value) in headers { fields.add(name: name, value: value) }
        if form {
            body = Array(encoded.utf8)
            fields.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        } else if !encoded.isEmpty {
            target += (target.contains("?") ? "&" : "?") + encoded
        }
        let response = try await (client ?? self.client).send(HTTPRequest(method: method, target: target, headers: fields, body: body))
        return OpenAPIReply(response)
    }

    /// `GET` with query parameters.
    func get(_ path: String, _ parameters: [(String, String)] = [], headers: [(String, String)] = []) async throws -> OpenAPIReply {
        try await self.call(.get, path, parameters, headers: headers)
    }

    /// `POST` with a form body.
    func post(_ path: String, _ parameters: [(String, String)] = []) async throws -> OpenAPIReply {
        try await self.call(.post, path, parameters, form: true)
    }

    /// `PUT` with a form body.
    func put(_ path: String, _ parameters: [(String, String)] = []) async throws -> OpenAPIReply {
        try await self.call(.put, path, parameters, form: true)
    }

    /// `PATCH` with a form body.
    func patch(_ path: String, _ parameters: [(String, String)] = []) async throws -> OpenAPIReply {
        try await self.call(.patch, path, parameters, form: true)
    }

    /// `DELETE` with query parameters.
    func delete(_ path: String, _ parameters: [(String, String)] = []) async throws -> OpenAPIReply {
        try await self.call(.delete, path, parameters)
    }

    /// Registers `ip:port` of `service` through `POST /nacos/v1/ns/instance` and expects `ok`.
    func register(_ service: String, ip: String = "10.0.0.1", port: Int = 8080, _ extra: [(String, String)] = []) async throws {
        let reply = try await self.post(OpenAPIPaths.v1Instance, [("serviceName", service), ("ip", ip), ("port", String(port))] + extra)
        #expect(reply.status == 200 && reply.text == "ok", "register \(service) \(ip):\(port): \(reply)")
    }

    /// The hosts `GET /nacos/v1/ns/instance/list` answers for `service`.
    func hosts(_ service: String, _ extra: [(String, String)] = []) async throws -> [JSONNode] {
        let reply = try await self.get(OpenAPIPaths.v1List, [("serviceName", service)] + extra)
        #expect(reply.status == 200, "list \(service): \(reply)")
        return reply.json["hosts"].array
    }
}

/// The Open API paths the tests call.
enum OpenAPIPaths {
    static let v1 = "/nacos/v1/ns"
    static let v1Instance = "/nacos/v1/ns/instance"
    static let v1List = "/nacos/v1/ns/instance/list"
    static let v1Beat = "/nacos/v1/ns/instance/beat"
    static let v1Service = "/nacos/v1/ns/service"
    static let v2 = "/nacos/v2/ns"
    static let v2Instance = "/nacos/v2/ns/instance"
    static let v2List = "/nacos/v2/ns/instance/list"
    static let v2Service = "/nacos/v2/ns/service"
    static let loader = "/nacos/v2/core/loader"
}

/// A response as the tests look at it: the status, the body as text and as JSON.
struct OpenAPIReply: Sendable, CustomStringConvertible {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    init(_ response: HTTPResponse) {
        self.status = response.status.code
        self.headers = response.headers
        self.body = response.body
    }

    /// The body as UTF-8 text.
    var text: String { String(decoding: self.body, as: UTF8.self) }

    /// The body parsed as JSON (an absent node when it is not JSON).
    var json: JSONNode {
        JSONNode((try? NacosJSONParser.parse(NacosByteBuffer(bytes: self.body))))
    }

    var description: String { "\(self.status) \(self.text.prefix(300))" }

    /// Whether this is a v2 envelope `{code, message, data}` with `code` and `message` as given.
    func isEnvelope(status: Int, code: Int, message: String) -> Bool {
        let json = self.json
        return self.status == status && json["code"].int == code && json["message"].string == message && json["data"].exists
            && json.keys.sorted() == ["code", "data", "message"]
    }
}

/// Read access to a parsed JSON value; every lookup on a missing or mistyped value gives an absent node.
struct JSONNode: Sendable, CustomStringConvertible {
    let value: NacosJSONValue?

    init(_ value: NacosJSONValue?) {
        self.value = value
    }

    /// The member `key` of an object.
    subscript(key: String) -> JSONNode {
        guard case .object(let object)? = self.value else { return JSONNode(nil) }
        return JSONNode(object[key])
    }

    /// Element `index` of an array.
    subscript(index: Int) -> JSONNode {
        let elements = self.array
        return elements.indices.contains(index) ? elements[index] : JSONNode(nil)
    }

    /// Whether there is a value (`null` included).
    var exists: Bool { self.value != nil }

    var string: String? {
        guard case .string(let string)? = self.value else { return nil }
        return string
    }

    var int: Int? {
        guard case .integer(let number)? = self.value else { return nil }
        return Int(number)
    }

    var double: Double? {
        switch self.value {
        case .integer(let number)?: Double(number)
        case .double(let number)?: number
        default: nil
        }
    }

    var bool: Bool? {
        guard case .bool(let flag)? = self.value else { return nil }
        return flag
    }

    var array: [JSONNode] {
        guard case .array(let elements)? = self.value else { return [] }
        return elements.map { JSONNode($0) }
    }

    /// The keys of an object, in order.
    var keys: [String] {
        guard case .object(let object)? = self.value else { return [] }
        return object.members.map(\.key)
    }

    var description: String { self.value.map { "\($0)" } ?? "<absent>" }
}

/// `application/x-www-form-urlencoded` encoding of test parameters.
enum FormEncoding {
    /// `name=value&…` with everything but unreserved characters percent-encoded.
    static func encode(_ parameters: [(String, String)]) -> String {
        parameters.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes every byte that is not an RFC 3986 unreserved character.
    static func escape(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                result += "%"
                result.unicodeScalars.append(hex[Int(byte >> 4)])
                result.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return result
    }
}

/// A health prober for persistent instances that always answers healthy, so no test reaches the network.
struct AlwaysHealthyProber: HealthProber {
    func probe(ip: String, port: Int, timeout: Duration) async -> Bool { true }
}

/// What the harness's readiness probe answers; a test flips it.
final class ReadinessSwitch: Sendable {
    private let flag = Atomic<Bool>(true)

    var isReady: Bool {
        get { self.flag.load(ordering: .relaxed) }
        set { self.flag.store(newValue, ordering: .relaxed) }
    }
}
