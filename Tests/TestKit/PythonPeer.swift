import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A test peer written in Python (grpcio, h2, nacos-sdk-python) from Tests/Peers, run in the venv that
/// Tests/Peers/bootstrap.sh creates; a missing venv fails the test with how to create it.
package enum PythonPeer {
    /// The venv is not there: the test fails and says how to install it.
    package struct Missing: Error, CustomStringConvertible {
        /// The python it looked for.
        package let path: String
        /// What to do.
        package var description: String {
            "the Python test peers are not installed (no \(self.path)): run `bash Tests/Peers/bootstrap.sh` "
                + "(needs python3 with venv and PyPI access; .ci/run does it)"
        }
    }

    /// How a peer script ended, with everything it printed.
    package struct Outcome: Sendable, CustomStringConvertible {
        /// The exit status, or `nil` when it was killed (timeout).
        package let status: Int32?
        /// Its standard output.
        package let output: String
        /// Its standard error.
        package let errorOutput: String

        /// Whether it exited with 0.
        package var succeeded: Bool { self.status == 0 }

        /// The JSON objects it printed, one per line (other lines skipped).
        package var jsonLines: [[String: Any]] {
            self.output.split(separator: "\n").compactMap { line in
                guard line.hasPrefix("{") else { return nil }
                return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            }
        }

        /// The status and the last lines of both outputs, for a failing expectation.
        package var description: String {
            "status \(self.status.map(String.init) ?? "killed")\n--- stdout ---\n\(self.output.suffix(6000))\n--- stderr ---\n\(self.errorOutput.suffix(6000))"
        }
    }

    /// The repository root, found from this file's path.
    package static func repositoryRoot(filePath: String = #filePath) -> String {
        filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")
    }

    /// The venv's python.
    package static func python() throws -> String {
        let venv = ProcessInfo.processInfo.environment["NACOS_PEERS_VENV"] ?? Self.repositoryRoot() + "/.build/peers-venv"
        let path = venv + "/bin/python3"
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing(path: path) }
        return path
    }

    /// Runs `script` (a file in Tests/Peers) with `arguments`, killing it after `timeout`, and returns how it
    /// ended; the child is always reaped, also when the calling task is cancelled.
    package static func run(_ script: String, _ arguments: [String], timeout: Duration = .seconds(120)) async throws -> Outcome {
        try await PythonPeerSlots.withSlot {
            let process = try PythonPeerProcess.launch(script, arguments)
            defer { process.kill() }
            return try await process.wait(timeout: timeout)
        }
    }
}

/// One running Python peer process, its output captured in temporary files.
package final class PythonPeerProcess: Sendable {
    private let process: Process
    private let outputPath: String
    private let errorPath: String

    private init(process: Process, outputPath: String, errorPath: String) {
        self.process = process
        self.outputPath = outputPath
        self.errorPath = errorPath
    }

    deinit {
        if self.process.isRunning { _ = Glibc.kill(self.process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: self.outputPath)
        try? FileManager.default.removeItem(atPath: self.errorPath)
    }

    /// Starts `script` from Tests/Peers in the venv.
    package static func launch(_ script: String, _ arguments: [String]) throws -> PythonPeerProcess {
        let python = try PythonPeer.python()
        let stem = "\(FileManager.default.temporaryDirectory.path)/nacos-peer-\(UInt64.random(in: 0...UInt64.max))"
        let outputPath = stem + ".stdout"
        let errorPath = stem + ".stderr"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-u", PythonPeer.repositoryRoot() + "/Tests/Peers/" + script] + arguments
        process.standardInput = FileHandle.nullDevice
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        // The child has its own copies once it runs: the test process keeps no descriptor per peer.
        defer {
            try? output.close()
            try? errors.close()
        }
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        return PythonPeerProcess(process: process, outputPath: outputPath, errorPath: errorPath)
    }

    /// What it printed on standard output so far.
    package var output: String { (try? String(contentsOfFile: self.outputPath, encoding: .utf8)) ?? "" }
    /// What it printed on standard error so far.
    package var errorOutput: String { (try? String(contentsOfFile: self.errorPath, encoding: .utf8)) ?? "" }
    /// Whether it still runs.
    package var isRunning: Bool { self.process.isRunning }

    /// Waits until a line of standard output contains `text` and returns that line.
    package func waitForLine(containing text: String, timeout: Duration = .seconds(60)) async throws -> String {
        var line: String?
        do {
            try await waitUntil(timeout: timeout, interval: .milliseconds(20), "a line containing '\(text)' from the peer") {
                line = self.output.split(separator: "\n").first { $0.contains(text) }.map(String.init)
                return line != nil || !self.process.isRunning
            }
        } catch {
            throw DeadlineExceeded(what: "a line containing '\(text)' from the peer; its stderr: \(self.errorOutput.suffix(3000))")
        }
        guard let line else { throw DeadlineExceeded(what: "'\(text)' from a peer that exited: \(self.errorOutput.suffix(3000))") }
        return line
    }

    /// Waits for the exit (killing the process after `timeout`) and returns how it ended.
    package func wait(timeout: Duration) async throws -> PythonPeer.Outcome {
        do {
            try await waitUntil(timeout: timeout, interval: .milliseconds(20), "the peer to exit") { !self.process.isRunning }
        } catch {
            self.kill()
        }
        self.process.waitUntilExit()
        let killed = self.process.terminationReason == .uncaughtSignal
        return PythonPeer.Outcome(status: killed ? nil : self.process.terminationStatus, output: self.output, errorOutput: self.errorOutput)
    }

    /// Sends SIGKILL (if it still runs) and reaps it.
    package func kill() {
        if self.process.isRunning {
            _ = Glibc.kill(self.process.processIdentifier, SIGKILL)
        }
        self.process.waitUntilExit()
    }
}

/// Runs `body` with a started peer, killing and reaping it afterwards, also when `body` throws.
package func withPythonPeerProcess<R>(
    _ script: String,
    _ arguments: [String],
    _ body: (PythonPeerProcess) async throws -> R
) async throws -> R {
    try await PythonPeerSlots.withSlot {
        let peer = try PythonPeerProcess.launch(script, arguments)
        defer { peer.kill() }
        return try await body(peer)
    }
}
