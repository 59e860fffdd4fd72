import Foundation
import NacosHTTP
import NacosServer
import NacosTestKit
import NacosTransport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `nacos-server` with its default store (SQLite under `nacos.home`): what Nacos keeps durably survives a
/// restart and a `kill -9`, and no acknowledged write is lost.
@Suite("nacos-server durable state", .serialized)
struct DurableStateProcessTests {
    /// A fresh home directory, removed afterwards.
    private static func withHome<R>(_ body: (String) async throws -> R) async throws -> R {
        let home = "\(FileManager.default.temporaryDirectory.path)/nacos-durable-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        return try await body(home)
    }

    private static func arguments(home: String) -> [String] {
        ServerProcessTests.serverArguments + ["--nacos.home=\(home)"]
    }

    private static func json(_ response: HTTPResponse) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(response.body))
    }

    private static func send(_ http: NacosHTTPClient, _ method: HTTPMethod, _ target: String, _ body: String = "") async throws -> HTTPResponse {
        if body.isEmpty { return try await http.send(HTTPRequest(method: method, target: target)) }
        return try await http.send(ServerProcessTests.form(method, target, body))
    }

    /// Starts the server on `home`, waits until it is ready, and runs `body` with an HTTP client to it.
    private static func withServer<R>(
        home: String,
        group: NacosEventLoopGroup,
        _ body: (ServerProcess, NacosHTTPClient) async throws -> R
    ) async throws -> R {
        try await withServerProcess(Self.arguments(home: home)) { server in
            let ports = try await server.waitForStart()
            let http = NacosHTTPClient(transport: NacosTCPTransport(group: group, logger: .disabled()), address: .loopbackIPv4(port: ports.http))
            try await ServerProcessTests.waitForReadiness(http)
            do {
                let result = try await body(server, http)
                await http.close()
                return result
            } catch {
                await http.close()
                throw error
            }
        }
    }

    @Test("a restart keeps namespaces, services, persistent instances with their overlays and health, cluster settings and switches")
    func aRestartKeepsTheDurableState() async throws {
        try await withEventLoopGroup { group in
            try await Self.withHome { home in
                try await Self.withServer(home: home, group: group) { server, http in
                    let created = try await Self.send(http, .post, "/nacos/v1/console/namespaces", "customNamespaceId=dev&namespaceName=Development&namespaceDesc=team")
                    #expect(created.status == .ok, "\(created.bodyText)")
                    let unknown = try await Self.send(http, .post, "/nacos/v1/ns/instance", "namespaceId=nope&serviceName=s&ip=10.0.0.1&port=1&ephemeral=false")
                    #expect(unknown.status == .badRequest, "\(unknown.bodyText)")
                    #expect(unknown.bodyText.contains("namespace nope does not exist"))
                    let service = try await Self.send(
                        http, .post, "/nacos/v1/ns/service",
                        "namespaceId=dev&serviceName=orders&protectThreshold=0.25&metadata=owner%3Dpay"
                    )
                    #expect(service.status == .ok, "\(service.bodyText)")
                    for port in [8080, 8081] {
                        let registered = try await Self.send(
                            http, .post, "/nacos/v1/ns/instance",
                            "namespaceId=dev&serviceName=orders&ip=127.0.0.1&port=\(port)&ephemeral=false&weight=2&metadata=zone%3Da"
                        )
                        #expect(registered.status == .ok, "\(registered.bodyText)")
                    }
                    let cluster = try await Self.send(
                        http, .put, "/nacos/v1/ns/cluster",
                        "namespaceId=dev&serviceName=orders&clusterName=DEFAULT&checkPort=80&useInstancePort4Check=true&healthChecker=%7B%22type%22%3A%22NONE%22%7D"
                    )
                    #expect(cluster.status == .ok, "\(cluster.bodyText)")
                    let health = try await Self.send(http, .put, "/nacos/v1/ns/health", "namespaceId=dev&serviceName=orders&ip=127.0.0.1&port=8081&healthy=false")
                    #expect(health.status == .ok, "\(health.bodyText)")
                    let overlay = try await Self.send(
                        http, .put, "/nacos/v1/ns/instance",
                        "namespaceId=dev&serviceName=orders&ip=127.0.0.1&port=8080&ephemeral=false&weight=7&metadata=zone%3Db"
                    )
                    #expect(overlay.status == .ok, "\(overlay.bodyText)")
                    let switched = try await Self.send(http, .put, "/nacos/v1/ns/operator/switches", "entry=clientBeatInterval&value=7000")
                    #expect(switched.status == .ok, "\(switched.bodyText)")
                    // SIGKILL: nothing is flushed on the way out; every acknowledged write must be on disk.
                    server.send(signal: SIGKILL)
                    _ = try await server.waitForExit(timeout: .seconds(15))
                }
                try await Self.withServer(home: home, group: group) { _, http in
                    let namespaces = try Self.json(try await Self.send(http, .get, "/nacos/v1/console/namespaces")) as? [String: Any]
                    let ids = (namespaces?["data"] as? [[String: Any]])?.compactMap { $0["namespace"] as? String }
                    #expect(ids == ["public", "dev"])
                    let listed = try Self.json(try await Self.send(http, .get, "/nacos/v1/ns/instance/list?namespaceId=dev&serviceName=orders")) as? [String: Any]
                    let hosts = (listed?["hosts"] as? [[String: Any]]) ?? []
                    let byPort = Dictionary(uniqueKeysWithValues: hosts.compactMap { host in (host["port"] as? Int).map { ($0, host) } })
                    #expect(byPort.keys.sorted() == [8080, 8081], "\(hosts)")
                    #expect(byPort[8080]?["weight"] as? Double == 7)
                    #expect((byPort[8080]?["metadata"] as? [String: String])?["zone"] == "b")
                    #expect(byPort[8081]?["weight"] as? Double == 2)
                    #expect(byPort[8081]?["healthy"] as? Bool == false)
                    let detail = try Self.json(try await Self.send(http, .get, "/nacos/v1/ns/service?namespaceId=dev&serviceName=orders")) as? [String: Any]
                    #expect(detail?["protectThreshold"] as? Double == 0.25)
                    #expect((detail?["metadata"] as? [String: String])?["owner"] == "pay")
                    let clusters = (detail?["clusters"] as? [[String: Any]]) ?? []
                    #expect((clusters.first?["healthChecker"] as? [String: Any])?["type"] as? String == "NONE", "\(clusters)")
                    let switches = try Self.json(try await Self.send(http, .get, "/nacos/v1/ns/operator/switches")) as? [String: Any]
                    #expect(switches?["clientBeatInterval"] as? Int == 7000)
                }
            }
        }
    }

    @Test("a store that cannot open stops the start with a message naming the key to fix")
    func aStoreThatCannotOpenIsAClearStartError() async throws {
        try await withEventLoopGroup { group in
            try await Self.withHome { home in
                let cases: [(arguments: [String], expected: [String])] = [
                    (["--nacos.naming.store.sqlite.path=\(home)"], ["nacos.naming.store.sqlite.path", home]),
                    (["--nacos.naming.store=postgresql"], ["db.url.0"]),
                    (["--nacos.naming.store=postgresql", "--db.url.0=mysql://127.0.0.1:1/nacos"], ["db.url.0", "postgresql://"]),
                ]
                for (arguments, expected) in cases {
                    try await withServerProcess(ServerProcessTests.serverArguments + arguments) { server in
                        let exit = try await server.waitForExit(timeout: .seconds(20))
                        #expect(exit == .exited(NacosServerLauncher.startFailureStatus), "\(arguments): \(server.standardError)")
                        for text in expected {
                            #expect(server.standardError.contains(text), "\(arguments): \(server.standardError.suffix(2000))")
                        }
                    }
                }
                // A second server on the same home is refused while the first holds the file.
                try await Self.withServer(home: home, group: group) { _, _ in
                    try await withServerProcess(Self.arguments(home: home)) { second in
                        let exit = try await second.waitForExit(timeout: .seconds(20))
                        #expect(exit == .exited(NacosServerLauncher.startFailureStatus), "\(second.standardError)")
                        #expect(second.standardError.contains("nacos.home"), "\(second.standardError.suffix(2000))")
                        #expect(second.standardError.contains("locked"), "\(second.standardError.suffix(2000))")
                    }
                }
            }
        }
    }

    @Test("kill -9 during 2,000 persistent registrations: every acknowledged one is there after the restart, each whole")
    func killNineLosesNoAcknowledgedWrite() async throws {
        try await TestSlots.heavy.withSlot { try await self.killNineRounds() }
    }

    private func killNineRounds() async throws {
        try await withEventLoopGroup { group in
            for round in 0..<3 {
                try await Self.withHome { home in
                    let total = 2_000
                    let killAfter = Int.random(in: 50...1_500)
                    let acknowledged = AcknowledgedPorts()
                    try await Self.withServer(home: home, group: group) { server, http in
                        let namespace = try await Self.send(http, .post, "/nacos/v1/console/namespaces", "customNamespaceId=crash&namespaceName=crash")
                        #expect(namespace.status == .ok)
                        let killed = KillSwitch()
                        await withTaskGroup(of: Void.self) { writers in
                            for writer in 0..<8 {
                                writers.addTask {
                                    var port = 10_000 + writer
                                    while port < 10_000 + total, !killed.fired.load(ordering: .relaxed) {
                                        if port % 50 == writer {
                                            // Namespaces are written in the same window.
                                            let body = "customNamespaceId=crash-\(port)&namespaceName=crash-\(port)"
                                            if let response = try? await Self.send(http, .post, "/nacos/v1/console/namespaces", body), response.status == .ok {
                                                acknowledged.addNamespace("crash-\(port)")
                                            }
                                        }
                                        let body = "namespaceId=crash&serviceName=crash.svc&ip=127.0.0.2&port=\(port)&ephemeral=false&metadata=port%3D\(port)"
                                        if let response = try? await Self.send(http, .post, "/nacos/v1/ns/instance", body), response.status == .ok {
                                            if acknowledged.add(port) >= killAfter, !killed.fired.exchange(true, ordering: .relaxed) {
                                                server.send(signal: SIGKILL)
                                            }
                                        }
                                        port += 8
                                    }
                                }
                            }
                        }
                        _ = try await server.waitForExit(timeout: .seconds(15))
                    }
                    let sent = acknowledged.ports
                    try await Self.withServer(home: home, group: group) { _, http in
                        let listed = try Self.json(try await Self.send(http, .get, "/nacos/v1/ns/instance/list?namespaceId=crash&serviceName=crash.svc")) as? [String: Any]
                        let hosts = (listed?["hosts"] as? [[String: Any]]) ?? []
                        var stored = Set<Int>()
                        for host in hosts {
                            guard let port = host["port"] as? Int else { continue }
                            stored.insert(port)
                            // Whole: the metadata written with the instance is there with it.
                            #expect((host["metadata"] as? [String: String])?["port"] == String(port), "round \(round): \(host)")
                        }
                        let namespaces = try Self.json(try await Self.send(http, .get, "/nacos/v1/console/namespaces")) as? [String: Any]
                        let storedNamespaces = Set(((namespaces?["data"] as? [[String: Any]]) ?? []).compactMap { $0["namespace"] as? String })
                        let lostNamespaces = acknowledged.namespaces.subtracting(storedNamespaces)
                        #expect(lostNamespaces.isEmpty, "round \(round): acknowledged namespaces lost: \(lostNamespaces.sorted())")
                        let missing = sent.subtracting(stored)
                        #expect(missing.isEmpty, "round \(round): \(missing.count) acknowledged registrations lost after kill -9 at \(killAfter): \(missing.sorted().prefix(10))")
                        #expect(stored.count >= killAfter, "round \(round)")
                    }
                }
            }
        }
    }
}

import Synchronization

/// The ports and namespaces whose writes were acknowledged, shared by the writers.
private final class AcknowledgedPorts: Sendable {
    private let state = Mutex<(ports: Set<Int>, namespaces: Set<String>)>(([], []))

    /// Adds `port`; returns how many there are.
    func add(_ port: Int) -> Int { self.state.withLock { $0.ports.insert(port); return $0.ports.count } }

    /// Adds an acknowledged namespace.
    func addNamespace(_ id: String) { self.state.withLock { _ = $0.namespaces.insert(id) } }

    var ports: Set<Int> { self.state.withLock { $0.ports } }

    var namespaces: Set<String> { self.state.withLock { $0.namespaces } }
}

/// Set once, by the writer whose acknowledgement reaches the kill point.
private final class KillSwitch: Sendable {
    let fired = Atomic<Bool>(false)
}
