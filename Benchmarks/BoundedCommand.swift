import Foundation

/// Runs a helper command (initdb, pg_isready, java -version) to its end, bounded in time, and collects its
/// output.
enum BoundedCommand {
    /// The exit status and the combined standard output and error of one run.
    struct Outcome: Sendable {
        /// The exit status (-1 when it was killed at the timeout).
        let status: Int32
        /// What it printed.
        let output: String
    }

    /// Runs `executable` with `arguments` (in `directory`, else this process's); kills it after `timeout`.
    ///
    /// - Throws: when it cannot be started.
    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil, timeout: Duration = .seconds(60)) async throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = FileHandle.nullDevice
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let reader = LineReader(output.fileHandleForReading, name: "nacos-bench-command")
        try process.run()
        try? output.fileHandleForWriting.close()
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var killed = false
        while process.isRunning {
            if clock.now >= deadline {
                kill(process.processIdentifier, SIGKILL)
                killed = true
                while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
                break
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        var lines: [String] = []
        for await line in reader.lines { lines.append(line) }
        return Outcome(status: killed ? -1 : process.terminationStatus, output: lines.joined(separator: "\n"))
    }

    /// The first of `candidates` that is an executable file, else `name` found on `PATH`.
    static func locate(_ name: String, candidates: [String] = []) -> String? {
        let fileManager = FileManager.default
        for candidate in candidates where fileManager.isExecutableFile(atPath: candidate) { return candidate }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if fileManager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
