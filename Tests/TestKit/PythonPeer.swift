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
        try await TestSlots.pythonPeers.withSlot {
            let process = try PythonPeerProcess.launch(script, arguments)
            do {
                let outcome = try await process.wait(timeout: timeout)
                await process.kill()
                return outcome
            } catch {
                await process.kill()
                throw error
            }
        }
    }
}

/// One running Python peer process, its output captured in temporary files.
package final class PythonPeerProcess: Sendable {
    private let child: ChildProcess
    private let outputPath: String
    private let errorPath: String

    private init(child: ChildProcess, outputPath: String, errorPath: String) {
        self.child = child
        self.outputPath = outputPath
        self.errorPath = errorPath
    }

    deinit {
        try? FileManager.default.removeItem(atPath: self.outputPath)
        try? FileManager.default.removeItem(atPath: self.errorPath)
    }

    /// Starts `script` from Tests/Peers in the venv.
    package static func launch(_ script: String, _ arguments: [String]) throws -> PythonPeerProcess {
        let python = try PythonPeer.python()
        let stem = "\(FileManager.default.temporaryDirectory.path)/nacos-peer-\(UInt64.random(in: 0...UInt64.max))"
        let child = try ChildProcess.spawn(
            python,
            ["-u", PythonPeer.repositoryRoot() + "/Tests/Peers/" + script] + arguments,
            standardOutput: .file(stem + ".stdout"),
            standardError: .file(stem + ".stderr")
        )
        return PythonPeerProcess(child: child, outputPath: stem + ".stdout", errorPath: stem + ".stderr")
    }

    /// What it printed on standard output so far.
    package var output: String { (try? String(contentsOfFile: self.outputPath, encoding: .utf8)) ?? "" }
    /// What it printed on standard error so far.
    package var errorOutput: String { (try? String(contentsOfFile: self.errorPath, encoding: .utf8)) ?? "" }
    /// Whether it still runs.
    package var isRunning: Bool { self.child.isRunning }

    /// Waits until a line of standard output contains `text` and returns that line.
    package func waitForLine(containing text: String, timeout: Duration = .seconds(60)) async throws -> String {
        var line: String?
        do {
            try await waitUntil(timeout: timeout, interval: .milliseconds(20), "a line containing '\(text)' from the peer") {
                line = self.output.split(separator: "\n").first { $0.contains(text) }.map(String.init)
                return line != nil || !self.child.isRunning
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
            try await waitUntil(timeout: timeout, interval: .milliseconds(20), "the peer to exit") { !self.child.isRunning }
        } catch {
            await self.child.killAndReap()
        }
        let exit = await self.child.waitForExit()
        let status: Int32? = if case .exited(let code) = exit { code } else { nil }
        return PythonPeer.Outcome(status: status, output: self.output, errorOutput: self.errorOutput)
    }

    /// Sends SIGKILL (if it still runs) and reaps it.
    package func kill() async {
        await self.child.killAndReap()
    }
}

/// Runs `body` with a started peer, killing and reaping it afterwards, also when `body` throws.
package func withPythonPeerProcess<R>(
    _ script: String,
    _ arguments: [String],
    _ body: (PythonPeerProcess) async throws -> R
) async throws -> R {
    try await TestSlots.pythonPeers.withSlot {
        let peer = try PythonPeerProcess.launch(script, arguments)
        do {
            let result = try await body(peer)
            await peer.kill()
            return result
        } catch {
            await peer.kill()
            throw error
        }
    }
}
