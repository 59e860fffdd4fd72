import NacosAuth
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTransport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Auth on every RPC request type")
struct AuthRequestMatrixTests {
    /// One request of every naming type, naming service `svc` of group `G` in `namespace`.
    static func requests(namespace: String) -> [any NamingRequest] {
        func named<Request: NamingRequest>(_ request: Request) -> Request {
            var request = request
            request.namespace = namespace
            request.groupName = "G"
            request.serviceName = "svc"
            return request
        }
        return [
            named(InstanceRequest()), named(BatchInstanceRequest()), named(PersistentInstanceRequest()),
            named(SubscribeServiceRequest()), named(ServiceQueryRequest()), named(ServiceListRequest()),
        ]
    }

    @Test func everyRequestTypeTheClientPortHandlesHasARule() async throws {
        let fixture = try await AuthOpenAPIFixture.make()
        var handlers = NacosRequestHandlerRegistry()
        fixture.registry.install(into: &handlers)
        let missing = handlers.handledTypeNames.subtracting(RequestAuthRules.clientPort.keys)
        #expect(missing.isEmpty, "request types without an auth rule: \(missing.sorted())")
        // And every naming type built here is one of them, so the matrix below covers them all.
        let built = Set(Self.requests(namespace: "dev").map(\.typeName))
        #expect(built == handlers.handledTypeNames.subtracting(["HealthCheckRequest", "ServerCheckRequest", "ConnectionSetupRequest"]), "\(handlers.handledTypeNames.sorted())")
    }

    @Test func everyRequestTypeTimesEveryKindOfCaller() async throws {
        let fixture = try await AuthOpenAPIFixture.make()
        let filter = AuthRequestFilter(manager: fixture.auth, rules: RequestAuthRules.clientPort)
        let now = Int64(time(nil))
        let expired = AuthTokenSigner(secretKey: AuthOpenAPIFixture.secret, ttlSeconds: 10).issue(username: "devuser", now: now - 1_000).token
        let otherKey = AuthTokenSigner(secretKey: Array("another-key-another-key-another-k".utf8), ttlSeconds: 600).issue(username: "nacos", now: now).token
        var forged = Array(fixture.devToken.utf8)
        forged[forged.count - 3] = forged[forged.count - 3] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
        let callers: [(token: String?, expected: String?)] = [
            (nil, "user not found!"), (expired, "token expired!"), (String(decoding: forged, as: UTF8.self), "token invalid!"),
            (otherKey, "token invalid!"), (fixture.nobodyToken, "authorization failed!"), (fixture.devToken, nil),
        ]
        var connection = 0
        for request in Self.requests(namespace: "dev") {
            for caller in callers {
                var request = request
                if let token = caller.token { request.setHeader("accessToken", token) }
                connection += 1
                let meta = NacosRequestMeta(connectionId: "c\(connection)", clientIp: "127.0.0.1")
                let response = try await filter.filter(request, meta: meta, responseType: InstanceResponse.self)
                if let expected = caller.expected {
                    let refusal = try #require(response, "\(request.typeName) was let through")
                    #expect(refusal is InstanceResponse, "the refusal is the handler's own response type")
                    #expect(refusal.resultCode == 500 && refusal.errorCode == 403 && refusal.message == expected, "\(request.typeName): \(refusal.message ?? "")")
                } else {
                    #expect(response == nil, "\(request.typeName) refused: \(response?.message ?? "")")
                }
            }
        }
        // Namespace isolation over RPC: the dev user reaches nothing in prod.
        for request in Self.requests(namespace: "prod") {
            var request = request
            request.setHeader("accessToken", fixture.devToken)
            let response = try await filter.filter(request, meta: NacosRequestMeta(connectionId: "p", clientIp: "127.0.0.1"), responseType: InstanceResponse.self)
            #expect(response?.message == "authorization failed!", "\(request.typeName)")
        }
        // The handshake's health check needs nothing.
        #expect(try await filter.filter(HealthCheckRequest(), meta: NacosRequestMeta(connectionId: "h", clientIp: "127.0.0.1"), responseType: InstanceResponse.self) == nil)
    }

    @Test func aConnectionBelongsToItsFirstUser() async throws {
        let fixture = try await AuthOpenAPIFixture.make()
        let filter = AuthRequestFilter(manager: fixture.auth, rules: RequestAuthRules.clientPort)
        var request = Self.requests(namespace: "dev")[0]
        request.setHeader("accessToken", fixture.devToken)
        #expect(filter.refusal(for: request, connectionId: "shared") == nil)
        // The administrator may do anything, but not on a connection whose instances are devuser's.
        request.setHeader("accessToken", fixture.adminToken)
        #expect(filter.refusal(for: request, connectionId: "shared") == .forbidden)
        #expect(filter.refusal(for: request, connectionId: "own") == nil)
    }

    @Test func theClusterPortNeedsTheServerIdentity() async throws {
        let fixture = try await AuthOpenAPIFixture.make()
        let filter = AuthRequestFilter(manager: fixture.auth, rules: RequestAuthRules.clusterPort)
        var request = ServerLoaderInfoRequest()
        #expect(filter.refusal(for: request, connectionId: "x") == .forbidden)
        request.setHeader("accessToken", fixture.adminToken)
        #expect(filter.refusal(for: request, connectionId: "x") == .forbidden, "a user token, even an administrator's, is no server identity")
        request.setHeader(AuthOpenAPIFixture.identity.0, "guess")
        #expect(filter.refusal(for: request, connectionId: "x") == .serverIdentity)
        request.setHeader(AuthOpenAPIFixture.identity.0, AuthOpenAPIFixture.identity.1)
        #expect(filter.refusal(for: request, connectionId: "x") == nil)
        #expect(filter.refusal(for: HealthCheckRequest(), connectionId: "x") == nil)
        // Naming requests on the cluster port are another node's business too.
        var naming = Self.requests(namespace: "dev")[0]
        naming.setHeader("accessToken", fixture.devToken)
        #expect(filter.refusal(for: naming, connectionId: "y") == .forbidden)
    }
}
