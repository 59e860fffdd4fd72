import Foundation
package import NacosTLS

/// Certificates for the TLS tests, generated once per test process with the `openssl` command-line tool.
///
/// - `ca`: a self-signed CA that signs the others.
/// - `server`: CN=localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1, signed by `ca`.
/// - `client`: CN=nacos-client, for mutual TLS, signed by `ca`.
/// - `untrusted`: a self-signed certificate with the same names as `server`, which `ca` did not sign.
/// - `wrongHost`: CN=wrong.example, SAN DNS:wrong.example only, signed by `ca`.
package struct TestCertificates: Sendable {
    /// A certificate and its private key, as files and as PEM text.
    package struct Identity: Sendable {
        package let certificatePath: String
        package let keyPath: String
        package let certificatePEM: String
        package let keyPEM: String

        package var certificate: NacosTLSConfiguration.PEMSource { .file(self.certificatePath) }
        package var key: NacosTLSConfiguration.PEMSource { .file(self.keyPath) }
    }

    package let directory: String
    package let ca: Identity
    package let server: Identity
    package let client: Identity
    package let untrusted: Identity
    package let wrongHost: Identity

    /// The certificates of this process, generated on first use.
    package static var shared: TestCertificates {
        get throws { try Self.generated.get() }
    }

    private static let generated: Result<TestCertificates, any Error> = Result { try TestCertificates.generate() }

    /// A server configuration presenting `server`, trusting `ca` for client certificates.
    package func serverConfiguration() -> NacosTLSConfiguration {
        var configuration = NacosTLSConfiguration.server(
            certificateChain: self.server.certificate,
            privateKey: self.server.key
        )
        configuration.trustRoots = .file(self.ca.certificatePath)
        return configuration
    }

    /// A client configuration trusting `ca`.
    package func clientConfiguration() -> NacosTLSConfiguration {
        NacosTLSConfiguration.client(trustRoots: .file(self.ca.certificatePath))
    }

    // MARK: - Generation

    private static func generate() throws -> TestCertificates {
        Self.removeStaleDirectories()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("nacos-tls-tests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let run = { (arguments: [String]) throws in try Self.openssl(arguments, in: directory) }

        // The CA.
        try run(Self.newKey("ca.key"))
        try run([
            "req", "-x509", "-new", "-key", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Nacos Test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])

        // Leaf certificates signed by the CA.
        try Self.signedLeaf(
            "server",
            subject: "/CN=localhost",
            serial: "2",
            extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth,clientAuth\n",
            run: run,
            directory: directory
        )
        try Self.signedLeaf(
            "client",
            subject: "/CN=nacos-client",
            serial: "3",
            extensions: "extendedKeyUsage=clientAuth\n",
            run: run,
            directory: directory
        )
        try Self.signedLeaf(
            "wrong",
            subject: "/CN=wrong.example",
            serial: "4",
            extensions: "subjectAltName=DNS:wrong.example\nextendedKeyUsage=serverAuth\n",
            run: run,
            directory: directory
        )

        // A self-signed certificate with the server's names that no trusted CA signed.
        try run(Self.newKey("untrusted.key"))
        try run([
            "req", "-x509", "-new", "-key", "untrusted.key", "-out", "untrusted.pem", "-days", "2", "-subj",
            "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
        ])

        func identity(_ name: String, certificate: String? = nil) throws -> Identity {
            let certificatePath = "\(directory)/\(certificate ?? name).pem"
            let keyPath = "\(directory)/\(name).key"
            return Identity(
                certificatePath: certificatePath,
                keyPath: keyPath,
                certificatePEM: try String(contentsOfFile: certificatePath, encoding: .utf8),
                keyPEM: try String(contentsOfFile: keyPath, encoding: .utf8)
            )
        }
        return TestCertificates(
            directory: directory,
            ca: try identity("ca"),
            server: try identity("server"),
            client: try identity("client"),
            untrusted: try identity("untrusted"),
            wrongHost: try identity("wrong")
        )
    }

    /// Removes certificate directories that earlier test processes left behind (older than an hour).
    private static func removeStaleDirectories() {
        let fileManager = FileManager.default
        let temporary = fileManager.temporaryDirectory
        guard let names = try? fileManager.contentsOfDirectory(atPath: temporary.path) else { return }
        let cutoff = Date(timeIntervalSinceNow: -3600)
        for name in names where name.hasPrefix("nacos-tls-tests-") {
            let path = temporary.appendingPathComponent(name).path
            let modified = (try? fileManager.attributesOfItem(atPath: path))?[.modificationDate] as? Date
            if let modified, modified < cutoff {
                try? fileManager.removeItem(atPath: path)
            }
        }
    }

    private static func newKey(_ file: String) -> [String] {
        ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file]
    }

    private static func signedLeaf(
        _ name: String,
        subject: String,
        serial: String,
        extensions: String,
        run: ([String]) throws -> Void,
        directory: String
    ) throws {
        try run(Self.newKey("\(name).key"))
        try run(["req", "-new", "-key", "\(name).key", "-out", "\(name).csr", "-subj", subject])
        try extensions.write(toFile: "\(directory)/\(name).ext", atomically: true, encoding: .utf8)
        try run([
            "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", serial,
            "-days", "2", "-extfile", "\(name).ext", "-out", "\(name).pem",
        ])
    }

    private static func openssl(_ arguments: [String], in directory: String) throws {
        let (exit, output) = try ChildProcess.run("/usr/bin/env", ["openssl"] + arguments, directory: directory)
        guard exit == .exited(0) else {
            throw CertificateGenerationFailed(command: "openssl " + arguments.joined(separator: " "), output: output)
        }
    }
}

/// The `openssl` tool failed while generating test certificates.
package struct CertificateGenerationFailed: Error, CustomStringConvertible {
    package let command: String
    package let output: String
    package var description: String { "\(self.command) failed: \(self.output)" }
}
