import Foundation
import NacosHTTP
import NacosNaming
import NacosRemote
import NacosServer
import NacosTransport

/// A standalone `NacosServerNode` for `nacos-bench auth`, with auth off or on, on its own event loop group:
/// the server's defaults but for the ports (free ones on 127.0.0.1), an in-memory store and the benchmark
/// registry settings (`NamingBenchmarkServer.configuration()`: no active health checks). With auth on it
/// has a secret key, the administrator `nacos` from an initial password, and hands out tokens by logging
/// in over the HTTP Open API (`POST /nacos/v1/auth/users/login`), as an SDK does.
final class AuthBenchmarkNode: Sendable {
    /// The user the `.user` caller logs in as, and its role.
    static let userName = "bench"
    /// The password of both benchmark users.
    static let password = "bench-password-1"
    /// The role granted `rw` on every resource of namespace `public`.
    static let roleName = "bench-role"

    /// The node.
    let node: NacosServerNode
    /// The event loops of this node only.
    let group: NacosEventLoopGroup
    /// Whether requests need a token.
    let authEnabled: Bool
    private let http: NacosHTTPClient

    private init(node: NacosServerNode, group: NacosEventLoopGroup, authEnabled: Bool, http: NacosHTTPClient) {
        self.node = node
        self.group = group
        self.authEnabled = authEnabled
        self.http = http
    }

    /// The node's configuration: auth as `authEnabled` says (a random 32-byte key, the fewest password
    /// iterations allowed, so that logins are quick), everything else the same either way.
    static func configuration(httpPort: Int, authEnabled: Bool) -> NacosServerConfiguration {
        var configuration = NacosServerConfiguration()
        configuration.httpPort = httpPort
        configuration.bindHost = "127.0.0.1"
        configuration.advertisedIP = "127.0.0.1"
        configuration.mode = .standalone
        configuration.store.kind = .memory
        configuration.naming = NamingBenchmarkServer.configuration()
        configuration.logLevel = .warning
        if authEnabled {
            configuration.auth.enabled = true
            configuration.auth.secretKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
            configuration.auth.passwordIterations = 10_000
            configuration.auth.initialAdminPassword = Self.password
        }
        return configuration
    }

    /// Starts a node with auth `authEnabled` on a new group of `threads` event loops and, with auth on and
    /// `caller` `.user`, creates user `bench` with role `bench-role` holding `rw` on `public:*:*`.
    ///
    /// - Throws: the node's start-up error or a failed management call, after whatever started is stopped.
    static func start(authEnabled: Bool, caller: AuthOptions.Caller, threads: Int, logger: NacosLogger) async throws -> AuthBenchmarkNode {
        let group = try NacosEventLoopGroup(numberOfThreads: threads, logger: logger)
        let node: NacosServerNode
        do {
            let port = try DistroPortPicker.httpPorts(count: 1)[0]
            node = try await NacosServerNode.start(
                configuration: Self.configuration(httpPort: port, authEnabled: authEnabled),
                logger: logger,
                group: group,
                clock: NacosSystemClock(group: group)
            )
        } catch {
            await group.shutdownGracefully()
            throw error
        }
        let http = NacosHTTPClient(transport: NacosTCPTransport(group: group, logger: logger), address: node.httpAddress, timeout: .seconds(10))
        let started = AuthBenchmarkNode(node: node, group: group, authEnabled: authEnabled, http: http)
        if authEnabled, caller == .user {
            do {
                try await started.createUser()
            } catch {
                await started.stop()
                throw error
            }
        }
        return started
    }

    /// Where SDK clients connect.
    var clientRpcAddress: NacosSocketAddress { self.node.clientRpcAddress }

    /// Naming clients the registry knows (one per `module=naming` connection).
    var namingClientCount: Int { self.node.registry.clients.connectionClients.clientCount }

    /// What the registry holds now.
    var size: RegistrySize { RegistrySize(of: self.node.registry) }

    /// A fresh token of the user `caller` names (`nacos` or `bench`), from the HTTP login.
    ///
    /// - Throws: `BenchmarkError` when the login is refused or its answer has no token.
    func login(_ caller: AuthOptions.Caller) async throws -> String {
        let username = caller == .admin ? "nacos" : Self.userName
        let response = try await self.post("/nacos/v1/auth/users/login", ["username": username, "password": Self.password])
        guard
            let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let token = object["accessToken"] as? String, !token.isEmpty
        else {
            throw BenchmarkError("login of '\(username)' answered without a token: \(response.bodyText)")
        }
        return token
    }

    /// Stops the node (briefly graceful) and its event loops.
    func stop() async {
        await self.http.close()
        await self.node.shutdown(gracePeriod: .milliseconds(500))
        await self.group.shutdownGracefully()
    }

    /// User `bench`, role `bench-role`, and the role's `rw` on `public:*:*`, through the administrator.
    private func createUser() async throws {
        let admin = try await self.login(.admin)
        _ = try await self.post("/nacos/v1/auth/users", ["username": Self.userName, "password": Self.password, "accessToken": admin])
        _ = try await self.post("/nacos/v1/auth/roles", ["role": Self.roleName, "username": Self.userName, "accessToken": admin])
        _ = try await self.post(
            "/nacos/v1/auth/permissions",
            ["role": Self.roleName, "resource": "public:*:*", "action": "rw", "accessToken": admin]
        )
    }

    /// `POST path?parameters`; anything but 200 is an error.
    private func post(_ path: String, _ parameters: [String: String]) async throws -> HTTPResponse {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let query = parameters.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.value)" }
            .joined(separator: "&")
        let response = try await self.http.send(HTTPRequest(method: .post, target: "\(path)?\(query)"))
        guard response.status == .ok else {
            throw BenchmarkError("POST \(path) answered \(response.status): \(response.bodyText)")
        }
        return response
    }
}
