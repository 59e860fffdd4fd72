import Foundation
import NacosNaming
import NacosRemote
import NacosTransport

/// Measures the naming server's memory: the resident set size (`VmRSS`) of this process after starting
/// the registry, after connecting the naming clients, after they registered their instances and after
/// they subscribed, each read after a settling pause and again after `malloc_trim(0)`.
///
/// By default the clients run in a child process (`nacos-bench memory-clients`) over TCP, so this process
/// holds only the server and each process needs one descriptor per connection; with `--clients same` or
/// the in-memory transport they share this process, and the connection step includes the clients' side.
struct MemoryBenchmark {
    /// What to run.
    let options: MemoryOptions

    /// The goal for the final resident set size, in bytes (100 MB).
    private static let goalBytes = 100_000_000

    /// Runs the steps, printing progress to standard error and the table to standard output; returns the
    /// readings.
    ///
    /// - Throws: `BenchmarkError` (or a transport error) when a step fails.
    func run() async throws -> [MemoryStage] {
        BenchmarkOutput.header("memory")
        let limits = ProcessResources.raiseFileDescriptorLimit()
        var transport = self.options.transport
        var placement = transport == .tcp ? self.options.clients : .same
        let needed = (placement == .separate ? 1 : 2) * self.options.connections + 256
        if transport == .tcp && limits.soft < needed {
            BenchmarkOutput.result(
                "note: \(self.options.connections) TCP connections with the clients in "
                    + (placement == .separate ? "a separate process" : "this process")
                    + " need about \(needed) file descriptors, but RLIMIT_NOFILE is \(limits.soft) (hard \(limits.hard)); "
                    + "falling back to the in-memory transport (NacosInMemoryTransport), clients in this process"
            )
            transport = .inMemory
            placement = .same
        }
        BenchmarkOutput.result(
            "\(ResultTable.grouped(self.options.connections)) connections, \(ResultTable.grouped(self.options.instances)) instances "
                + "(\(self.options.workload.perConnection) per connection, each in a different service) over "
                + "\(ResultTable.grouped(self.options.services)) services, \(ResultTable.grouped(self.options.subscriptions)) subscriptions; "
                + (transport == .tcp ? "TCP 127.0.0.1" : "in-memory transport")
                + ", clients " + (placement == .separate ? "in a child process" : "in this process")
                + "; RLIMIT_NOFILE \(limits.soft) (hard \(limits.hard)); settle \(self.options.settle) before each reading"
        )
        let watchdog = Watchdog("memory", timeout: .seconds(900))
        defer { watchdog.disarm() }

        let logger = NacosLogger(label: "nacos-bench", logLevel: .warning)
        // In memory, one group of two loops carries both ends of every pipe (the transport alternates them).
        let serverGroup = try NacosEventLoopGroup(numberOfThreads: transport == .inMemory ? 2 : 1, logger: logger)
        let clientGroup = transport == .tcp && placement == .same ? try NacosEventLoopGroup(numberOfThreads: 1, logger: logger) : nil
        let outcome: Result<[MemoryStage], any Error>
        do {
            outcome = .success(
                try await self.measure(transport: transport, placement: placement, serverGroup: serverGroup, clientGroup: clientGroup, logger: logger)
            )
        } catch {
            outcome = .failure(error)
        }
        await clientGroup?.shutdownGracefully()
        await serverGroup.shutdownGracefully()
        let stages = try outcome.get()

        BenchmarkOutput.result("")
        BenchmarkOutput.result(MemoryResultTable(stages: stages).render())
        BenchmarkOutput.result("")
        self.summarize(stages, clientsInThisProcess: placement == .same)
        return stages
    }

    private func measure(
        transport: MemoryOptions.Transport,
        placement: MemoryOptions.ClientPlacement,
        serverGroup: NacosEventLoopGroup,
        clientGroup: NacosEventLoopGroup?,
        logger: NacosLogger
    ) async throws -> [MemoryStage] {
        let workload = self.options.workload
        let serverTransport: any NacosTransport
        let clientTransport: (any NacosTransport)?
        let address: NacosSocketAddress
        switch transport {
        case .tcp:
            serverTransport = NacosTCPTransport(group: serverGroup, logger: logger)
            clientTransport = clientGroup.map { NacosTCPTransport(group: $0, logger: logger) }
            address = .loopbackIPv4()
        case .inMemory:
            let shared = NacosInMemoryTransport(group: serverGroup, logger: logger)
            serverTransport = shared
            clientTransport = shared
            address = .inMemory("nacos-bench-memory")
        }
        let server = try await NamingBenchmarkServer.start(
            configuration: NamingBenchmarkServer.configuration(),
            transport: serverTransport,
            group: serverGroup,
            address: address,
            logger: logger
        )
        var clients: [NacosRpcClient] = []
        var child: MemoryClientProcess?
        let outcome: Result<[MemoryStage], any Error>
        do {
            var stages: [MemoryStage] = []
            stages.append(await self.reading("started", added: "-", count: 0, server: server, child: nil))

            BenchmarkOutput.progress("connecting \(ResultTable.grouped(workload.connections)) naming clients...")
            if let clientTransport {
                let factory = NamingClientFactory(
                    server: server.address,
                    transport: clientTransport,
                    clock: NacosSystemClock(group: clientGroup ?? serverGroup),
                    logger: logger
                )
                clients = try await factory.connect(
                    workload.connections,
                    prefix: "memory",
                    prepare: { client, _ in MemoryWorkload.acknowledgePushes(client) },
                    progress: { BenchmarkOutput.progress("  \(ResultTable.grouped($0)) connected") }
                )
            } else {
                let process = try MemoryClientProcess(port: server.address.port, workload: workload)
                child = process
                _ = try await process.send(nil, awaiting: "connected")
            }
            try await Poll.until("\(workload.connections) naming clients on the server", timeout: .seconds(120)) {
                server.namingClientCount >= workload.connections
            }
            stages.append(
                await self.reading(
                    "connected",
                    added: "\(ResultTable.grouped(workload.connections)) connections",
                    count: workload.connections,
                    server: server,
                    child: child
                )
            )

            BenchmarkOutput.progress("registering \(ResultTable.grouped(workload.instances)) instances...")
            let registered: Int
            if let child {
                registered = try await child.send("register", awaiting: "registered")
            } else {
                registered = try await workload.register(clients)
            }
            try await Poll.until("\(registered) instances in the registry", timeout: .seconds(120)) {
                server.size.instances >= registered
            }
            stages.append(
                await self.reading("registered", added: "\(ResultTable.grouped(registered)) instances", count: registered, server: server, child: child)
            )

            BenchmarkOutput.progress("subscribing \(ResultTable.grouped(workload.subscriptions)) times...")
            let subscribed: Int
            if let child {
                subscribed = try await child.send("subscribe", awaiting: "subscribed")
            } else {
                subscribed = try await workload.subscribe(clients)
            }
            try await Poll.until("\(subscribed) subscriptions and their first pushes", timeout: .seconds(120)) {
                server.registry.push.statistics.succeeded >= subscribed && server.registry.push.pendingTasks.isEmpty
            }
            stages.append(
                await self.reading("subscribed", added: "\(ResultTable.grouped(subscribed)) subscriptions", count: subscribed, server: server, child: child)
            )
            outcome = .success(stages)
        } catch {
            outcome = .failure(error)
        }
        // Stop pushing first, so that the disconnects' deregistrations are not pushed to closing subscribers.
        server.registry.shutdown()
        child?.stop()
        for client in clients { client.shutdown() }
        await server.shutdown()
        return try outcome.get()
    }

    /// Waits `settle`, then reads this process's RSS, trims the heap and reads it again.
    private func reading(_ name: String, added: String, count: Int, server: NamingBenchmarkServer, child: MemoryClientProcess?) async -> MemoryStage {
        try? await Task.sleep(for: self.options.settle)
        let size = server.size
        let resident = ProcessResources.residentBytes() ?? 0
        ProcessResources.trimHeap()
        let trimmed = ProcessResources.residentBytes() ?? 0
        let stage = MemoryStage(
            name: name,
            added: added,
            count: count,
            residentBytes: resident,
            trimmedResidentBytes: trimmed,
            clientResidentBytes: child.flatMap { ProcessResources.residentBytes(of: $0.processIdentifier) },
            size: size
        )
        BenchmarkOutput.progress(
            "  \(name): RSS \(ProcessResources.formatMebibytes(resident)), \(ProcessResources.formatMebibytes(trimmed)) after trim; \(size)"
        )
        return stage
    }

    private func summarize(_ stages: [MemoryStage], clientsInThisProcess: Bool) {
        guard let first = stages.first, let last = stages.last else { return }
        func perItem(_ name: String) -> String? {
            guard let index = stages.firstIndex(where: { $0.name == name }), index > 0, stages[index].count > 0 else { return nil }
            let delta = stages[index].trimmedResidentBytes - stages[index - 1].trimmedResidentBytes
            return "\(ResultTable.grouped(delta / stages[index].count)) B"
        }
        if let connection = perItem("connected") {
            BenchmarkOutput.result(
                "per connection: \(connection)" + (clientsInThisProcess ? " (server and client side together: the clients run in this process)" : " (server side)")
            )
        }
        if let instance = perItem("registered") { BenchmarkOutput.result("per instance: \(instance) (Δ RSS after trim / instances)") }
        if let subscription = perItem("subscribed") { BenchmarkOutput.result("per subscription: \(subscription) (including its first push)") }
        let total = last.trimmedResidentBytes
        BenchmarkOutput.result(
            "RSS at the end: \(ProcessResources.formatMebibytes(last.residentBytes)) (\(ProcessResources.formatMebibytes(total)) after trim), "
                + "\(ProcessResources.formatMebibytes(total - first.trimmedResidentBytes)) above the started registry; "
                + "goal <= 100 MB: " + (last.residentBytes <= Self.goalBytes ? "met" : "not met")
                + (clientsInThisProcess ? " (this figure includes the clients)" : "")
        )
    }
}
