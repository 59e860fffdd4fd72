import Foundation
import NacosClient
import NacosHTTP
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// Real SDKs logging in to a `nacos-server` process with auth on: nacos-sdk-python 2.0.11 (its v2 client,
/// Tests/Peers/nacos_sdk_auth.py) and the Swift SDK.
@Suite("Auth: SDKs log in to nacos-server")
struct AuthSDKProcessTests {
    static let secret = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

    /// The settings of a node with auth on, token key `secret`, a first administrator `nacos` with password
    /// `admin-password`, and a fast password hash for tests.
    static func authOn(secret: String = Self.secret) -> [String] {
        [
            "--nacos.core.auth.enabled=true",
            "--nacos.core.auth.plugin.nacos.token.secret.key=\(secret)",
            "--nacos.core.auth.plugin.nacos.admin.initial-password=admin-password",
            "--nacos.core.auth.plugin.nacos.password.iterations=10000",
        ]
    }

    /// Runs `body` with a standalone server with auth on (tokens live 15 s), an administrator, user `app`
    /// with `rw` on `public:*:*` and user `devuser` with `rw` on `dev:*:*` (namespace `dev` exists).
    private func withAuthServer(_ body: (Int, NacosHTTPClient, String) async throws -> Void) async throws {
        try await TestSlots.pythonPeers.withSlot {
            try await withEventLoopGroup { group in
                try await withStandaloneServerProcess(["--nacos.naming.store=memory"] + Self.authOn() + [
                    "--nacos.core.auth.plugin.nacos.token.expire.seconds=15",
                ], group: group) { port, http in
                    let admin = try await Self.login(http, "nacos", "admin-password")
                    try await Self.post(Self.appUser + [
                        ("/nacos/v1/auth/users", "username=devuser&password=dev-password"),
                        ("/nacos/v1/auth/roles", "role=ROLE_DEV&username=devuser"),
                        ("/nacos/v1/auth/permissions", "role=ROLE_DEV&resource=dev:*:*&action=rw"),
                        ("/nacos/v1/console/namespaces", "customNamespaceId=dev&namespaceName=dev"),
                    ], http, admin)
                    try await body(port, http, admin)
                }
            }
        }
    }

    /// The access token of `username`.
    /// User `app` with password `app-password`, holding `rw` on `public:*:*`: the posts that make it.
    static let appUser = [
        ("/nacos/v1/auth/users", "username=app&password=app-password"),
        ("/nacos/v1/auth/roles", "role=ROLE_APP&username=app"),
        ("/nacos/v1/auth/permissions", "role=ROLE_APP&resource=public:*:*&action=rw"),
    ]

    /// Sends each `(path, form body)` of `posts` as the administrator whose token is `admin`; each must succeed.
    static func post(_ posts: [(String, String)], _ http: NacosHTTPClient, _ admin: String) async throws {
        for (path, body) in posts {
            let response = try await http.send(ServerProcessTests.form(.post, path, "\(body)&accessToken=\(admin)"))
            #expect(response.status == .ok, "\(path): \(response.bodyText)")
        }
    }

    static func login(_ http: NacosHTTPClient, _ username: String, _ password: String) async throws -> String {
        let response = try await http.send(ServerProcessTests.form(.post, "/nacos/v1/auth/users/login", "username=\(username)&password=\(password)"))
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return try #require(object?["accessToken"] as? String, "login of \(username): \(response.bodyText)")
    }

    /// The value of counter `name` with `label` in the server's Prometheus text.
    static func counter(_ http: NacosHTTPClient, _ line: String) async throws -> Int {
        let text = try await http.send(HTTPRequest(method: .get, target: "/nacos/actuator/prometheus")).bodyText
        let found = text.split(separator: "\n").first { $0.hasPrefix(line + " ") }
        return Int(found?.split(separator: " ").last ?? "") ?? -1
    }

    private func scenario(_ arguments: [String]) async throws -> PythonPeer.Outcome {
        let outcome = try await PythonPeer.run("nacos_sdk_auth.py", arguments, timeout: .seconds(150))
        let checks = outcome.jsonLines.filter { $0["check"] != nil }
        #expect(!checks.isEmpty, "the scenario reported no check: \(outcome)")
        for check in checks where check["ok"] as? Bool != true {
            Issue.record("check \(check["check"] ?? "?") failed: \(check)")
        }
        #expect(outcome.succeeded, "\(outcome)")
        return outcome
    }

    @Test func thePythonSDKLogsInIsPushedAndRenewsItsTokenMidRun() async throws {
        try await self.withAuthServer { port, http, admin in
            let before = try await Self.counter(http, #"nacos_auth_login_total{result="success"}"#)
            // 25 s of queries: tokens live 15 s, so the run outlives the first ones.
            _ = try await self.scenario(["--server", "127.0.0.1:\(port)", "--username", "app", "--password", "app-password", "--seconds", "25", "session"])
            let after = try await Self.counter(http, #"nacos_auth_login_total{result="success"}"#)
            #expect(after - before >= 4, "two SDK clients logged in \(after - before) times; renewals expected")
            // The first administrator token has expired by now (15 s); a fresh one reads the service.
            let expired = try await http.send(HTTPRequest(method: .get, target: "/nacos/v1/ns/instance/list?serviceName=auth-session&accessToken=\(admin)"))
            #expect(expired.status.code == 403 && expired.bodyText == "token expired!")
            let fresh = try await Self.login(http, "nacos", "admin-password")
            let listed = try await http.send(HTTPRequest(method: .get, target: "/nacos/v1/ns/instance/list?serviceName=auth-session&accessToken=\(fresh)"))
            #expect(listed.status == .ok)
            let refused = try await http.send(HTTPRequest(method: .get, target: "/nacos/v1/ns/instance/list?serviceName=auth-session"))
            #expect(refused.status.code == 403 && refused.bodyText == "user not found!")
        }
    }

    @Test func thePythonSDKWithAWrongPasswordOrOutsideItsNamespaceFailsClearly() async throws {
        try await self.withAuthServer { port, http, _ in
            let outcome = try await self.scenario(["--server", "127.0.0.1:\(port)", "--username", "app", "--password", "wrong-password", "refused"])
            let errors = outcome.jsonLines.compactMap { $0["error"] as? String }
            #expect(errors.contains { $0.contains("get access token failed") }, "\(errors)")
            #expect(try await Self.counter(http, #"nacos_auth_login_total{result="failure"}"#) >= 1)
            // devuser may write in dev but not in public.
            let outside = try await self.scenario(["--server", "127.0.0.1:\(port)", "--username", "devuser", "--password", "dev-password", "refused"])
            let denied = outside.jsonLines.compactMap { $0["error"] as? String }
            #expect(denied.contains { $0.contains("authorization failed!") }, "\(denied)")
            #expect(try await Self.counter(http, #"nacos_auth_refused_total{reason="forbidden"}"#) >= 1)
        }
    }

    @Test func theSwiftSDKLogsInAndAWrongPasswordIsAClearError() async throws {
        try await self.withAuthServer { port, http, _ in
            try await withEventLoopGroup { group in
                var configuration = NamingClientConfiguration(serverAddresses: [.loopbackIPv4(port: port + 1000)])
                configuration.username = "app"
                configuration.password = "app-password"
                let naming = try NamingService(configuration: configuration, transport: NacosTCPTransport(group: group, logger: .disabled()), logger: .disabled())
                do {
                    #expect(try await naming.startOrThrow())
                    try await naming.registerInstance(serviceName: "swift-auth", ip: "127.0.0.1", port: 7201)
                    let instances = try await naming.getAllInstances(serviceName: "swift-auth", subscribe: false)
                    #expect(instances.map(\.port) == [7201])
                } catch {
                    naming.shutdown()
                    throw error
                }
                naming.shutdown()

                var wrong = configuration
                wrong.password = "wrong-password"
                let refused = try NamingService(configuration: wrong, transport: NacosTCPTransport(group: group, logger: .disabled()), logger: .disabled())
                do {
                    _ = try await refused.startOrThrow()
                    Issue.record("a wrong password started the service")
                } catch {
                    #expect("\(error)".contains("403") || "\(error)".lowercased().contains("refused"), "\(error)")
                }
                refused.shutdown()
                #expect(try await Self.counter(http, #"nacos_auth_login_total{result="failure"}"#) >= 1)
            }
        }
    }

    /// The node's arguments for auth on with token key `secret`, on `port`, keeping its state in `home`.
    private static func authArguments(port: Int, home: String, secret: String) -> [String] {
        ["--server.port=\(port)", "--server.address=127.0.0.1", "--nacos.server.shutdown.grace-period=1s", "--nacos.home=\(home)"]
            + Self.authOn(secret: secret)
    }

    @Test func theSwiftSDKLogsInAgainWhenTheServerRefusesItsToken() async throws {
        // A key rotation: the node restarts with another token key, so the token the SDK holds is refused
        // ("token invalid!"); the SDK logs in again and its registration and queries go on.
        let rotated = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA="
        let home = "\(FileManager.default.temporaryDirectory.path)/nacos-auth-rotation-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let port = try #require(LoopbackPortProbe.clusterBases(count: 1)?.first, "no free loopback port set")
        try await TestSlots.pythonPeers.withSlot {
            try await withEventLoopGroup { group in
                let transport = NacosTCPTransport(group: group, logger: .disabled())
                var configuration = NamingClientConfiguration(serverAddresses: [.loopbackIPv4(port: port + 1000)])
                configuration.username = "app"
                configuration.password = "app-password"
                let naming = try NamingService(configuration: configuration, transport: transport, logger: .disabled())
                defer { naming.shutdown() }

                try await withServerProcess(Self.authArguments(port: port, home: home, secret: Self.secret)) { first in
                    _ = try await first.waitForStart()
                    let http = NacosHTTPClient(transport: transport, address: .loopbackIPv4(port: port))
                    try await ServerProcessTests.waitForReadiness(http)
                    let admin = try await Self.login(http, "nacos", "admin-password")
                    try await Self.post(Self.appUser, http, admin)
                    #expect(try await naming.startOrThrow())
                    try await naming.registerInstance(serviceName: "rotation", ip: "127.0.0.1", port: 7301)
                    await http.close()
                    await first.forceStop()
                }

                try await withServerProcess(Self.authArguments(port: port, home: home, secret: rotated)) { second in
                    _ = try await second.waitForStart()
                    let http = NacosHTTPClient(transport: transport, address: .loopbackIPv4(port: port))
                    try await ServerProcessTests.waitForReadiness(http)
                    // The SDK reconnects and re-registers; the first try is refused and it logs in again.
                    try await pollUntil(timeout: .seconds(30), interval: .milliseconds(100), "the SDK to query the restarted node") {
                        try await naming.getAllInstances(serviceName: "rotation", subscribe: false).map(\.port) == [7301]
                    }
                    #expect(try await Self.counter(http, #"nacos_auth_login_total{result="success"}"#) >= 1)
                    #expect(try await Self.counter(http, #"nacos_auth_refused_total{reason="token_invalid"}"#) >= 1)
                    let admin = try await Self.login(http, "nacos", "admin-password")
                    let listed = try await http.send(HTTPRequest(method: .get, target: "/nacos/v1/ns/instance/list?serviceName=rotation&accessToken=\(admin)"))
                    #expect(listed.bodyText.contains("\"port\":7301"), "\(listed.bodyText)")
                    await http.close()
                }
            }
        }
    }
}
