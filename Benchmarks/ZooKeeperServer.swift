import Foundation

/// A standalone ZooKeeper server from Debian's `zookeeper` package, run as this benchmark's child in a
/// temporary directory: `zoo.cfg` with its own `dataDir`, a free client port on 127.0.0.1 and
/// `forceSync=yes` (ZooKeeper's default: the transaction log is fsynced before a write is answered).
final class ZooKeeperServer: Sendable {
    /// Debian's server jar (its manifest's Class-Path names the dependencies in /usr/share/java).
    static let jar = "/usr/share/java/zookeeper.jar"
    /// How to get it, printed when it is missing.
    static let installHint = "ZooKeeper is not installed (no \(jar) or no java): install Debian's package with "
        + "`apt-get install -y zookeeper` (it brings a JRE); `ls /usr/share/zookeeper` and `java -version` check it"

    /// The client port on 127.0.0.1.
    let port: Int
    private let process: ServerChildProcess
    private let directory: BenchmarkDirectory

    private init(port: Int, process: ServerChildProcess, directory: BenchmarkDirectory) {
        self.port = port
        self.process = process
        self.directory = directory
    }

    /// The `java` to run it with, when ZooKeeper and a JRE are installed.
    static func java() -> String? {
        guard FileManager.default.fileExists(atPath: self.jar) else { return nil }
        return BoundedCommand.locate("java", candidates: ["/usr/bin/java"])
    }

    /// `zookeeper 3.8.0-11+deb12u2, openjdk version "17.0.15"`, or what of it can be found.
    static func versions(java: String) async -> String {
        let package = (try? await BoundedCommand.run("/usr/bin/dpkg-query", ["-W", "-f", "${Version}", "zookeeper"], timeout: .seconds(10)))
            .flatMap { $0.status == 0 ? $0.output : nil } ?? "unknown version"
        let jre = (try? await BoundedCommand.run(java, ["-version"], timeout: .seconds(30)))?.output
            .split(separator: "\n").first.map(String.init) ?? "java (version unknown)"
        return "zookeeper \(package), \(jre)"
    }

    /// Writes the configuration, starts `java … ZooKeeperServerMain zoo.cfg` and waits until it accepts
    /// connections.
    ///
    /// - Throws: `BenchmarkError` (with the end of its log) when it does not come up within 60 s.
    static func start(java: String) async throws -> ZooKeeperServer {
        let directory = try BenchmarkDirectory("zookeeper")
        do {
            let port = try LoopbackPort.free()
            let configuration = """
                tickTime=2000
                dataDir=\(directory.file("data"))
                clientPort=\(port)
                clientPortAddress=127.0.0.1
                forceSync=yes
                admin.enableServer=false
                4lw.commands.whitelist=

                """
            try FileManager.default.createDirectory(atPath: directory.file("data"), withIntermediateDirectories: true)
            try configuration.write(toFile: directory.file("zoo.cfg"), atomically: true, encoding: .utf8)
            // The heap and main class as zkServer.sh start-foreground runs a standalone server (ZK_SERVER_HEAP=1000).
            let process = try ServerChildProcess(
                name: "ZooKeeper",
                executable: java,
                arguments: [
                    "-Xmx1000m", "-Dzookeeper.log.dir=\(directory.path)", "-cp", "\(directory.path):\(self.jar)",
                    "org.apache.zookeeper.server.ZooKeeperServerMain", directory.file("zoo.cfg"),
                ],
                directory: directory.path,
                logPath: directory.file("zookeeper.log")
            )
            do {
                try await LoopbackPort.waitUntilAccepting(port, what: "ZooKeeper", timeout: .seconds(60)) { process.isRunning }
                try await Self.waitUntilServing(port: port, process: process)
            } catch {
                await process.stop()
                throw BenchmarkError("\(error)\n\(process.logTail())")
            }
            return ZooKeeperServer(port: port, process: process, directory: directory)
        } catch {
            directory.remove()
            throw error
        }
    }

    /// Waits until a session can be opened: ZooKeeper listens before it has loaded its database, and
    /// closes the connections that come before that.
    private static func waitUntilServing(port: Int, process: ServerChildProcess) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while true {
            guard process.isRunning else { throw BenchmarkError("ZooKeeper exited while starting") }
            if let connection = try? ZooKeeperConnection(port: port, timeout: .seconds(2)) {
                connection.close()
                return
            }
            guard clock.now < deadline else { throw BenchmarkError("ZooKeeper accepted no session on 127.0.0.1:\(port) within 60 s") }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The server's process id.
    var processIdentifier: Int32 { self.process.processIdentifier }

    /// Stops the JVM (SIGTERM, then SIGKILL after 15 s), reaps it and deletes its directory.
    func stop() async {
        await self.process.stop(signal: SIGTERM)
        self.directory.remove()
    }
}
