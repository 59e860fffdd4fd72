import Foundation

/// A throw-away RSA certificate and key for `localhost` / `127.0.0.1`, made with the `openssl` command.
struct SelfSignedCertificate: Sendable {
    /// The temporary directory holding both files.
    let directory: String
    /// The certificate (PEM); clients trust it as their only root.
    let certificatePath: String
    /// The unencrypted private key (PEM).
    let privateKeyPath: String

    /// Runs `openssl req -x509 …` into a new temporary directory.
    ///
    /// - Throws: `BenchmarkError` with openssl's output when the command is missing or fails.
    static func generate() throws -> SelfSignedCertificate {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("nacos-bench-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = directory.appendingPathComponent("c.pem").path
        let key = directory.appendingPathComponent("k.pem").path

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
            "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-days", "1",
            "-keyout", key, "-out", certificate,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw BenchmarkError("cannot run 'openssl' to make the TLS certificate: \(error)")
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            FileManager.default.fileExists(atPath: certificate),
            FileManager.default.fileExists(atPath: key)
        else {
            try? FileManager.default.removeItem(at: directory)
            throw BenchmarkError("'openssl req' failed with status \(process.terminationStatus): \(text)")
        }
        return SelfSignedCertificate(directory: directory.path, certificatePath: certificate, privateKeyPath: key)
    }

    /// Deletes the temporary directory.
    func remove() {
        try? FileManager.default.removeItem(atPath: self.directory)
    }
}
