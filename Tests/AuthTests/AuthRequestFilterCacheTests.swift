@testable import NacosAuth
import NacosNamingAPI
import NacosRemote
import Testing

@Suite("Auth on RPC: decisions kept per connection")
struct AuthRequestFilterCacheTests {
    /// A registration of service `name` in group `G` of `namespace`, carrying `token`.
    static func register(_ token: String, namespace: String = "public", service name: String = "svc") -> InstanceRequest {
        var request = InstanceRequest()
        request.namespace = namespace
        request.groupName = "G"
        request.serviceName = name
        request.setHeader(AuthRequestFilter.tokenHeader, token)
        return request
    }

    /// What `filter` answers `request` on `connectionId`: `nil` when it goes on, else the refusal's message,
    /// after checking the refusal has Nacos's codes.
    static func answer(_ filter: AuthRequestFilter, _ request: InstanceRequest, on connectionId: String) async throws -> String? {
        let meta = NacosRequestMeta(connectionId: connectionId, clientIp: "127.0.0.1")
        guard let response = try await filter.filter(request, meta: meta, responseType: InstanceResponse.self) else { return nil }
        #expect(response is InstanceResponse)
        #expect(response.resultCode == 500 && response.errorCode == 403)
        return response.message ?? ""
    }

    /// A fixture with user `bob` (role `ROLE_BOB`, `rw` on `public:*:*`), its token and a client-port filter.
    static func make(_ configure: (inout AuthConfiguration) -> Void = { _ in }) async throws -> (AuthTestFixture, AuthRequestFilter, String) {
        let fixture = try await AuthTestFixture.make(configure)
        try await fixture.user("bob", role: "ROLE_BOB", resource: "public:*:*", action: "rw")
        let token = try await fixture.token("bob", "user-password")
        return (fixture, AuthRequestFilter(manager: fixture.manager, rules: RequestAuthRules.clientPort), token)
    }

    @Test func aRepeatedAllowedRequestIsAllowed() async throws {
        let (_, filter, token) = try await Self.make()
        #expect(!filter.keepsGrants("c1"))
        for _ in 0..<3 {
            #expect(try await Self.answer(filter, Self.register(token), on: "c1") == nil)
        }
        #expect(filter.keepsGrants("c1"))
        // Other services the kept grants allow are decided from them too.
        for index in 0..<100 {
            #expect(try await Self.answer(filter, Self.register(token, service: "svc-\(index)"), on: "c1") == nil)
        }
        // What they do not allow takes the full path, every time.
        for _ in 0..<2 {
            #expect(try await Self.answer(filter, Self.register(token, namespace: "prod"), on: "c1") == "authorization failed!")
        }
        #expect(try await Self.answer(filter, Self.register(token), on: "c1") == nil)
        #expect(filter.trackedConnections == 1)
    }

    @Test func refusalsAreNotKept() async throws {
        let (fixture, filter, token) = try await Self.make()
        #expect(try await Self.answer(filter, Self.register(token, namespace: "prod"), on: "c1") == "authorization failed!")
        #expect(!filter.keepsGrants("c1"))
        #expect(try await Self.answer(filter, Self.register("not.a.token"), on: "c2") == "token invalid!")
        #expect(filter.trackedConnections == 0, "a refused request claims no connection")
        #expect(fixture.manager.statistics.refusals[.forbidden] == 1)
        // A refusal on a connection with kept grants is counted as before.
        #expect(try await Self.answer(filter, Self.register(token), on: "c1") == nil)
        #expect(try await Self.answer(filter, Self.register(token, namespace: "prod"), on: "c1") == "authorization failed!")
        #expect(fixture.manager.statistics.refusals[.forbidden] == 2)
    }

    @Test func aDeletedPermissionIsRefusedOnTheNextRequest() async throws {
        let (fixture, filter, token) = try await Self.make()
        #expect(try await Self.answer(filter, Self.register(token), on: "c1") == nil)
        #expect(try await Self.answer(filter, Self.register(token), on: "c1") == nil)
        try await fixture.manager.deletePermission(role: "ROLE_BOB", resource: "public:*:*", action: "rw")
        #expect(try await Self.answer(filter, Self.register(token), on: "c1") == "authorization failed!")
        #expect(try await Self.answer(filter, Self.register(token), on: "c1") == "authorization failed!")
        // Granted again, it is allowed again.
        try await fixture.manager.addPermission(role: "ROLE_BOB", resource: "public:*:*", action: "w")
        #expect(try await Self.answer(filter, Self.register(token), on: "c1") == nil)
        // A deleted user's kept decisions go too.
        try await fixture.manager.deleteUser(username: "bob")
        #expect(try await Self.answer(filter, Self.register(token), on: "c1") == "user not found!")
    }

    @Test func anExpiredTokenIsRefused() async throws {
        let (fixture, filter, token) = try await Self.make { $0.tokenTTLSeconds = 60 }
        #expect(try await Self.answer(filter, Self.register(token), on: "c1") == nil)
        fixture.clock.advance(by: .seconds(59))
        #expect(try await Self.answer(filter, Self.register(token), on: "c1") == nil)
        #expect(filter.keepsGrants("c1"))
        fixture.clock.advance(by: .seconds(1))
        #expect(try await Self.answer(filter, Self.register(token), on: "c1") == "token expired!")
        // A fresh token of the same user on the same connection is kept in its place.
        let fresh = try await fixture.token("bob", "user-password")
        #expect(fresh != token)
        #expect(try await Self.answer(filter, Self.register(fresh), on: "c1") == nil)
        #expect(try await Self.answer(filter, Self.register(fresh), on: "c1") == nil)
        #expect(try await Self.answer(filter, Self.register(token), on: "c1") == "token expired!")
        #expect(try await Self.answer(filter, Self.register(fresh), on: "c1") == nil)
    }

    @Test func anotherUsersTokenOnAClaimedConnectionIsRefused() async throws {
        let (fixture, filter, bob) = try await Self.make()
        try await fixture.user("alice", role: "ROLE_ALICE", resource: "public:*:*", action: "rw")
        let alice = try await fixture.token("alice", "user-password")
        #expect(try await Self.answer(filter, Self.register(bob), on: "c1") == nil)
        #expect(try await Self.answer(filter, Self.register(alice), on: "c1") == "authorization failed!")
        #expect(try await Self.answer(filter, Self.register(alice), on: "c1") == "authorization failed!")
        #expect(try await Self.answer(filter, Self.register(bob), on: "c1") == nil)
        #expect(try await Self.answer(filter, Self.register(alice), on: "c2") == nil)
        // Even an administrator may not act on bob's connection.
        let admin = try await fixture.token("nacos", AuthTestFixture.adminPassword)
        #expect(try await Self.answer(filter, Self.register(admin), on: "c1") == "authorization failed!")
    }

    @Test func afterDisconnectTheConnectionCanBeClaimedAnew() async throws {
        let (fixture, filter, bob) = try await Self.make()
        try await fixture.user("alice", role: "ROLE_ALICE", resource: "public:*:*", action: "rw")
        let alice = try await fixture.token("alice", "user-password")
        #expect(try await Self.answer(filter, Self.register(bob), on: "c1") == nil)
        #expect(try await Self.answer(filter, Self.register(bob), on: "c2") == nil)
        #expect(filter.trackedConnections == 2)
        filter.forget("c1")
        #expect(filter.trackedConnections == 1)
        #expect(!filter.keepsGrants("c1"))
        #expect(try await Self.answer(filter, Self.register(alice), on: "c1") == nil)
        #expect(try await Self.answer(filter, Self.register(bob), on: "c1") == "authorization failed!")
    }
}
