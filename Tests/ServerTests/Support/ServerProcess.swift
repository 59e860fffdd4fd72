import Foundation
import NacosTestKit
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One `nacos-server` child process, with its standard output and standard error captured in temporary
/// files so that a test can read them at any time, also after the process exited.
///
/// Start it with `withServerProcess`, which kills the process when the test body returns or throws.
final class ServerProcess: Sendable {
    /// How a process ended.
    typealias Exit = ChildProcess.Exit

    /// The arguments the binary was started with.
    let arguments: [String]
    private let child: ChildProcess
    private let outputPath: String
    private let errorPath: String
    /// The home directory made for this process (when the test passed none), removed with the outputs.
    private let ownHome: String?
    private let cleanedUp = Atomic<Bool>(false)

    private init(arguments: [String], child: ChildProcess, outputPath: String, errorPath: String, ownHome: String?) {
        self.arguments = arguments
        self.child = child
        self.outputPath = outputPath
        self.errorPath = errorPath
        self.ownHome = ownHome
    }

    deinit {
        // A safety net (the child kills and reaps itself too): a test that lost track of its server must
        // not leave it listening.
        self.child.send(SIGKILL)
        self.removeFiles()
    }

    /// Starts the binary with `arguments`, in the test's environment without the server's own variables
    /// (`SERVER_*`, `NACOS_*`, so that the developer's shell cannot change what a test starts) plus
    /// `environment`. Unless `arguments` name a `--nacos.home`, the process gets a fresh one of its own
    /// (so its SQLite store is its own), removed when the process is cleaned up.
    static func launch(_ arguments: [String], environment: [String: String] = [:]) throws -> ServerProcess {
        let executable = try ServerExecutable.locate()
        let stem = "\(FileManager.default.temporaryDirectory.path)/nacos-server-process-\(UInt64.random(in: 0...UInt64.max))"
        var arguments = arguments
        var ownHome: String?
        if !arguments.contains(where: { $0.hasPrefix("--nacos.home") }), arguments != ["--help"] {
            ownHome = stem + ".home"
            arguments.append("--nacos.home=\(stem).home")
        }
        let outputPath = stem + ".stdout"
        let errorPath = stem + ".stderr"
        guard FileManager.default.createFile(atPath: outputPath, contents: nil), FileManager.default.createFile(atPath: errorPath, contents: nil) else {
            throw CocoaError(.fileWriteUnknown)
        }
        let child = try ChildProcess.spawn(
            executable.path,
            arguments,
            environment: ProcessInfo.processInfo.environment.filter { name, _ in
                !name.hasPrefix("SERVER_") && !name.hasPrefix("NACOS_")
            }.merging(environment) { _, given in given },
            standardOutput: .file(outputPath),
            standardError: .file(errorPath)
        )
        return ServerProcess(arguments: arguments, child: child, outputPath: outputPath, errorPath: errorPath, ownHome: ownHome)
    }

    /// The process id.
    var pid: Int32 { self.child.pid }

    /// Whether the process has not exited yet.
    var isRunning: Bool { self.child.isRunning }

    /// Everything the process wrote to standard output so far.
    var standardOutput: String { Self.read(self.outputPath) }

    /// Everything the process wrote to standard error so far.
    var standardError: String { Self.read(self.errorPath) }

    /// How the process ended, or `nil` while it runs.
    var exit: Exit? { self.child.exit }

    /// Sends `signal` (SIGTERM, SIGINT, …) to the process if it still runs.
    func send(signal: Int32) {
        self.child.send(signal)
    }

    /// Waits until the process exits and returns how; throws `DeadlineExceeded` after `timeout`.
    func waitForExit(timeout: Duration) async throws -> Exit {
        try await waitUntil(timeout: timeout, interval: .milliseconds(10), "nacos-server (pid \(self.pid)) to exit") {
            !self.child.isRunning
        }
        guard let exit = self.exit else { throw DeadlineExceeded(what: "the exit status of pid \(self.pid)") }
        return exit
    }

    /// Waits for the "nacos-server started" log line and returns the ports it reports.
    ///
    /// - Throws: `ServerProcessFailure` when the process exits first or the line does not parse,
    ///   `DeadlineExceeded` after `timeout`.
    func waitForStart(timeout: Duration = .seconds(20)) async throws -> ServerProcessPorts {
        try await waitUntil(timeout: timeout, interval: .milliseconds(10), "the nacos-server started line") {
            self.standardError.contains(ServerProcessPorts.startedMarker) || !self.child.isRunning
        }
        let log = self.standardError
        if let ports = ServerProcessPorts(log: log) { return ports }
        if let exit = self.exit {
            throw ServerProcessFailure(what: "nacos-server \(exit) before it started", standardError: log)
        }
        throw ServerProcessFailure(what: "cannot read the ports of the started line", standardError: log)
    }

    /// Kills the process (SIGKILL) if it still runs, waits for it to end, and removes the output files.
    func forceStop() async {
        await self.child.killAndReap()
        self.removeFiles()
    }

    private func removeFiles() {
        guard !self.cleanedUp.exchange(true, ordering: .relaxed) else { return }
        try? FileManager.default.removeItem(atPath: self.outputPath)
        try? FileManager.default.removeItem(atPath: self.errorPath)
        if let ownHome = self.ownHome { try? FileManager.default.removeItem(atPath: ownHome) }
    }

    private static func read(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Runs `body` with a started `nacos-server` process and kills the process afterwards, also when `body`
/// throws; a thrown error is wrapped with the end of the server's standard error.
func withServerProcess<R>(
    _ arguments: [String],
    environment: [String: String] = [:],
    _ body: (ServerProcess) async throws -> R
) async throws -> R {
    let server = try ServerProcess.launch(arguments, environment: environment)
    do {
        let result = try await body(server)
        await server.forceStop()
        return result
    } catch let failure as ServerProcessFailure {
        await server.forceStop()
        throw failure
    } catch {
        let log = server.standardError
        await server.forceStop()
        throw ServerProcessFailure(what: "\(error)", standardError: log)
    }
}
