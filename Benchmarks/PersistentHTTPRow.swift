import Foundation
import NacosHTTP
import NacosNaming
import NacosRemote
import NacosTransport

/// The end-to-end row of `nacos-bench persistent`: `--writers` keep-alive HTTP connections (one request in
/// flight each) send `POST /nacos/v1/ns/instance?…&ephemeral=false` to the Open API of a registry over
/// SQLite behind a `NacosHTTPServer`, all in this process over 127.0.0.1; time-based (1 s warm-up, 5 s
/// measured), every request a new ip:port.
struct PersistentHTTPRow {
    /// The run's settings.
    let options: PersistentOptions

    /// Measures the row on a fresh SQLite file.
    ///
    /// - Throws: `BenchmarkError` when the server cannot start or the load fails.
    func measure() async throws -> PersistentResult {
        let directory = try BenchmarkDirectory("sqlite-http")
        defer { directory.remove() }
        let logger = NacosLogger(label: "nacos-bench", logLevel: .warning)
        let host = try DurableRegistry.make(store: BenchmarkStores.sqlite(path: directory.file("nacos.db")), logger: logger)
        let serverGroup = try NacosEventLoopGroup(numberOfThreads: 1, logger: logger)
        let clientGroup = try NacosEventLoopGroup(numberOfThreads: 1, logger: logger)
        let api = NacosOpenAPI(context: OpenAPIContext(registry: host.registry, connections: host.manager, selfAddress: "127.0.0.1:0"))
        let server = NacosHTTPServer(transport: NacosTCPTransport(group: serverGroup, logger: logger), responder: api.makeRouter(), logger: logger)
        var loads: [HTTPLoadConnection] = []
        let outcome: Result<PersistentResult, any Error>
        do {
            try await host.open()
            let address = try await server.start(on: .loopbackIPv4())
            BenchmarkOutput.progress("NamingRegistry + SQLite over HTTP: \(self.options.writers) connections, 1 s warm-up, 5 s measured")
            let recorder = RpcLoadRecorder()
            let transport = NacosTCPTransport(group: clientGroup, logger: logger)
            let services = self.options.services
            for index in 0..<self.options.writers {
                let prefix = Array("POST /nacos/v1/ns/instance?ip=10.\(index / 256).\(index % 256).1&port=".utf8)
                let suffix = Array(" HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: Nacos-Java-Client:v1.4.1\r\nContent-Length: 0\r\n\r\n".utf8)
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let connection = HTTPLoadConnection(depth: 1, recorder: recorder, makeRequest: { sequence in
                        let port = 1024 + sequence % 50_000
                        return prefix + Array("\(port)&serviceName=persistent-\(sequence % services)&ephemeral=false".utf8) + suffix
                    }) { result in
                        continuation.resume(with: result)
                    }
                    loads.append(connection)
                    do {
                        try transport.connectStream(to: address, timeout: .seconds(3)) { _ in connection }
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
            }
            try? await Task.sleep(for: .seconds(1))
            let begin = recorder.beginMeasurement()
            let cpuBefore = CPUUsageSample.now()
            try? await Task.sleep(for: .seconds(5))
            let cpuAfter = CPUUsageSample.now()
            let end = recorder.endMeasurement()
            if let failure = recorder.failure { throw BenchmarkError("persistent over HTTP: \(failure)") }
            // The requests in flight at the end finish; then every answered request must be a stored instance.
            try? await Task.sleep(for: .milliseconds(500))
            let answered = recorder.beginMeasurement().count
            let stored = RegistrySize(of: host.registry).instances
            let count = end.count - begin.count
            guard count > 0 else { throw BenchmarkError("persistent over HTTP: nothing completed in 5 s") }
            let missing = max(0, answered - stored)
            outcome = .success(
                PersistentResult(
                    store: "NamingRegistry + SQLite, over HTTP",
                    isZooKeeper: false,
                    writers: "\(self.options.writers)",
                    completed: count,
                    failures: missing,
                    rate: Double(count) / (Double(end.nanoseconds &- begin.nanoseconds) / 1e9),
                    latency: LatencySummary(samples: loads.flatMap(\.latencySamples)),
                    cpuPercent: cpuAfter.processPercent(since: cpuBefore),
                    otherCPUPercent: cpuAfter.otherProcessesPercent(since: cpuBefore),
                    firstFailure: missing > 0 ? "\(answered) requests answered but \(stored) instances stored" : nil
                )
            )
        } catch {
            outcome = .failure(error)
        }
        for load in loads {
            clientGroup.next().execute { load.close() }
        }
        await server.shutdown(gracePeriod: .zero)
        await host.close()
        await clientGroup.shutdownGracefully()
        await serverGroup.shutdownGracefully()
        return try outcome.get()
    }
}
