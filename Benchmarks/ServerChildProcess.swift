import Foundation

/// A server the benchmark runs as its child (ZooKeeper's JVM, a PostgreSQL postmaster): started with its
/// output in a log file, recorded with `ChildProcessGuard`, and stopped with a bounded wait and reaped.
final class ServerChildProcess: Sendable {
    private let process: Process
    /// What it is, for messages.
    let name: String
    /// Where its standard output and error go.
    let logPath: String

    /// Starts `executable` with `arguments` in `directory`, its output appended to `logPath`;
    /// `emergencySignal` is what it gets if the benchmark is interrupted.
    ///
    /// - Throws: when the process cannot be started.
    init(name: String, executable: String, arguments: [String], directory: String, logPath: String, emergencySignal: Int32 = SIGKILL) throws {
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        guard let log = FileHandle(forWritingAtPath: logPath) else { throw BenchmarkError("cannot write \(logPath)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try? log.close()
        self.process = process
        self.name = name
        self.logPath = logPath
        ChildProcessGuard.register(process.processIdentifier, emergencySignal: emergencySignal)
    }

    /// The process id.
    var processIdentifier: Int32 { self.process.processIdentifier }

    /// Whether it has not exited yet.
    var isRunning: Bool { self.process.isRunning }

    /// Sends `signal`, waits up to `timeout` for the exit, then SIGKILL and up to 5 s more; the process is
    /// reaped (by Foundation) when this returns, unless it outlived even SIGKILL's wait.
    func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(15)) async {
        if self.process.isRunning { kill(self.process.processIdentifier, signal) }
        if !(await self.waitForExit(timeout)) {
            BenchmarkOutput.progress("\(self.name) did not stop within \(timeout) of signal \(signal); killing it")
            kill(self.process.processIdentifier, SIGKILL)
            _ = await self.waitForExit(.seconds(5))
        }
        ChildProcessGuard.unregister(self.process.processIdentifier)
    }

    /// The last `lines` lines of its log, for error messages.
    func logTail(_ lines: Int = 15) -> String {
        let text = (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    private func waitForExit(_ timeout: Duration) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while self.process.isRunning {
            guard clock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}
