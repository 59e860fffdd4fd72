import Foundation
import NacosClient
import NacosHTTP
import NacosTestKit
import NacosTransport
import Testing

/// The web console in headless Chromium (Debian's chromium and chromium-driver, driven by selenium from
/// Tests/Peers/console_browser.py) against real `nacos-server` processes, with nacos-sdk-python as the
/// applications. Screenshots of every page land in `.build/console-screenshots`; with
/// `NACOS_UPDATE_CONSOLE_SCREENSHOTS=1` they are also copied over docs/images/console.
@Suite("Console in headless Chromium", .serialized)
struct ConsoleBrowserProcessTests {
    static let screenshots = PythonPeer.repositoryRoot() + "/.build/console-screenshots"
    static let documented = PythonPeer.repositoryRoot() + "/docs/images/console"

    /// Runs one browser scenario against the server at `port` and expects every check to pass.
    @discardableResult
    static func scenario(_ name: String, port: Int, _ extra: [String] = [], timeout: Duration = .seconds(170)) async throws -> PythonPeer.Outcome {
        // Chromium is heavy: one browser at a time, and not beside the other heavy tests.
        try await TestSlots.heavy.withSlot {
            let outcome = try await PythonPeer.run(
                "console_browser.py",
                ["--server", "127.0.0.1:\(port)", "--screenshots", Self.screenshots, "--timeout", "140"] + extra + [name],
                timeout: timeout
            )
            let checks = outcome.jsonLines.filter { $0["check"] != nil }
            #expect(!checks.isEmpty, "the \(name) scenario reported no check: \(outcome)")
            for check in checks where check["ok"] as? Bool != true {
                Issue.record("\(name): check \(check["check"] ?? "?") failed: \(check)")
            }
            #expect(outcome.succeeded, "\(outcome)")
            Self.publishScreenshots()
            return outcome
        }
    }

    /// Copies the screenshots over the documented ones when `NACOS_UPDATE_CONSOLE_SCREENSHOTS=1`.
    static func publishScreenshots() {
        guard ProcessInfo.processInfo.environment["NACOS_UPDATE_CONSOLE_SCREENSHOTS"] == "1" else { return }
        let files = FileManager.default
        try? files.createDirectory(atPath: Self.documented, withIntermediateDirectories: true)
        for name in (try? files.contentsOfDirectory(atPath: Self.screenshots)) ?? [] where name.hasSuffix(".png") && !name.hasPrefix("failure-") {
            let target = Self.documented + "/" + name
            try? files.removeItem(atPath: target)
            try? files.copyItem(atPath: Self.screenshots + "/" + name, toPath: target)
        }
    }

    @Test func everyPageLoadsCleanlyAndFollowsTheRegistry() async throws {
        try await TestSlots.pythonPeers.withSlot {
            try await withEventLoopGroup { group in
                try await withStandaloneServerProcess(["--nacos.naming.store=memory"], group: group) { port, _ in
                    try await Self.scenario("pages", port: port)
                    let live = try await Self.scenario("live", port: port)
                    if let delay = live.jsonLines.first(where: { $0["measure"] as? String == "live.service-appears" }) {
                        print("console: a registered service appeared in the open list after \(delay["seconds"] ?? "?") s")
                    }
                    try await Self.scenario("edit", port: port)
                    try await Self.scenario("xss", port: port)
                    try await Self.scenario("namespaces", port: port)
                }
            }
        }
    }

    @Test func withAuthOnTheConsoleAsksForALogin() async throws {
        try await TestSlots.pythonPeers.withSlot {
            try await withEventLoopGroup { group in
                try await withStandaloneServerProcess(["--nacos.naming.store=memory"] + AuthSDKProcessTests.authOn(), group: group) { port, _ in
                    let credentials = ["--username", "nacos", "--password", "admin-password"]
                    try await Self.scenario("login", port: port, credentials)
                    try await Self.scenario("pages", port: port, credentials)
                    try await Self.scenario("admin", port: port, credentials)
                }
            }
        }
    }

    /// How many services the load-time measurement registers (issue: 10,000 in at most 1 s, recorded in
    /// docs/benchmarks.md, not asserted).
    static let bigServiceCount = 10_000

    @Test func theServicesPageOfTenThousandServicesLoadsAndIsMeasured() async throws {
        try await TestSlots.pythonPeers.withSlot {
            try await withEventLoopGroup { group in
                try await withStandaloneServerProcess(["--nacos.naming.store=memory"], group: group) { port, _ in
                    let naming = try NamingService(
                        configuration: NamingClientConfiguration(serverAddresses: [.loopbackIPv4(port: port + 1000)]),
                        transport: NacosTCPTransport(group: group, logger: .disabled()),
                        logger: .disabled()
                    )
                    defer { naming.shutdown() }
                    #expect(try await naming.startOrThrow())
                    let lanes = 4
                    try await withThrowingTaskGroup(of: Void.self) { tasks in
                        for lane in 0..<lanes {
                            tasks.addTask {
                                for index in stride(from: lane, to: Self.bigServiceCount, by: lanes) {
                                    try await naming.registerInstance(serviceName: "big-\(index)", ip: "127.0.0.1", port: 20_000 + index)
                                }
                            }
                        }
                        try await tasks.waitForAll()
                    }
                    let outcome = try await Self.scenario("big", port: port, ["--services", "\(Self.bigServiceCount)"])
                    if let measured = outcome.jsonLines.first(where: { $0["measure"] as? String == "big.services-page-load" }) {
                        print("console: the services page of \(Self.bigServiceCount) services loaded in \(measured["seconds"] ?? "?") s")
                    }
                }
            }
        }
    }

    @Test func theClusterPageShowsThreeMembersUpThenAKilledOneDown() async throws {
        try await TestSlots.pythonPeers.withSlot {
            try await withEventLoopGroup { group in
                try await withClusterProcesses(count: 3, arguments: ClusterProcessTests.timers, group: group) { cluster in
                    let victim = cluster.nodes[2]
                    try await Self.scenario("cluster", port: cluster.nodes[0].port, [
                        "--members", cluster.nodes.map(\.memberAddress).joined(separator: ","),
                        "--kill-pid", "\(victim.process.pid)", "--kill-member", victim.memberAddress,
                    ])
                    #expect(!victim.process.isRunning)
                }
            }
        }
    }
}
