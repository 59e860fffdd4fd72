import NacosHTTP
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosStore
import NacosTransport
import Testing

/// A registry (not started: no timers run) behind `NacosOpenAPI`'s router, called in process without
/// sockets; `configure` adjusts the context (a metrics history, an auth manager) before the router is built.
struct InProcessOpenAPI {
    let registry: NamingRegistry
    let connections: NacosConnectionManager
    let router: HTTPRouter

    init(configure: (inout OpenAPIContext) -> Void = { _ in }) async throws {
        let logger = NacosLogger(label: "openapi-inprocess-test", logLevel: .critical)
        let clock = NacosSystemClock()
        let connections = NacosConnectionManager(configuration: NacosConnectionManagerConfiguration(), clock: clock, logger: logger)
        let registry = NamingRegistry(connectionManager: connections, store: NacosMemoryStore(), clock: clock, logger: logger, healthProber: AlwaysHealthyProber())
        try await registry.open()
        var context = OpenAPIContext(registry: registry, connections: connections, selfAddress: "127.0.0.1:8848")
        configure(&context)
        self.registry = registry
        self.connections = connections
        self.router = NacosOpenAPI(context: context).makeRouter()
    }

    /// `method path` with `parameters` in the query string.
    func call(_ method: HTTPMethod, _ path: String, _ parameters: [(String, String)] = []) async -> OpenAPIReply {
        let query = FormEncoding.encode(parameters)
        let request = HTTPRequest(method: method, target: query.isEmpty ? path : "\(path)?\(query)")
        return OpenAPIReply(await self.router.respond(to: request))
    }

    /// `GET path` with query `parameters`.
    func get(_ path: String, _ parameters: [(String, String)] = []) async -> OpenAPIReply {
        await self.call(.get, path, parameters)
    }

    /// Registers an ephemeral ip:port instance of `service` straight through the registry (what
    /// `POST /instance` does, without parsing a request).
    func register(
        _ service: String,
        group: String = "DEFAULT_GROUP",
        namespace: String = "public",
        ip: String,
        port: Int = 8080,
        healthy: Bool = true,
        enabled: Bool = true,
        cluster: String = "DEFAULT",
        metadata: [String: String] = [:]
    ) throws {
        let key = Service(namespace: namespace, group: group, name: service)
        let instance = Instance(
            ip: ip, port: port, healthy: healthy, enabled: enabled, clusterName: cluster,
            serviceName: key.groupedServiceName, metadata: metadata
        )
        try self.registry.operations.registerIpPortInstance(instance, service: key)
    }
}
