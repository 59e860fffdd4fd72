import Foundation

/// A throwaway PostgreSQL server run as this benchmark's child: `initdb` into a temporary directory (as
/// user `postgres` when this process is root, which PostgreSQL refuses to run as), then
/// `postgres -D … -p <free port> -k <dir> -c listen_addresses=127.0.0.1` with fsync and synchronous
/// commit on (the defaults, spelled out), stopped with a fast shutdown and reaped.
final class PostgresServer: Sendable {
    /// How to get it, printed when it is missing.
    static let installHint = "PostgreSQL is not installed (no initdb/postgres): install Debian's server with `apt-get install -y postgresql`"

    /// The port on 127.0.0.1.
    let port: Int
    /// The server's version line (`postgres (PostgreSQL) 15.18 …`).
    let version: String
    private let process: ServerChildProcess
    private let directory: BenchmarkDirectory

    private init(port: Int, version: String, process: ServerChildProcess, directory: BenchmarkDirectory) {
        self.port = port
        self.version = version
        self.process = process
        self.directory = directory
    }

    /// `postgresql://127.0.0.1:<port>/postgres` (user `postgres`, trust authentication on this throwaway cluster).
    var url: String { "postgresql://127.0.0.1:\(self.port)/postgres" }

    /// The postmaster's process id.
    var processIdentifier: Int32 { self.process.processIdentifier }

    /// The directory holding `initdb` and `postgres`: the newest `/usr/lib/postgresql/<major>/bin`, else `PATH`.
    static func binaries() -> String? {
        let root = "/usr/lib/postgresql"
        let majors = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap { Int($0) }.sorted(by: >)
        for major in majors {
            let bin = "\(root)/\(major)/bin"
            if FileManager.default.isExecutableFile(atPath: "\(bin)/initdb"), FileManager.default.isExecutableFile(atPath: "\(bin)/postgres") {
                return bin
            }
        }
        guard let initdb = BoundedCommand.locate("initdb"), BoundedCommand.locate("postgres") != nil else { return nil }
        return (initdb as NSString).deletingLastPathComponent
    }

    /// Initialises a cluster in a new temporary directory, starts the server (with `settings`, each
    /// `name=value` passed as `-c`, after the defaults) and waits until it accepts connections.
    ///
    /// - Throws: `BenchmarkError` (with the end of the log) when initdb fails or the server does not come
    ///   up within 60 s.
    static func start(binaries bin: String, settings: [String] = []) async throws -> PostgresServer {
        let directory = try BenchmarkDirectory("postgres")
        do {
            let data = directory.file("data")
            let asRoot = getuid() == 0
            if asRoot {
                guard let user = getpwnam("postgres") else {
                    throw BenchmarkError("running as root, PostgreSQL needs the user 'postgres' (Debian's postgresql package creates it)")
                }
                guard chown(directory.path, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
                    throw BenchmarkError("cannot hand \(directory.path) to user postgres: errno \(errno)")
                }
            }
            // initdb's own files need no fsync (a throwaway cluster); the server's fsync stays on.
            let initdbArguments = ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"]
            let initdb = asRoot
                ? try await BoundedCommand.run("/usr/sbin/runuser", ["-u", "postgres", "--", "\(bin)/initdb"] + initdbArguments, in: directory.path)
                : try await BoundedCommand.run("\(bin)/initdb", initdbArguments, in: directory.path)
            guard initdb.status == 0 else { throw BenchmarkError("initdb failed with status \(initdb.status):\n\(initdb.output)") }
            let version = (try? await BoundedCommand.run("\(bin)/postgres", ["--version"], timeout: .seconds(10)))?.output ?? "postgres (version unknown)"
            let port = try LoopbackPort.free()
            let serverArguments = [
                "-D", data, "-p", "\(port)", "-k", directory.path, "-c", "listen_addresses=127.0.0.1",
                "-c", "fsync=on", "-c", "synchronous_commit=on", "-c", "full_page_writes=on",
            ] + settings.flatMap { ["-c", $0] }
            // setpriv changes user and execs (runuser would stay in between as the parent), so the child
            // this process reaps is the postmaster itself and a signal reaches it directly.
            let process = asRoot
                ? try ServerChildProcess(
                    name: "PostgreSQL",
                    executable: "/usr/bin/setpriv",
                    arguments: ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", "\(bin)/postgres"] + serverArguments,
                    directory: directory.path,
                    logPath: directory.file("postgres.log"),
                    emergencySignal: SIGQUIT
                )
                : try ServerChildProcess(
                    name: "PostgreSQL",
                    executable: "\(bin)/postgres",
                    arguments: serverArguments,
                    directory: directory.path,
                    logPath: directory.file("postgres.log"),
                    emergencySignal: SIGQUIT
                )
            do {
                try await Self.waitUntilReady(bin: bin, port: port, process: process)
            } catch {
                await process.stop(signal: SIGQUIT)
                throw BenchmarkError("\(error)\n\(process.logTail())")
            }
            return PostgresServer(port: port, version: version, process: process, directory: directory)
        } catch {
            directory.remove()
            throw error
        }
    }

    /// Stops the server (SIGINT: fast shutdown; SIGKILL after 30 s), reaps it and deletes its directory.
    func stop() async {
        await self.process.stop(signal: SIGINT, timeout: .seconds(30))
        self.directory.remove()
    }

    /// Waits until `pg_isready` says the server accepts connections (every 100 ms, at most 60 s).
    private static func waitUntilReady(bin: String, port: Int, process: ServerChildProcess) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        let isReady = "\(bin)/pg_isready"
        while true {
            guard process.isRunning else { throw BenchmarkError("PostgreSQL exited while starting") }
            if FileManager.default.isExecutableFile(atPath: isReady) {
                let probe = try await BoundedCommand.run(isReady, ["-q", "-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres"], timeout: .seconds(10))
                if probe.status == 0 { return }
            } else if LoopbackPort.accepts(port) {
                return
            }
            guard clock.now < deadline else { throw BenchmarkError("PostgreSQL did not accept connections on 127.0.0.1:\(port) within 60 s") }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
