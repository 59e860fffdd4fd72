import NacosClient
import NacosDistro
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosServer
import NacosTransport

/// One latency scenario of `nacos-bench distro`: a fresh cluster of `DistroOptions.nodes` members with one
/// Distro sync delay; an SDK (`NamingService`) on node A registers its instance of a probe service again and
/// again, each time with a new port and sequence number, while SDK subscribers on node B and on node A
/// itself time the listener event that shows each registration; optionally while other connections
/// register into node A at a target rate.
///
/// Registrations go one at a time (the next after both subscribers saw the previous one and a random
/// pause of up to 1 ms), so each one is a lone change: the latency of one replicated change, the case the
/// sync delay delays most.
struct DistroLatencyScenario {
    /// What to run.
    let options: DistroOptions
    /// Every node's Distro sync delay, in milliseconds.
    let syncDelayMilliseconds: Int
    /// Background registrations per second on node A (0 = idle).
    let load: Int

    /// The service the provider registers into and the subscribers follow.
    private static let probeService = "distro-probe"
    /// The address of the provider's instance.
    private static let providerIp = "10.254.0.1"

    /// Starts the cluster and the clients, measures, and stops everything again.
    ///
    /// - Throws: `BenchmarkError` (or a transport error) when the cluster does not form, a client cannot
    ///   connect, or the background load fails.
    func run() async throws -> DistroLatencyResult {
        let logger = NacosLogger(label: "nacos-bench", logLevel: .error)
        let ports = try DistroPortPicker.httpPorts(count: self.options.nodes)
        let members = ports.map { "127.0.0.1:\($0)" }
        let clientGroup = try NacosEventLoopGroup(numberOfThreads: 1, logger: logger)
        var nodes: [DistroBenchmarkNode] = []
        var services: [NamingService] = []
        var loadClients: [NacosRpcClient] = []
        let outcome: Result<DistroLatencyResult, any Error>
        do {
            for port in ports {
                let configuration = DistroBenchmarkNode.configuration(
                    httpPort: port,
                    members: members,
                    syncDelay: .milliseconds(self.syncDelayMilliseconds),
                    clusterMaxFrameMiB: self.options.clusterMaxFrameMiB
                )
                nodes.append(try await DistroBenchmarkNode.start(configuration: configuration, threads: self.options.serverThreads, logger: logger))
            }
            let cluster = nodes
            try await Poll.until("every node initialized and seeing every member UP", timeout: .seconds(60)) {
                cluster.allSatisfy { $0.cluster.isInitialized && $0.seesEveryMemberUp }
            }
            let nodeA = nodes[0]
            let nodeB = nodes[1]
            let provider = try Self.makeService(on: nodeA, group: clientGroup, logger: logger)
            let remoteSubscriber = try Self.makeService(on: nodeB, group: clientGroup, logger: logger)
            let localSubscriber = try Self.makeService(on: nodeA, group: clientGroup, logger: logger)
            services = [provider, remoteSubscriber, localSubscriber]
            for service in services {
                guard await service.start() else {
                    throw BenchmarkError("a naming service could not connect to \(service.configuration.serverAddresses[0])")
                }
            }

            let remoteProbe = SequenceLatencyProbe(providerIp: Self.providerIp)
            let localProbe = SequenceLatencyProbe(providerIp: Self.providerIp)
            // The first registration and the subscriptions; their events are waited for but not timed.
            let first = MonotonicClock.nanoseconds()
            remoteProbe.expect(0, sentAt: first)
            localProbe.expect(0, sentAt: first)
            try await provider.registerInstance(serviceName: Self.probeService, instance: Self.instance(sequence: 0))
            try await remoteSubscriber.subscribe(serviceName: Self.probeService, listener: remoteProbe.listener)
            try await localSubscriber.subscribe(serviceName: Self.probeService, listener: localProbe.listener)
            guard await remoteProbe.latency(timeout: .seconds(10)) != nil else {
                throw BenchmarkError("the subscriber on node B never saw the provider's first instance")
            }
            guard await localProbe.latency(timeout: .seconds(10)) != nil else {
                throw BenchmarkError("the subscriber on node A never saw the provider's first instance")
            }

            // Every node lists the first instance: every link from A carries syncs (a link to a member that
            // started after A connects in the background, and a sync that failed meanwhile is retried).
            let probeKey = Service(namespace: "public", group: NamingDefaults.group, name: Self.probeService)
            try await Poll.until("every node listing the provider's first instance") {
                cluster.allSatisfy { node in node.node.registry.storage.instances(of: probeKey).contains { $0.ip == Self.providerIp } }
            }

            let recorder = RpcLoadRecorder()
            if self.load > 0 {
                let factory = NamingClientFactory(
                    server: nodeA.clientRpcAddress,
                    transport: NacosTCPTransport(group: clientGroup, logger: logger),
                    clock: NacosSystemClock(group: clientGroup),
                    logger: logger
                )
                loadClients = try await factory.connect(self.options.loadConnections, prefix: "distro-load")
                let expected = loadClients.count + 2
                try await Poll.until("\(expected) naming clients on node A") {
                    nodeA.node.registry.clients.connectionClients.nativeClientCount >= expected
                }
            }
            let lanes = RegistrationLoad(
                clients: loadClients,
                inFlight: self.options.loadInFlight,
                servicePrefix: "distro-load",
                serviceCount: self.options.loadServiceCount,
                targetRate: Double(self.load),
                recordsLatency: false
            ).start(recorder: recorder)
            if self.load > 0 { try? await Task.sleep(for: self.options.warmup) }

            let begin = recorder.beginMeasurement()
            let distroBefore = nodeA.cluster.distro.statistics
            let cpuBefore = CPUUsageSample.now()
            var remote: [UInt32] = []
            var local: [UInt32] = []
            var roundTrips: [UInt32] = []
            remote.reserveCapacity(self.options.samples)
            local.reserveCapacity(self.options.samples)
            roundTrips.reserveCapacity(self.options.samples)
            var remoteLost = 0
            var localLost = 0
            for sequence in 1...(self.options.warmupSamples + self.options.samples) {
                if let failure = recorder.failure { throw BenchmarkError("background load: \(failure)") }
                let sent = MonotonicClock.nanoseconds()
                remoteProbe.expect(sequence, sentAt: sent)
                localProbe.expect(sequence, sentAt: sent)
                try await provider.registerInstance(serviceName: Self.probeService, instance: Self.instance(sequence: sequence))
                let roundTrip = MonotonicClock.nanoseconds() &- sent
                let remoteLatency = await remoteProbe.latency(timeout: self.options.sampleTimeout)
                let localLatency = await localProbe.latency(timeout: self.options.sampleTimeout)
                if sequence > self.options.warmupSamples {
                    roundTrips.append(UInt32(clamping: roundTrip))
                    if let remoteLatency { remote.append(UInt32(clamping: remoteLatency)) } else { remoteLost += 1 }
                    if let localLatency { local.append(UInt32(clamping: localLatency)) } else { localLost += 1 }
                }
                try? await Task.sleep(for: .microseconds(Int.random(in: 0...1000)))
            }
            let cpuAfter = CPUUsageSample.now()
            let distroAfter = nodeA.cluster.distro.statistics
            let end = recorder.endMeasurement()
            for lane in lanes { _ = await lane.value }
            if let failure = recorder.failure { throw BenchmarkError("background load: \(failure)") }
            let seconds = Double(end.nanoseconds &- begin.nanoseconds) / 1e9
            remote.sort()
            local.sort()
            outcome = .success(
                DistroLatencyResult(
                    syncDelayMilliseconds: self.syncDelayMilliseconds,
                    nodes: nodes.count,
                    targetLoad: self.load,
                    achievedLoad: Double(end.count - begin.count) / seconds,
                    remoteLatencies: remote,
                    localLatencies: local,
                    registerRoundTrips: roundTrips,
                    remoteLost: remoteLost,
                    localLost: localLost,
                    syncsPerSecond: Double(distroAfter.syncSucceeded - distroBefore.syncSucceeded) / seconds,
                    syncFailures: distroAfter.syncFailed - distroBefore.syncFailed,
                    processCPUPercent: cpuAfter.processPercent(since: cpuBefore),
                    otherCPUPercent: cpuAfter.otherProcessesPercent(since: cpuBefore)
                )
            )
        } catch {
            outcome = .failure(error)
        }
        for service in services { service.shutdown() }
        for client in loadClients { client.shutdown() }
        for node in nodes.reversed() { await node.stop() }
        await clientGroup.shutdownGracefully()
        return try outcome.get()
    }

    /// A naming service (not started) connected to `node`'s client RPC port, on the clients' loop.
    private static func makeService(on node: DistroBenchmarkNode, group: NacosEventLoopGroup, logger: NacosLogger) throws -> NamingService {
        try NamingService(
            configuration: NamingClientConfiguration(serverAddresses: [node.clientRpcAddress], appName: "nacos-bench"),
            transport: NacosTCPTransport(group: group, logger: logger),
            clock: NacosSystemClock(group: group),
            logger: logger
        )
    }

    /// The provider's instance for registration `sequence`: a new port and `seq` = `sequence`.
    private static func instance(sequence: Int) -> Instance {
        Instance(
            ip: Self.providerIp,
            port: 20_000 + sequence % 20_000,
            metadata: [SequenceLatencyProbe.sequenceKey: String(sequence), "version": "1.0.0"]
        )
    }
}
