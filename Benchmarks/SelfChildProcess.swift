import Foundation

/// Runs this executable as a child with a hidden subcommand and reads back its result line
/// (`result key=value …`) as a dictionary; the child is always reaped, and killed if it overruns.
enum SelfChildProcess {
    /// Runs `nacos-bench <arguments>`, waiting at most `timeout` before killing it; `onLine` sees every
    /// line the child prints (the result line too), as it comes.
    ///
    /// - Throws: `BenchmarkError` when the child prints `error …`, exits non-zero or has no result line.
    static func run(_ arguments: [String], timeout: Duration, onLine: (String) -> Void = { _ in }) async throws -> [String: String] {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdout = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        let reader = LineReader(stdout.fileHandleForReading, name: "nacos-bench-child-stdout")
        try process.run()
        try? stdout.fileHandleForWriting.close()
        ChildProcessGuard.register(process.processIdentifier)
        defer { ChildProcessGuard.unregister(process.processIdentifier) }
        let timer = Task {
            try await Task.sleep(for: timeout)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        var error: String?
        var fields: [String: String]?
        for await line in reader.lines {
            onLine(line)
            if line.hasPrefix("error ") {
                error = String(line.dropFirst(6))
            } else if line.hasPrefix("result ") {
                var parsed: [String: String] = [:]
                for part in line.split(separator: " ").dropFirst() {
                    let pair = part.split(separator: "=", maxSplits: 1)
                    if pair.count == 2 { parsed[String(pair[0])] = String(pair[1]) }
                }
                fields = parsed
            }
        }
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        timer.cancel()
        let name = arguments.first ?? "child"
        if let error { throw BenchmarkError("\(name): \(error)") }
        guard process.terminationStatus == 0 else { throw BenchmarkError("\(name) exited with status \(process.terminationStatus)") }
        guard let fields else { throw BenchmarkError("\(name) ended without a result line") }
        return fields
    }
}
