import NacosAuth
import NacosRemote
import NacosStore
import NacosTransport

/// An auth manager over a memory store with a manual clock, auth on, an administrator `nacos` and fast
/// password hashing, for the auth unit tests.
struct AuthTestFixture {
    static let secret = Array("0123456789abcdef0123456789abcdef".utf8)
    static let adminPassword = "admin-password"

    let store: NacosMemoryStore
    let clock: NacosManualClock
    let manager: AuthManager

    /// Builds and opens the manager; `configure` may change the configuration first.
    static func make(_ configure: (inout AuthConfiguration) -> Void = { _ in }) async throws -> AuthTestFixture {
        var configuration = AuthConfiguration()
        configuration.enabled = true
        configuration.secretKey = Self.secret
        configuration.passwordIterations = 10_000
        configuration.initialAdminPassword = Self.adminPassword
        configuration.serverIdentityKey = "serverIdentity"
        configuration.serverIdentityValue = "cluster-secret"
        configure(&configuration)
        let store = NacosMemoryStore()
        let clock = NacosManualClock()
        let logger = NacosLogger(label: "auth-test", logLevel: .critical)
        let manager = AuthManager(configuration: configuration, directory: AuthDirectory(store: store, logger: logger), clock: clock, logger: logger)
        try await manager.open()
        return AuthTestFixture(store: store, clock: clock, manager: manager)
    }

    /// A token of `username` after logging in with `password`.
    func token(_ username: String, _ password: String, ip: String = "10.0.0.1") async throws -> String {
        try await self.manager.login(username: username, password: password, ip: ip).accessToken
    }

    /// Creates `username` with role `role` holding `action` on `resource`.
    func user(_ username: String, password: String = "user-password", role: String, resource: String, action: String) async throws {
        try await self.manager.createUser(username: username, password: password)
        try await self.manager.addRole(role, to: username)
        try await self.manager.addPermission(role: role, resource: resource, action: action)
    }
}
