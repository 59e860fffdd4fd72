import Foundation
import NacosDistro
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosServer
import NacosTransport

/// The snapshot scenario of `nacos-bench distro`: a two-member cluster A, B forms; A is filled with
/// `DistroOptions.instances` ephemeral instances; B is stopped and started again (on the same ports, as a
/// restarted member) `snapshotRuns` times, each time timed from the start call until its Distro reports
/// initialized — the snapshot loaded from A and applied — and checked to list every instance.
///
/// A is filled directly in its registry, not over connections: `instances / instancesPerClient` connection
/// clients (ids as `NacosRpcServer` makes them) are created as synced copies
/// (`ConnectionBasedClientManager.syncClientConnected`, as if a third member held their connections) and
/// publish one instance each into `instancesPerClient` different services through
/// `ClientOperationService.registerInstance`. A snapshot holds native and synced clients alike, with the
/// same data, so B loads exactly what it would for as many SDK connections; and since A replicates only
/// native clients, the fill causes no Distro traffic of its own.
struct DistroSnapshotScenario {
    /// What to run.
    let options: DistroOptions

    /// Runs the scenario and stops both nodes again.
    ///
    /// - Throws: `BenchmarkError` (or a transport error) when the cluster does not form or the fill fails.
    func run() async throws -> DistroSnapshotResult {
        let logger = NacosLogger(label: "nacos-bench", logLevel: .error)
        let ports = try DistroPortPicker.httpPorts(count: 2)
        let members = ports.map { "127.0.0.1:\($0)" }
        let configurations = ports.map { port in
            DistroBenchmarkNode.configuration(
                httpPort: port,
                members: members,
                syncDelay: .milliseconds(self.options.syncDelaysMilliseconds.first ?? 20),
                clusterMaxFrameMiB: self.options.clusterMaxFrameMiB
            )
        }
        var nodeA: DistroBenchmarkNode?
        var nodeB: DistroBenchmarkNode?
        let outcome: Result<DistroSnapshotResult, any Error>
        do {
            let a = try await DistroBenchmarkNode.start(configuration: configurations[0], threads: self.options.serverThreads, logger: logger)
            nodeA = a
            let firstB = try await DistroBenchmarkNode.start(configuration: configurations[1], threads: self.options.serverThreads, logger: logger)
            nodeB = firstB
            try await Poll.until("both nodes initialized and seeing each other UP", timeout: .seconds(60)) {
                a.cluster.isInitialized && firstB.cluster.isInitialized && a.seesEveryMemberUp && firstB.seesEveryMemberUp
            }

            BenchmarkOutput.progress("  filling node A with \(ResultTable.grouped(self.options.instances)) instances...")
            let fillStart = MonotonicClock.nanoseconds()
            let layout = try Self.fill(a.node.registry, instances: self.options.instances, perClient: self.options.instancesPerClient)
            let fillNanoseconds = MonotonicClock.nanoseconds() &- fillStart
            let held = RegistrySize(of: a.node.registry)
            guard held.instances == self.options.instances else {
                throw BenchmarkError("node A holds \(held.instances) instances after the fill, not \(self.options.instances)")
            }
            await firstB.stop()
            nodeB = nil

            // The snapshot A will answer with, its steps timed once on their own.
            let breakdown = try await DistroSnapshotBreakdown.measure(processor: a.cluster.processor, logger: logger)
            guard breakdown.clients == layout.clients else {
                throw BenchmarkError("node A's snapshot holds \(breakdown.clients) clients, not \(layout.clients)")
            }
            let frameLimit = configurations[1].rpc.clusterMaxFrameLength
            BenchmarkOutput.progress(
                "  node A: \(held); snapshot \(Self.mebibytes(breakdown.snapshotBytes)) of JSON, a response body of "
                    + "\(Self.mebibytes(breakdown.responseBytes)); cluster frame limit \(Self.mebibytes(frameLimit))"
            )
            if breakdown.responseBytes >= frameLimit {
                BenchmarkOutput.progress(
                    "  warning: the snapshot does not fit in one cluster RPC frame; node B cannot load it "
                        + "(--cluster-max-frame-mib raises the limit)"
                )
            }
            // Let A's event bus and push service finish the fill's events before B starts.
            await Self.waitUntilQuiet()

            let cpuBefore = CPUUsageSample.now()
            var runs: [DistroSnapshotRun] = []
            for index in 1...self.options.snapshotRuns {
                let start = MonotonicClock.nanoseconds()
                let b = try await DistroBenchmarkNode.start(configuration: configurations[1], threads: self.options.serverThreads, logger: logger)
                nodeB = b
                let started = MonotonicClock.nanoseconds() &- start
                var initialized: UInt64?
                while MonotonicClock.nanoseconds() &- start < 30_000_000_000 {
                    if b.cluster.isInitialized {
                        initialized = MonotonicClock.nanoseconds() &- start
                        break
                    }
                    try? await Task.sleep(for: .milliseconds(1))
                }
                let run = DistroSnapshotRun(
                    startNanoseconds: started,
                    initializedNanoseconds: initialized,
                    instancesListed: RegistrySize(of: b.node.registry).instances,
                    failedLoads: b.cluster.distro.statistics.loadFailed
                )
                runs.append(run)
                BenchmarkOutput.progress(
                    "  run \(index): "
                        + (initialized.map { "initialized after \(Self.milliseconds($0))" } ?? "not initialized within 30 s")
                        + ", \(ResultTable.grouped(run.instancesListed)) instances listed, \(run.failedLoads) failed loads"
                )
                await b.stop()
                nodeB = nil
                if initialized == nil { break }
            }
            let cpuAfter = CPUUsageSample.now()
            outcome = .success(
                DistroSnapshotResult(
                    instances: held.instances,
                    clients: layout.clients,
                    services: held.services,
                    clusterMaxFrameLength: frameLimit,
                    breakdown: breakdown,
                    fillNanoseconds: fillNanoseconds,
                    runs: runs,
                    otherCPUPercent: cpuAfter.otherProcessesPercent(since: cpuBefore)
                )
            )
        } catch {
            outcome = .failure(error)
        }
        if let nodeB { await nodeB.stop() }
        if let nodeA { await nodeA.stop() }
        return try outcome.get()
    }

    /// Creates `instances / perClient` synced connection clients in `registry`, client `c` publishing
    /// `10.x.y.z:8080` (its own address) into services `snapshot-((c × perClient + i) mod services)` for
    /// `i` in `0..<perClient`, with `services` = max(perClient, clients): each client in `perClient`
    /// different services, each service with instances of `perClient` clients.
    private static func fill(_ registry: NamingRegistry, instances: Int, perClient: Int) throws -> (clients: Int, services: Int) {
        let clients = (instances + perClient - 1) / perClient
        let services = max(perClient, clients)
        let names = (0..<services).map { Service(namespace: "public", group: NamingDefaults.group, name: "snapshot-\($0)") }
        let stamp = registry.clock.nowMillis()
        var remaining = instances
        for client in 0..<clients {
            let ip = NamingClientFactory.clientIp(client)
            let clientId = "\(stamp)_\(ip)_\(40_000 + client % 20_000)"
            registry.clients.connectionClients.syncClientConnected(clientId)
            let instance = Instance(ip: ip, port: 8080, metadata: ["version": "1.0.0"])
            for index in 0..<min(perClient, remaining) {
                try registry.operations.registerInstance(instance, service: names[(client * perClient + index) % services], clientId: clientId)
            }
            remaining -= min(perClient, remaining)
        }
        return (clients, services)
    }

    /// Waits until this process uses less than 10% of a core over 200 ms, at most 15 s.
    private static func waitUntilQuiet() async {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(15)
        while clock.now < deadline {
            let before = CPUUsageSample.now()
            try? await Task.sleep(for: .milliseconds(200))
            if CPUUsageSample.now().processPercent(since: before) < 10 { return }
        }
    }

    /// `12.3 MiB`.
    static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }

    /// `123.4 ms`.
    static func milliseconds(_ nanoseconds: UInt64) -> String {
        String(format: "%.1f ms", Double(nanoseconds) / 1e6)
    }
}
