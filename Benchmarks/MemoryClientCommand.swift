import Foundation
import NacosRemote
import NacosTransport

/// The memory benchmark's client process: it opens the naming connections to the benchmark's server and
/// publishes and subscribes on command, so the server's process holds only the server side.
///
/// It speaks a line protocol: it prints `connected <n>` once connected, then reads commands from standard
/// input — `register` (answered `registered <n>`), `subscribe` (`subscribed <n>`) and `exit` — and prints
/// `error <message>` before exiting with status 1 when something fails. End of input also ends it.
struct MemoryClientCommand {
    /// What to run.
    let options: MemoryClientOptions

    /// Runs until `exit` or end of input.
    func run() async throws {
        ProcessResources.raiseFileDescriptorLimit()
        let logger = NacosLogger(label: "nacos-bench-clients", logLevel: .warning)
        let group = try NacosEventLoopGroup(numberOfThreads: 1, logger: logger)
        let factory = NamingClientFactory(
            server: .loopbackIPv4(port: self.options.port),
            transport: NacosTCPTransport(group: group, logger: logger),
            clock: NacosSystemClock(group: group),
            logger: logger
        )
        var clients: [NacosRpcClient] = []
        do {
            clients = try await factory.connect(
                self.options.workload.connections,
                prefix: "memory",
                prepare: { client, _ in MemoryWorkload.acknowledgePushes(client) }
            )
            Self.say("connected \(clients.count)")
            let commands = LineReader(FileHandle.standardInput, name: "nacos-bench-stdin")
            loop: for await command in commands.lines {
                switch command.trimmingCharacters(in: .whitespaces) {
                case "register":
                    Self.say("registered \(try await self.options.workload.register(clients))")
                case "subscribe":
                    Self.say("subscribed \(try await self.options.workload.subscribe(clients))")
                case "exit":
                    break loop
                case "":
                    continue
                default:
                    throw BenchmarkError("unknown command '\(command)'")
                }
            }
        } catch {
            Self.say("error \(error)")
            for client in clients { client.shutdown() }
            await group.shutdownGracefully()
            throw error
        }
        for client in clients { client.shutdown() }
        await group.shutdownGracefully()
    }

    private static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
