import Foundation
import NacosClient
import NacosHTTP
import NacosNamingAPI
import NacosRemote
import NacosServer
import NacosTestKit
import NacosTransport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real `nacos-server` binary as a child process: start-up on free loopback ports, registrations over
/// HTTP and the Swift SDK seen by both, graceful exit on SIGTERM and SIGINT, the command line's exit codes.
@Suite("nacos-server process")
struct ServerProcessTests {
    /// Free loopback ports (HTTP port 0 makes the RPC ports pick free ports too), and a short grace period
    /// so that a shutdown that drains too slowly still ends well inside the exit bound.
    static let serverArguments = ["--server.port=0", "--server.address=127.0.0.1", "--nacos.server.shutdown.grace-period=5s"]
    /// How long a signalled server may take to exit.
    static let exitBound: Duration = .seconds(15)

    @Test func instancesRegisteredOverHTTPAndTheSDKAreSeenByBothAndSIGTERMExitsCleanly() async throws {
        try await withEventLoopGroup { group in
            try await withServerProcess(Self.serverArguments) { server in
                let ports = try await server.waitForStart()
                let transport = NacosTCPTransport(group: group, logger: .disabled())
                let http = NacosHTTPClient(transport: transport, address: .loopbackIPv4(port: ports.http))
                try await Self.waitForReadiness(http)
                let service = "process.orders.\(UInt32.random(in: 0...UInt32.max))"

                let registered = try await http.send(
                    Self.form(.post, "/nacos/v1/ns/instance", "serviceName=\(service)&ip=10.9.0.1&port=8080")
                )
                #expect(registered.status == .ok)
                #expect(registered.bodyText == "ok")

                var configuration = NamingClientConfiguration(
                    serverAddresses: [.loopbackIPv4(port: ports.clientRpc)],
                    appName: "process-test"
                )
                configuration.rpc.connectTimeout = .seconds(3)
                configuration.rpc.requestTimeout = .seconds(3)
                configuration.rpc.reconnectBackoffUnit = .milliseconds(20)
                let naming = try NamingService(
                    configuration: configuration,
                    transport: transport,
                    clock: NacosSystemClock(group: group),
                    logger: .disabled()
                )
                defer { naming.shutdown() }
                #expect(await naming.start())
                try await naming.registerInstance(serviceName: service, ip: "10.9.0.2", port: 8081)

                let both: Set = ["10.9.0.1:8080", "10.9.0.2:8081"]
                var seenBySDK: Set<String> = []
                try await pollUntil(timeout: .seconds(10), "the SDK to list both instances") {
                    let instances = try await naming.getAllInstances(serviceName: service, subscribe: false)
                    seenBySDK = Set(instances.map { "\($0.ip):\($0.port)" })
                    return instances.count == 2
                }
                #expect(seenBySDK == both)
                var seenOverHTTP: Set<String> = []
                try await pollUntil(timeout: .seconds(10), "HTTP /instance/list to list both instances") {
                    let listed = try await http.send(HTTPRequest(method: .get, target: "/nacos/v1/ns/instance/list?serviceName=\(service)"))
                    guard listed.status == .ok else { return false }
                    let hosts = try Self.hostAddresses(listed.body)
                    seenOverHTTP = Set(hosts)
                    return hosts.count == 2
                }
                #expect(seenOverHTTP == both)
                await http.close()

                let signalled = ContinuousClock.now
                server.send(signal: SIGTERM)
                let exit = try await server.waitForExit(timeout: Self.exitBound)
                let log = server.standardError
                #expect(exit == .exited(0), "\(log)")
                // The SDK's idle connection closes at once: shutdown does not sit out the 5 s grace period.
                #expect(ContinuousClock.now - signalled < .seconds(5), "\(log)")
                #expect(log.contains("received SIGTERM"))
                #expect(log.contains("nacos-server shutting down (grace period"))
                #expect(log.contains("nacos-server stopped"))
                // Shutting down closed the SDK's connection rather than leaving it to time out.
                try await waitUntil(timeout: .seconds(10), interval: .milliseconds(10), "the SDK to see the connection close") {
                    !naming.isConnected
                }
            }
        }
    }

    @Test func sigintShutsDownGracefullyAndASecondServerOnTheTakenPortFailsWithoutDisturbingIt() async throws {
        try await withEventLoopGroup { group in
            try await withServerProcess(Self.serverArguments) { server in
                let ports = try await server.waitForStart()
                let http = NacosHTTPClient(transport: NacosTCPTransport(group: group, logger: .disabled()), address: .loopbackIPv4(port: ports.http))
                try await Self.waitForReadiness(http)

                // Same HTTP port, free RPC ports: only the HTTP bind fails, and the node that did bind
                // its RPC ports releases them again.
                let collision = [
                    "--server.port=\(ports.http)", "--server.address=127.0.0.1",
                    "--nacos.remote.server.grpc.sdk.port=0", "--nacos.remote.server.grpc.cluster.port=0",
                ]
                try await withServerProcess(collision) { second in
                    let exit = try await second.waitForExit(timeout: .seconds(20))
                    #expect(exit == .exited(NacosServerLauncher.startFailureStatus), "\(second.standardError)")
                    #expect(second.standardError.contains("nacos-server could not start"))
                    #expect(!second.standardError.contains(ServerProcessPorts.startedMarker))
                }
                let stillReady = try await http.send(HTTPRequest(method: .get, target: "/nacos/v1/console/health/readiness"))
                #expect(stillReady.status == .ok)
                await http.close()

                server.send(signal: SIGINT)
                let exit = try await server.waitForExit(timeout: Self.exitBound)
                let log = server.standardError
                #expect(exit == .exited(0), "\(log)")
                #expect(log.contains("received SIGINT"))
                #expect(log.contains("nacos-server shutting down (grace period"))
                #expect(log.contains("nacos-server stopped"))
            }
        }
    }

    @Test func helpPrintsTheUsageAndExitsZero() async throws {
        try await withServerProcess(["--help"]) { process in
            let exit = try await process.waitForExit(timeout: .seconds(20))
            #expect(exit == .exited(0))
            let usage = process.standardOutput
            #expect(usage.hasPrefix("Usage: nacos-server"))
            #expect(usage.contains("--server.port=<int>"))
            #expect(usage.contains("--nacos.server.shutdown.grace-period="))
            // The whole text arrived: stdout was flushed before the exit.
            #expect(usage.contains("Every key is described in docs/configuration.md."))
            #expect(!process.standardError.contains(ServerProcessPorts.startedMarker))
        }
    }

    @Test(
        "a bad setting exits 64 and names the key, its source and the value",
        arguments: [
            (["--server.port=abc"], [:], ["invalid value \"abc\" for server.port (from flag --server.port)", "nacos-server --help"]),
            (["--server.port", "70000"], [:], ["invalid value \"70000\" for server.port (from flag --server.port)", "0...65535"]),
            (["--server.port=0", "--prot=1"], [:], ["unknown key prot (from flag --prot); did you mean --port?"]),
            ([], ["SERVER_PORT": "abc"], ["invalid value \"abc\" for server.port (from environment variable SERVER_PORT)"]),
            (["--nacos.core.auth.enabled=true"], [:], ["nacos.core.auth.plugin.nacos.token.secret.key is required when nacos.core.auth.enabled=true"]),
            (
                ["--nacos.core.auth.enabled=true", "--nacos.core.auth.plugin.nacos.token.secret.key=c2hvcnQ="], [:],
                ["nacos.core.auth.plugin.nacos.token.secret.key (from flag --nacos.core.auth.plugin.nacos.token.secret.key) decodes to 5 bytes; at least 32"]
            ),
            (["--nacos.core.auth.plugin.nacos.token.secret.key=%%%"], [:], ["nacos.core.auth.plugin.nacos.token.secret.key (from flag --nacos.core.auth.plugin.nacos.token.secret.key) is not base64"]),
            ([], ["NACOS_CORE_AUTH_ENABLE_USERAGENTAUTHWHITE": "true"], ["nacos.core.auth.enable.userAgentAuthWhite (from environment variable NACOS_CORE_AUTH_ENABLE_USERAGENTAUTHWHITE) is refused as insecure"]),
            (
                ["-m", "cluster", "--nacos.member.list=127.0.0.1:8848", "--nacos.core.auth.enabled=true",
                 "--nacos.core.auth.plugin.nacos.token.secret.key=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="], [:],
                ["nacos.core.auth.server.identity.key is required when nacos.core.auth.enabled=true in cluster mode"]
            ),
        ] as [([String], [String: String], [String])]
    )
    func badSettingExitsWithTheUsageStatus(arguments: [String], environment: [String: String], expectedTexts: [String]) async throws {
        try await withServerProcess(arguments, environment: environment) { process in
            let exit = try await process.waitForExit(timeout: .seconds(20))
            let log = process.standardError
            #expect(exit == .exited(NacosServerLauncher.configurationErrorStatus), "\(log)")
            #expect(exit == .exited(64))
            for text in expectedTexts {
                #expect(log.contains(text), "\(log)")
            }
            #expect(!log.contains(ServerProcessPorts.startedMarker))
            #expect(process.standardOutput.isEmpty)
        }
    }

    // MARK: - Helpers

    /// Polls the readiness probe until it answers 200.
    static func waitForReadiness(_ http: NacosHTTPClient) async throws {
        try await pollUntil(timeout: .seconds(10), "readiness 200") {
            let response = try await http.send(HTTPRequest(method: .get, target: "/nacos/v1/console/health/readiness"))
            return response.status == .ok
        }
    }

    /// A request with a form-encoded body (the values must need no escaping).
    static func form(_ method: HTTPMethod, _ target: String, _ body: String) -> HTTPRequest {
        HTTPRequest(
            method: method,
            target: target,
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Array(body.utf8)
        )
    }

    /// The `ip:port` of every host in a v1 `/instance/list` answer.
    static func hostAddresses(_ body: [UInt8]) throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: Data(body))
        guard let hosts = (object as? [String: Any])?["hosts"] as? [[String: Any]] else {
            throw ServerProcessFailure(what: "no hosts array in \(String(decoding: body, as: UTF8.self))", standardError: "")
        }
        return hosts.map { host in "\(host["ip"] as? String ?? "?"):\((host["port"] as? Int).map(String.init) ?? "?")" }
    }
}
