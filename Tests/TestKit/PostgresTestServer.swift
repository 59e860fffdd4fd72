import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A throwaway PostgreSQL for one test: `initdb` into a temporary directory, `postgres` on a free
/// loopback port as a child process (run as user `postgres` when the tests run as root, as initdb
/// refuses root), a role `nacos` with password `nacos` owning database `nacos`. The child is always
/// killed and reaped and the directory removed, also when the test fails.
package final class PostgresTestServer: Sendable {
    /// PostgreSQL is not installed: the test fails and says how to install it.
    package struct Missing: Error, CustomStringConvertible {
        package var description: String {
            "PostgreSQL's server programs are not installed (no /usr/lib/postgresql/*/bin/initdb): run `apt-get install -y postgresql` (.ci/run does it)"
        }
    }

    /// A step of starting it failed.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// The loopback port it listens on.
    package let port: Int
    private let binaries: String
    private let directory: String
    private let asPostgresUser: Bool
    private let process = Mutex<ChildProcess?>(nil)

    /// The URL of the `nacos` database.
    package var url: String { self.url(database: "nacos") }

    /// The URL of `database`.
    package func url(database: String) -> String { "postgresql://127.0.0.1:\(self.port)/\(database)" }

    /// Creates an empty database `name` owned by `nacos`.
    package func createDatabase(_ name: String) async throws {
        try await self.runOffThePool([
            self.binaries + "/psql", "-h", self.directory + "/sock", "-p", String(self.port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q",
            "-c", "CREATE DATABASE \(name) OWNER nacos",
        ])
    }

    private init(port: Int, binaries: String, directory: String, asPostgresUser: Bool) {
        self.port = port
        self.binaries = binaries
        self.directory = directory
        self.asPostgresUser = asPostgresUser
    }

    deinit {
        // The child kills and reaps itself when released.
        self.process.withLock { $0 = nil }
        try? FileManager.default.removeItem(atPath: self.directory)
    }

    /// Runs `body` with a started server (one heavy test slot held), stopping it afterwards whatever happens.
    package static func with<R>(_ body: (PostgresTestServer) async throws -> R) async throws -> R {
        try await TestSlots.heavy.withSlot { try await Self.withServer(body) }
    }

    private static func withServer<R>(_ body: (PostgresTestServer) async throws -> R) async throws -> R {
        let server = try await Self.start()
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Initialises a cluster in a fresh directory and starts it.
    package static func start() async throws -> PostgresTestServer {
        let binaries = try Self.binaries()
        let directory = "\(FileManager.default.temporaryDirectory.path)/nacos-pg-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory + "/sock", withIntermediateDirectories: true)
        let asPostgresUser = getuid() == 0
        let server = PostgresTestServer(port: try Self.freePort(), binaries: binaries, directory: directory, asPostgresUser: asPostgresUser)
        if asPostgresUser { try await server.runOffThePool(["/bin/chown", "-R", "postgres:postgres", directory], asPostgres: false) }
        try await server.runOffThePool([binaries + "/initdb", "-D", directory + "/data", "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"])
        try await server.launch()
        try await server.runOffThePool([
            binaries + "/psql", "-h", directory + "/sock", "-p", String(server.port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q",
            "-c", "CREATE ROLE nacos LOGIN PASSWORD 'nacos'", "-c", "CREATE DATABASE nacos OWNER nacos",
        ])
        return server
    }

    /// Stops it (a fast shutdown, then SIGKILL after a deadline) and reaps it.
    package func stop() async {
        guard let process = self.process.withLock({ current -> ChildProcess? in
            defer { current = nil }
            return current
        }) else { return }
        process.send(SIGINT)
        do {
            try await waitUntil(timeout: .seconds(20), interval: .milliseconds(20), "PostgreSQL to stop") { !process.isRunning }
        } catch {
            await process.killAndReap()
        }
    }

    /// Stops it and starts it again on the same port and data.
    package func restart() async throws {
        await self.stop()
        try await self.launch()
    }

    private func launch() async throws {
        let command = self.command([
            self.binaries + "/postgres", "-D", self.directory + "/data", "-p", String(self.port), "-k", self.directory + "/sock",
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=on", "-c", "max_connections=100", "-c", "shared_buffers=16MB",
        ], asPostgres: self.asPostgresUser)
        let process = try ChildProcess.spawn(
            command[0], Array(command.dropFirst()), directory: "/tmp", standardOutput: .file(self.logPath), standardError: .file(self.logPath)
        )
        self.process.withLock { $0 = process }
        do {
            // postmaster.pid's eighth line reads "ready" once the server accepts connections.
            try await waitUntil(timeout: .seconds(30), interval: .milliseconds(50), "PostgreSQL to accept connections") {
                guard process.isRunning else { return true }
                let pid = (try? String(contentsOfFile: self.directory + "/data/postmaster.pid", encoding: .utf8)) ?? ""
                let lines = pid.split(separator: "\n", omittingEmptySubsequences: false)
                return lines.count > 7 && lines[7].trimmingCharacters(in: .whitespaces) == "ready"
            }
        } catch {
            throw Failure(description: "PostgreSQL did not accept connections in 30 s: \(self.log.suffix(2000))")
        }
        guard process.isRunning else { throw Failure(description: "PostgreSQL exited at start: \(self.log.suffix(2000))") }
    }

    private var logPath: String { self.directory + "/postgres.log" }

    /// What the server logged.
    package var log: String { (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? "" }

    /// Runs `command` to its end (as `postgres` when the server runs as that user) on a thread of its
    /// own, so that waiting never holds one of the few threads of Swift's cooperative pool that every test
    /// shares; throws on failure.
    private func runOffThePool(_ command: [String], asPostgres: Bool? = nil) async throws {
        let command = self.command(command, asPostgres: asPostgres ?? self.asPostgresUser)
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Result<(exit: ChildProcess.Exit, output: String), any Error>, Never>) in
            let thread = Thread {
                continuation.resume(returning: Result { try ChildProcess.run(command[0], Array(command.dropFirst()), directory: "/tmp") })
            }
            thread.start()
        }
        let (exit, output) = try outcome.get()
        guard exit == .exited(0) else {
            throw Failure(description: "\(command.joined(separator: " ")) \(exit): \(output.suffix(2000))")
        }
    }

    private func command(_ command: [String], asPostgres: Bool) -> [String] {
        asPostgres ? ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] + command : command
    }

    /// The directory of `initdb` and `postgres`.
    private static func binaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        throw Missing()
    }

    /// A loopback port nothing listens on now.
    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0 else { throw Failure(description: "bind: \(errno)") }
        let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        guard named == 0 else { throw Failure(description: "getsockname: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
