import NacosAuth
import NacosRemote
import NacosStore
import NacosTransport
import Testing

@Suite("Auth manager: logins, tokens, permissions, management")
struct AuthManagerTests {
    @Test func theInitialAdministratorLogsInAndOthersDoNot() async throws {
        let fixture = try await AuthTestFixture.make()
        let result = try await fixture.manager.login(username: "nacos", password: AuthTestFixture.adminPassword, ip: "10.0.0.1")
        #expect(result.globalAdmin)
        #expect(result.username == "nacos")
        #expect(result.tokenTTLSeconds == 18_000)
        #expect(fixture.manager.authenticate(result.accessToken) == .success("nacos"))
        await #expect(throws: AuthLoginError.badCredentials) {
            _ = try await fixture.manager.login(username: "nacos", password: "wrong-password", ip: "10.0.0.1")
        }
        await #expect(throws: AuthLoginError.badCredentials) {
            _ = try await fixture.manager.login(username: "ghost", password: "whatever-1", ip: "10.0.0.1")
        }
        #expect(fixture.manager.statistics.loginSuccesses == 1)
        #expect(fixture.manager.statistics.loginFailures == 2)
    }

    @Test func passwordsAreStoredHashedNeverInClear() async throws {
        let fixture = try await AuthTestFixture.make()
        try await fixture.manager.createUser(username: "alice", password: "alice-password")
        let snapshot = try await fixture.store.open()
        let values = snapshot.records.values.map { String(decoding: $0, as: UTF8.self) }
        #expect(!values.contains { $0.contains("alice-password") || $0.contains(AuthTestFixture.adminPassword) })
        #expect(values.contains { $0.contains("pbkdf2-sha256$10000$") })
    }

    @Test func tokensExpireAndForgedOrForeignOnesAreRefused() async throws {
        let fixture = try await AuthTestFixture.make { $0.tokenTTLSeconds = 60 }
        let token = try await fixture.token("nacos", AuthTestFixture.adminPassword)
        #expect(fixture.manager.authenticate(token) == .success("nacos"))
        // Another key's token, a tampered one, garbage, none.
        let foreign = AuthTokenSigner(secretKey: Array("another-key-another-key-another-k".utf8), ttlSeconds: 60)
            .issue(username: "nacos", now: fixture.clock.nowMillis() / 1000).token
        #expect(fixture.manager.authenticate(foreign) == .failure(.tokenInvalid))
        var tampered = Array(token.utf8)
        tampered[tampered.count - 2] = tampered[tampered.count - 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(fixture.manager.authenticate(String(decoding: tampered, as: UTF8.self)) == .failure(.tokenInvalid))
        #expect(fixture.manager.authenticate("not.a.token") == .failure(.tokenInvalid))
        #expect(fixture.manager.authenticate(nil) == .failure(.userNotFound))
        #expect(fixture.manager.authenticate("") == .failure(.userNotFound))
        // Past its lifetime the cached token is refused too.
        fixture.clock.advance(by: .seconds(61))
        #expect(fixture.manager.authenticate(token) == .failure(.tokenExpired))
    }

    @Test func aDeletedUsersTokenStopsWorking() async throws {
        let fixture = try await AuthTestFixture.make()
        try await fixture.user("bob", role: "ROLE_BOB", resource: "public:*:*", action: "rw")
        let token = try await fixture.token("bob", "user-password")
        #expect(fixture.manager.authenticate(token) == .success("bob"))
        try await fixture.manager.deleteUser(username: "bob")
        #expect(fixture.manager.authenticate(token) == .failure(.userNotFound))
        #expect(fixture.manager.directory.roles(of: "bob").isEmpty)
    }

    @Test func theSecretKeyRotatesWithAnOverlap() async throws {
        let old = Array("old-key-old-key-old-key-old-key-!".utf8)
        let oldToken = AuthTokenSigner(secretKey: old, ttlSeconds: 18_000).issue(username: "nacos", now: 1_700_000_000).token
        let fixture = try await AuthTestFixture.make { configuration in
            configuration.previousSecretKey = old
            configuration.previousSecretKeyOverlapSeconds = 600
        }
        #expect(fixture.manager.authenticate(oldToken) == .success("nacos"))
        fixture.clock.advance(by: .seconds(601))
        // Past the overlap the previous key is no longer trusted (the cache holds the token, so check a fresh one).
        let later = AuthTokenSigner(secretKey: old, ttlSeconds: 18_000).issue(username: "nacos", now: 1_700_000_601).token
        #expect(fixture.manager.authenticate(later) == .failure(.tokenInvalid))
    }

    @Test func permissionsFollowNamespacePatternsAndActions() async throws {
        let fixture = try await AuthTestFixture.make()
        try await fixture.user("dev", role: "ROLE_DEV", resource: "dev:*:*", action: "rw")
        try await fixture.user("reader", role: "ROLE_READ", resource: "public:GROUP_A:naming/orders*", action: "r")
        let devService = AuthResource.service(namespace: "dev", group: nil, name: "orders")
        let prodService = AuthResource.service(namespace: "prod", group: nil, name: "orders")
        #expect(fixture.manager.isAllowed("dev", .write, devService))
        #expect(fixture.manager.isAllowed("dev", .read, devService))
        #expect(!fixture.manager.isAllowed("dev", .read, prodService))
        #expect(!fixture.manager.isAllowed("dev", .write, prodService))
        // r only, in one group, names starting with orders; a grouped name carries its group.
        #expect(fixture.manager.isAllowed("reader", .read, .service(namespace: nil, group: "GROUP_A", name: "orders-v2")))
        #expect(fixture.manager.isAllowed("reader", .read, .service(namespace: "", group: nil, name: "GROUP_A@@orders")))
        #expect(!fixture.manager.isAllowed("reader", .write, .service(namespace: nil, group: "GROUP_A", name: "orders")))
        #expect(!fixture.manager.isAllowed("reader", .read, .service(namespace: nil, group: "GROUP_B", name: "orders")))
        #expect(!fixture.manager.isAllowed("reader", .read, .service(namespace: nil, group: "GROUP_A", name: "payments")))
        // The administrator may do everything; a `.` in a pattern is a literal, not "any character".
        #expect(fixture.manager.isAllowed("nacos", .write, prodService))
        try await fixture.user("dotted", role: "ROLE_DOT", resource: "public:*:naming/a.b", action: "r")
        #expect(fixture.manager.isAllowed("dotted", .read, .service(namespace: nil, group: nil, name: "a.b")))
        #expect(!fixture.manager.isAllowed("dotted", .read, .service(namespace: nil, group: nil, name: "axb")))
        // Revoking takes effect at once.
        try await fixture.manager.deletePermission(role: "ROLE_DEV", resource: "dev:*:*", action: "rw")
        #expect(!fixture.manager.isAllowed("dev", .read, devService))
    }

    @Test func decisionsOfEachRequirement() async throws {
        let fixture = try await AuthTestFixture.make()
        try await fixture.user("dev", role: "ROLE_DEV", resource: "dev:*:*", action: "rw")
        let dev = try await fixture.token("dev", "user-password")
        let admin = try await fixture.token("nacos", AuthTestFixture.adminPassword)
        let manager = fixture.manager
        #expect(manager.evaluate(.open, token: nil, serverIdentity: nil) == .success(nil))
        #expect(manager.evaluate(.authenticated, token: dev, serverIdentity: nil) == .success(.user("dev")))
        #expect(manager.evaluate(.admin, token: dev, serverIdentity: nil) == .failure(.forbidden))
        #expect(manager.evaluate(.admin, token: admin, serverIdentity: nil) == .success(.user("nacos")))
        #expect(manager.evaluate(.server, token: admin, serverIdentity: nil) == .failure(.serverIdentity))
        #expect(manager.evaluate(.server, token: nil, serverIdentity: "cluster-secret") == .success(.server))
        #expect(manager.evaluate(.open, token: nil, serverIdentity: "guess") == .failure(.serverIdentity))
        #expect(manager.statistics.refusals[.serverIdentity] == 2)
        #expect(manager.statistics.refusals[.forbidden] == 1)
    }

    @Test func authOffAllowsEverythingAndCountsNothing() async throws {
        let fixture = try await AuthTestFixture.make { $0.enabled = false }
        #expect(fixture.manager.evaluate(.admin, token: nil, serverIdentity: nil) == .success(nil))
        #expect(fixture.manager.evaluate(.server, token: nil, serverIdentity: "x") == .success(nil))
        #expect(fixture.manager.statistics.refusals.isEmpty)
    }

    @Test func managementRulesAsNacos() async throws {
        let fixture = try await AuthTestFixture.make()
        let manager = fixture.manager
        try await manager.createUser(username: "carol", password: "carol-password")
        await #expect(throws: NacosException(.invalidParam, "user 'carol' already exist!")) {
            try await manager.createUser(username: "carol", password: "carol-password")
        }
        await #expect(throws: NacosException.self) { try await manager.createUser(username: "short", password: "1234567") }
        await #expect(throws: NacosException.self) { try await manager.createUser(username: "bad name", password: "12345678") }
        await #expect(throws: NacosException(.invalidParam, "cannot delete admin: nacos")) { try await manager.deleteUser(username: "nacos") }
        await #expect(throws: NacosException(.invalidParam, "role 'ROLE_ADMIN' is not permitted to create!")) {
            try await manager.addRole("ROLE_ADMIN", to: "carol")
        }
        await #expect(throws: NacosException(.invalidParam, "role ROLE_NONE not found!")) {
            try await manager.addPermission(role: "ROLE_NONE", resource: "public:*:*", action: "r")
        }
        try await manager.addRole("ROLE_C", to: "carol")
        await #expect(throws: NacosException.self) { try await manager.addPermission(role: "ROLE_C", resource: "public", action: "r") }
        await #expect(throws: NacosException.self) { try await manager.addPermission(role: "ROLE_C", resource: "public:*:*", action: "x") }
        await #expect(throws: NacosException(NacosErrorCode(rawValue: 409), "have admin user cannot use it")) {
            _ = try await manager.createAdmin(password: "another-password")
        }
        try await manager.changePassword(username: "carol", newPassword: "carol-password-2")
        _ = try await fixture.token("carol", "carol-password-2")
        // Deleting a role takes its permissions and bindings with it.
        try await manager.addPermission(role: "ROLE_C", resource: "public:*:*", action: "rw")
        try await manager.deleteRole("ROLE_C", username: nil)
        #expect(manager.directory.roles(of: "carol").isEmpty)
        #expect(!manager.directory.permissions.contains { $0.role == "ROLE_C" })
    }

    @Test func withoutAnInitialPasswordTheFirstAdministratorIsCreatedOnce() async throws {
        let fixture = try await AuthTestFixture.make { $0.initialAdminPassword = nil }
        #expect(!fixture.manager.directory.hasGlobalAdmin)
        let created = try await fixture.manager.createAdmin(password: nil)
        #expect(created.username == "nacos")
        #expect(created.password.count >= 16)
        #expect(try await fixture.manager.login(username: "nacos", password: created.password, ip: "10.0.0.1").globalAdmin)
        await #expect(throws: NacosException.self) { _ = try await fixture.manager.createAdmin(password: "second-try-1") }
    }

    @Test func theDirectoryIsReadBackFromTheStore() async throws {
        let fixture = try await AuthTestFixture.make()
        try await fixture.user("dev", role: "ROLE_DEV", resource: "dev:*:*", action: "rw")
        // A second manager over the same store (a restart) sees the same users, roles and permissions.
        let logger = NacosLogger(label: "auth-test", logLevel: .critical)
        var configuration = fixture.manager.configuration
        configuration.initialAdminPassword = nil
        let again = AuthManager(configuration: configuration, directory: AuthDirectory(store: fixture.store, logger: logger), clock: fixture.clock, logger: logger)
        try await again.open()
        #expect(again.directory.users.map(\.username) == ["dev", "nacos"])
        #expect(again.isAllowed("dev", .write, .service(namespace: "dev", group: nil, name: "x")))
        #expect(try await again.login(username: "dev", password: "user-password", ip: "10.0.0.2").username == "dev")
    }

    @Test func aThousandWrongLoginsAreThrottledAndNeverBlockARightOneFromAnotherAddress() async throws {
        let fixture = try await AuthTestFixture.make()
        var throttled = 0
        var refused = 0
        for _ in 0..<1_000 {
            do {
                _ = try await fixture.manager.login(username: "nacos", password: "guess-guess", ip: "203.0.113.9")
            } catch .throttled {
                throttled += 1
            } catch {
                refused += 1
            }
        }
        // The attacker's password checks are bounded by the per-address burst; the rest never reach the hasher.
        #expect(refused <= 10)
        #expect(throttled >= 990)
        #expect(fixture.manager.statistics.loginThrottled == UInt64(throttled))
        let result = try await fixture.manager.login(username: "nacos", password: AuthTestFixture.adminPassword, ip: "198.51.100.7")
        #expect(result.globalAdmin)
    }
}
