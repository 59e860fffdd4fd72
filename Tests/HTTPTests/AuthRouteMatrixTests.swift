import NacosAuth
import NacosHTTP
import NacosNaming
import NacosRemote
import NacosTransport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Auth on every HTTP route")
struct AuthRouteMatrixTests {
    /// The auth refusals' texts: a 403 with one of them is auth's, any other answer is the handler's.
    static let refusalTexts = Set(AuthRefusal.allCases.map(\.message))

    @Test func everyRouteHasARuleAndEveryRuleARoute() async throws {
        let fixture = try await AuthOpenAPIFixture.make()
        let routed = Set(fixture.router.routedPairs.map { "\($0.method.rawValue) \($0.path)" })
        let ruled = Set(OpenAPIAccessRules.table.keys)
        #expect(routed.subtracting(ruled).isEmpty, "routes without an auth rule: \(routed.subtracting(ruled).sorted())")
        #expect(ruled.subtracting(routed).isEmpty, "auth rules without a route: \(ruled.subtracting(routed).sorted())")
    }

    @Test func everyRouteTimesEveryKindOfCaller() async throws {
        let fixture = try await AuthOpenAPIFixture.make()
        let now = Int64(time(nil))
        let expired = AuthTokenSigner(secretKey: AuthOpenAPIFixture.secret, ttlSeconds: 10).issue(username: "devuser", now: now - 1_000).token
        let otherKey = AuthTokenSigner(secretKey: Array("another-key-another-key-another-k".utf8), ttlSeconds: 600).issue(username: "nacos", now: now).token
        var forged = Array(fixture.devToken.utf8)
        forged[forged.count - 3] = forged[forged.count - 3] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
        let callers: [(name: String, token: String?)] = [
            ("no token", nil), ("expired", expired), ("forged signature", String(decoding: forged, as: UTF8.self)),
            ("another key", otherKey), ("without the permission", fixture.nobodyToken), ("with it", nil),
        ]
        let query = "namespaceId=dev&groupName=G&serviceName=svc&ip=127.0.0.1&port=8080"
        for pair in fixture.router.routedPairs {
            let rule = try #require(OpenAPIAccessRules.rule(pair.method, pair.path))
            for caller in callers {
                let token: String? =
                    caller.name == "with it" ? (rule == .admin ? fixture.adminToken : fixture.devToken) : caller.token
                let headers = token.map { [("Authorization", "Bearer \($0)")] } ?? []
                let response = await fixture.call(pair.method, pair.path, query: query, headers: headers)
                let refusal = response.status.code == 403 && Self.refusalTexts.contains(response.bodyText) ? response.bodyText : nil
                let expected = Self.expectedRefusal(rule, caller: caller.name)
                #expect(refusal == expected?.message, "\(pair.method) \(pair.path) \(caller.name): \(response.status.code) \(response.bodyText)")
            }
        }
    }

    /// What auth answers `caller` on a route with `rule`; `nil` lets it through to its handler.
    static func expectedRefusal(_ rule: OpenAPIAccessRules.Rule, caller: String) -> AuthRefusal? {
        if rule == .open { return nil }
        switch caller {
        case "no token": return .userNotFound
        case "expired": return .tokenExpired
        case "forged signature", "another key": return .tokenInvalid
        case "without the permission": return rule == .authenticated ? nil : .forbidden
        default: return nil
        }
    }

    @Test func theTokenIsReadFromTheQueryTheFormTheHeaderAndBearer() async throws {
        let fixture = try await AuthOpenAPIFixture.make()
        let path = "/nacos/v1/ns/instance/list"
        let base = "namespaceId=dev&serviceName=svc"
        #expect(await fixture.call(.get, path, query: base).status.code == 403)
        #expect(await fixture.call(.get, path, query: "\(base)&accessToken=\(fixture.devToken)").status.code == 200)
        #expect(await fixture.call(.get, path, query: base, headers: [("accessToken", fixture.devToken)]).status.code == 200)
        #expect(await fixture.call(.get, path, query: base, headers: [("Authorization", "Bearer \(fixture.devToken)")]).status.code == 200)
        var form = HTTPRequest(
            method: .post, target: "/nacos/v1/ns/instance",
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Array("namespaceId=dev&serviceName=svc&ip=127.0.0.1&port=8081&accessToken=\(fixture.devToken)".utf8)
        )
        form.remoteAddress = nil
        #expect(await fixture.responder.respond(to: form).bodyText == "ok")
    }

    @Test func aUserOfDevCannotReadOrWriteProd() async throws {
        let fixture = try await AuthOpenAPIFixture.make()
        try await fixture.registry.namespaceOperator.create(id: "prod", name: "prod", description: "")
        let dev = [("Authorization", "Bearer \(fixture.devToken)")]
        let admin = [("Authorization", "Bearer \(fixture.adminToken)")]
        let instance = "serviceName=orders&ip=127.0.0.1&port=9000"
        #expect(await fixture.call(.post, "/nacos/v1/ns/instance", query: "namespaceId=dev&\(instance)", headers: dev).bodyText == "ok")
        #expect(await fixture.call(.post, "/nacos/v1/ns/instance", query: "namespaceId=prod&\(instance)", headers: admin).bodyText == "ok")
        for (method, path) in [(HTTPMethod.post, "/nacos/v1/ns/instance"), (.delete, "/nacos/v1/ns/instance"), (.get, "/nacos/v1/ns/instance/list"), (.get, "/nacos/v2/ns/service/list"), (.get, "/nacos/v2/ns/instance/list")] {
            let response = await fixture.call(method, path, query: "namespaceId=prod&\(instance)", headers: dev)
            #expect(response.status.code == 403 && response.bodyText == "authorization failed!", "\(method) \(path): \(response.bodyText)")
        }
        // The public namespace is another namespace too, whichever way it is spelled.
        for namespace in ["", "public"] {
            let response = await fixture.call(.get, "/nacos/v1/ns/instance/list", query: "namespaceId=\(namespace)&serviceName=orders", headers: dev)
            #expect(response.status.code == 403)
        }
        #expect(await fixture.call(.get, "/nacos/v1/ns/instance/list", query: "namespaceId=dev&serviceName=orders", headers: dev).bodyText.contains("9000"))
    }

    @Test func serverIdentityAndForwardedWrites() async throws {
        let fixture = try await AuthOpenAPIFixture.make()
        let identity = AuthOpenAPIFixture.identity
        let write = "namespaceId=dev&serviceName=svc&ip=127.0.0.1&port=8082"
        // Another node (the right identity) may call anything without a token.
        #expect(await fixture.call(.get, "/nacos/v2/core/loader/current", query: "", headers: [identity]).status.code == 200)
        // A wrong identity is refused even with an administrator's token.
        let wrong = await fixture.call(.get, "/nacos/v2/core/loader/current", query: "", headers: [(identity.0, "guess"), ("Authorization", "Bearer \(fixture.adminToken)")])
        #expect(wrong.status.code == 403 && wrong.bodyText == AuthRefusal.serverIdentity.message)
        // A forwarded write without the identity is refused even with a token that could write.
        let forged = await fixture.call(.post, "/nacos/v1/ns/instance", query: write, headers: [("X-Nacos-Distro-Forwarded", "10.0.0.9:8848"), ("Authorization", "Bearer \(fixture.devToken)")])
        #expect(forged.status.code == 403 && forged.bodyText == AuthRefusal.serverIdentity.message)
        let forwarded = await fixture.call(.post, "/nacos/v1/ns/instance", query: write, headers: [("X-Nacos-Distro-Forwarded", "10.0.0.9:8848"), identity])
        #expect(forwarded.bodyText == "ok")
    }

    @Test func loginManagementAndThrottlingOverHTTP() async throws {
        let fixture = try await AuthOpenAPIFixture.make()
        let login = await fixture.call(.post, "/nacos/v1/auth/users/login", query: "username=devuser&password=dev-password")
        #expect(login.status.code == 200)
        #expect(login.bodyText.contains(#""tokenTtl":18000"#) && login.bodyText.contains(#""globalAdmin":false"#) && login.bodyText.contains(#""username":"devuser""#))
        #expect(login.headers.values(for: "Authorization").first?.hasPrefix("Bearer ey") == true)
        let legacy = await fixture.call(.post, "/nacos/v1/auth/login", query: "username=nacos&password=admin-password")
        #expect(legacy.bodyText.contains(#""globalAdmin":true"#))
        let wrong = await fixture.call(.post, "/nacos/v1/auth/users/login", query: "username=devuser&password=nope-nope")
        #expect(wrong.status.code == 403 && wrong.bodyText == "user not found!")
        // A thousand wrong logins from one address: throttled with Retry-After, and the right password
        // from another address still logs in.
        var throttled = 0
        for _ in 0..<1_000 {
            let response = await fixture.call(.post, "/nacos/v1/auth/users/login", query: "username=nacos&password=guess-guess", remoteIP: "203.0.113.5")
            if response.status.code == 429 {
                throttled += 1
                #expect(Int(response.headers.values(for: "Retry-After").first ?? "") ?? 0 >= 1)
            }
        }
        #expect(throttled >= 985)
        #expect(await fixture.call(.post, "/nacos/v1/auth/users/login", query: "username=nacos&password=admin-password", remoteIP: "198.51.100.2").status.code == 200)

        let admin = [("Authorization", "Bearer \(fixture.adminToken)")]
        let dev = [("Authorization", "Bearer \(fixture.devToken)")]
        #expect(await fixture.call(.post, "/nacos/v1/auth/users", query: "username=erin&password=erin-password", headers: admin).bodyText == #"{"code":200,"message":null,"data":"create user ok!"}"#)
        #expect(await fixture.call(.post, "/nacos/v1/auth/users", query: "username=erin&password=erin-password", headers: admin).status.code == 400)
        #expect(await fixture.call(.post, "/nacos/v1/auth/users", query: "username=frank&password=frank-password", headers: dev).status.code == 403)
        let page = await fixture.call(.get, "/nacos/v1/auth/users", query: "pageNo=1&pageSize=2", headers: admin)
        #expect(page.bodyText.hasPrefix(#"{"totalCount":4,"pageNumber":1,"pagesAvailable":2,"pageItems":[{"username":"devuser"},{"username":"erin"}]"#), "\(page.bodyText)")
        #expect(!page.bodyText.contains("pbkdf2"))
        // A user changes its own password, not another's; the administrator changes anyone's.
        #expect(await fixture.call(.put, "/nacos/v1/auth/users", query: "username=devuser&newPassword=dev-password-2", headers: dev).status.code == 200)
        #expect(await fixture.call(.put, "/nacos/v1/auth/users", query: "username=erin&newPassword=hijacked-1", headers: dev).status.code == 403)
        #expect(await fixture.call(.put, "/nacos/v1/auth/users", query: "username=erin&newPassword=erin-password-2", headers: admin).status.code == 200)
        #expect(await fixture.call(.post, "/nacos/v1/auth/roles", query: "role=ROLE_E&username=erin", headers: admin).bodyText.contains("add role ok!"))
        #expect(await fixture.call(.post, "/nacos/v1/auth/permissions", query: "role=ROLE_E&resource=dev:*:*&action=r", headers: admin).bodyText.contains("add permission ok!"))
        let permissions = await fixture.call(.get, "/nacos/v1/auth/permissions", query: "role=ROLE_E", headers: admin)
        #expect(permissions.bodyText.contains(#"{"role":"ROLE_E","resource":"dev:*:*","action":"r"}"#))
        #expect(await fixture.call(.get, "/nacos/v1/auth/roles", query: "username=erin", headers: admin).bodyText.contains(#"{"role":"ROLE_E","username":"erin"}"#))
        #expect(await fixture.call(.post, "/nacos/v1/auth/users/admin", query: "password=again-again").status.code == 409)
        #expect(await fixture.call(.delete, "/nacos/v1/auth/users", query: "username=nacos", headers: admin).bodyText == "cannot delete admin: nacos")
    }
}
