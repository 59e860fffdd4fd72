import NacosAuth
import NacosHTTP
import NacosNaming
import NacosRemote
import NacosStore
import NacosTransport

/// The Open API behind `AuthorizingResponder` with auth on, called in process (no sockets): an
/// administrator `nacos`, a user `devuser` with `rw` on `dev:*:*`, a user `nobody` without roles, and
/// namespace `dev`.
struct AuthOpenAPIFixture {
    static let secret = Array("0123456789abcdef0123456789abcdef".utf8)
    static let identity = ("serverIdentity", "cluster-secret")

    let registry: NamingRegistry
    let auth: AuthManager
    let router: HTTPRouter
    let responder: any HTTPResponder
    let adminToken: String
    let devToken: String
    let nobodyToken: String

    static func make() async throws -> AuthOpenAPIFixture {
        let logger = NacosLogger(label: "auth-http-test", logLevel: .critical)
        let clock = NacosSystemClock()
        let connections = NacosConnectionManager(configuration: NacosConnectionManagerConfiguration(), clock: clock, logger: logger)
        let registry = NamingRegistry(connectionManager: connections, store: NacosMemoryStore(), clock: clock, logger: logger)
        try await registry.open()
        try await registry.namespaceOperator.create(id: "dev", name: "dev", description: "")
        var configuration = AuthConfiguration()
        configuration.enabled = true
        configuration.secretKey = Self.secret
        configuration.passwordIterations = 10_000
        configuration.initialAdminPassword = "admin-password"
        configuration.serverIdentityKey = Self.identity.0
        configuration.serverIdentityValue = Self.identity.1
        let auth = AuthManager(configuration: configuration, directory: AuthDirectory(store: NacosMemoryStore(), logger: logger), clock: clock, logger: logger)
        try await auth.open()
        try await auth.createUser(username: "devuser", password: "dev-password")
        try await auth.addRole("ROLE_DEV", to: "devuser")
        try await auth.addPermission(role: "ROLE_DEV", resource: "dev:*:*", action: "rw")
        try await auth.createUser(username: "nobody", password: "nobody-password")
        var context = OpenAPIContext(registry: registry, connections: connections, selfAddress: "127.0.0.1:8848")
        context.auth = auth
        let api = NacosOpenAPI(context: context)
        return AuthOpenAPIFixture(
            registry: registry,
            auth: auth,
            router: api.makeRouter(),
            responder: api.makeResponder(logger: logger),
            adminToken: try await auth.login(username: "nacos", password: "admin-password", ip: "127.0.0.1").accessToken,
            devToken: try await auth.login(username: "devuser", password: "dev-password", ip: "127.0.0.1").accessToken,
            nobodyToken: try await auth.login(username: "nobody", password: "nobody-password", ip: "127.0.0.1").accessToken
        )
    }

    /// Sends `method path?query` with `headers` through the guarded API.
    func call(_ method: HTTPMethod, _ path: String, query: String, headers: [(String, String)] = [], remoteIP: String = "127.0.0.1") async -> HTTPResponse {
        var request = HTTPRequest(method: method, target: query.isEmpty ? path : "\(path)?\(query)", headers: HTTPHeaders(headers))
        request.remoteAddress = try? NacosSocketAddress(ipAddress: remoteIP, port: 40_000)
        return await self.responder.respond(to: request)
    }
}
