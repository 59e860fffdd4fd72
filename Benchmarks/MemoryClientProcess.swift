import Foundation

/// The memory benchmark's handle on its client process (`nacos-bench memory-clients`, this executable):
/// starts it, sends it commands and waits for its answers.
final class MemoryClientProcess: Sendable {
    private let process: Process
    private let input: FileHandle
    private let output: LineReader

    /// Starts the client process against the server on 127.0.0.1:`port`; it inherits standard error.
    init(port: Int, workload: MemoryWorkload) throws {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "memory-clients", "--port", "\(port)", "--connections", "\(workload.connections)",
            "--instances", "\(workload.instances)", "--subscriptions", "\(workload.subscriptions)",
            "--services", "\(workload.services)",
        ]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        self.process = process
        self.input = stdin.fileHandleForWriting
        self.output = LineReader(stdout.fileHandleForReading, name: "nacos-bench-clients-stdout")
    }

    /// The client process's id (for its /proc entry).
    var processIdentifier: Int32 { self.process.processIdentifier }

    /// Sends `command` (nil sends nothing) and waits for the answer starting with `reply`; returns the
    /// number after it.
    ///
    /// - Throws: `BenchmarkError` when the process reports an error or ends first.
    func send(_ command: String?, awaiting reply: String) async throws -> Int {
        if let command { self.input.write(Data((command + "\n").utf8)) }
        for await line in self.output.lines {
            if line.hasPrefix("error ") { throw BenchmarkError("client process: \(line.dropFirst(6))") }
            if line.hasPrefix(reply + " "), let count = Int(line.dropFirst(reply.count + 1)) { return count }
        }
        throw BenchmarkError("the client process ended before answering '\(reply)'")
    }

    /// Asks the process to exit and waits for it.
    func stop() {
        self.input.write(Data("exit\n".utf8))
        try? self.input.close()
        self.process.waitUntilExit()
    }
}
