import CLinuxSys
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`: the tests' replacement for Foundation's `Process`, whose
/// `run()` on Linux over-reads a buffer while listing `/proc/self/fd` and crashes the test process now
/// and then (swift-corelibs-foundation #5472). The child gets only standard input, output and error
/// (every other descriptor is closed in it), and is reaped with `waitpid`.
package final class ChildProcess: Sendable {
    /// Where a standard stream of the child goes.
    package enum Stream: Sendable {
        /// `/dev/null`.
        case null
        /// Appended to this file (created when missing).
        case file(String)
    }

    /// How a child ended.
    package enum Exit: Sendable, Equatable, CustomStringConvertible {
        /// It called `exit` with this status.
        case exited(Int32)
        /// A signal ended it.
        case signalled(Int32)

        package var description: String {
            switch self {
            case .exited(let status): "exited with status \(status)"
            case .signalled(let signal): "killed by signal \(signal)"
            }
        }
    }

    /// Spawning failed.
    package struct SpawnFailure: Error, CustomStringConvertible {
        package let description: String
    }

    /// The process id.
    package let pid: Int32
    private let ended = Mutex<Exit?>(nil)

    private init(pid: Int32) {
        self.pid = pid
    }

    deinit {
        if self.exit == nil {
            _ = kill(self.pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(self.pid, &status, 0)
        }
    }

    /// Starts `executable` (a path; `/usr/bin/env` finds programs on `PATH`) with `arguments`, in
    /// `directory` (the current one when `nil`), with `environment` (this process's when `nil`).
    package static func spawn(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        directory: String? = nil,
        standardOutput: Stream = .null,
        standardError: Stream = .null
    ) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        for (descriptor, stream) in [(Int32(1), standardOutput), (Int32(2), standardError)] {
            switch stream {
            case .null: posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
            case .file(let path): posix_spawn_file_actions_addopen(&actions, descriptor, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            }
        }
        CLinuxSys_spawnCloseFrom(&actions, 3)
        if let directory { CLinuxSys_spawnChangeDirectory(&actions, directory) }
        let environment = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard code == 0 else { throw SpawnFailure(description: "posix_spawn \(executable): \(String(cString: strerror(code)))") }
        return ChildProcess(pid: pid)
    }

    /// Runs `executable` to its end and returns its exit and everything it wrote to standard output and
    /// error (through a temporary file); blocks the calling thread.
    package static func run(_ executable: String, _ arguments: [String], directory: String? = nil) throws -> (exit: Exit, output: String) {
        let path = "\(FileManager.default.temporaryDirectory.path)/nacos-child-\(UInt64.random(in: 0...UInt64.max)).out"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let child = try Self.spawn(executable, arguments, directory: directory, standardOutput: .file(path), standardError: .file(path))
        let exit = child.waitBlocking()
        return (exit, (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
    }

    /// How it ended, or `nil` while it runs (reaps it once it ended).
    package var exit: Exit? {
        self.ended.withLock { ended in
            if let ended { return ended }
            var status: Int32 = 0
            let reaped = waitpid(self.pid, &status, WNOHANG)
            guard reaped == self.pid else { return nil }
            ended = Self.exit(status)
            return ended
        }
    }

    /// Whether it still runs.
    package var isRunning: Bool { self.exit == nil }

    /// Sends `signal` if it still runs.
    package func send(_ signal: Int32) {
        guard self.isRunning else { return }
        _ = kill(self.pid, signal)
    }

    /// Waits for it to end, polling without blocking a thread.
    package func waitForExit() async -> Exit {
        while true {
            if let exit = self.exit { return exit }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Sends SIGKILL if it still runs and waits for it to end.
    package func killAndReap() async {
        self.send(SIGKILL)
        _ = await self.waitForExit()
    }

    /// Waits for it to end, blocking the calling thread.
    package func waitBlocking() -> Exit {
        self.ended.withLock { ended in
            if let ended { return ended }
            var status: Int32 = 0
            while waitpid(self.pid, &status, 0) < 0 && errno == EINTR {}
            let exit = Self.exit(status)
            ended = exit
            return exit
        }
    }

    private static func exit(_ status: Int32) -> Exit {
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
    }
}
