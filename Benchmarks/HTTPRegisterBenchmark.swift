import Foundation
import NacosHTTP
import NacosNaming
import NacosRemote
import NacosTransport

/// Measures HTTP v1 registrations per second (`POST /nacos/v1/ns/instance`, what 1.x clients send): the
/// Open API of a naming registry behind a `NacosHTTPServer` on its own event loop group, and keep-alive
/// connections on another, over 127.0.0.1. Request `n` of connection `i` registers instance
/// `10.<i/256>.<i%256>.1:<1024 + n % 50000>` into service `svc-<n % services>`: every request is a distinct
/// 1.x client (one ip:port, one service) until the ports wrap, as a fleet of 1.x applications looks.
struct HTTPRegisterBenchmark {
    /// What to run (`--in-flight` is the pipelining depth per connection).
    let options: RegisterOptions

    /// Runs every scenario on a fresh registry and prints the table; returns the results.
    func run() async throws -> [RegisterResult] {
        try await RegisterScenarios.run(
            header: "http-register",
            setup: "server threads \(self.options.serverThreads), client threads 1, warm-up \(self.options.warmup), "
                    + "duration \(self.options.duration) per scenario, TCP 127.0.0.1, keep-alive, "
                    + "\(self.options.serviceCount) services, POST /nacos/v1/ns/instance",
            options: self.options,
            goal: 50_000,
            goalText: "50,000 HTTP registrations/s"
        ) { connections, inFlight in
            try await self.measure(connections: connections, inFlight: inFlight)
        }
    }

    private func measure(connections: Int, inFlight: Int) async throws -> RegisterResult {
        let logger = NacosLogger(label: "nacos-bench", logLevel: .warning)
        let serverGroup = try NacosEventLoopGroup(numberOfThreads: self.options.serverThreads, logger: logger)
        let clientGroup = try NacosEventLoopGroup(numberOfThreads: 1, logger: logger)
        let clock = NacosSystemClock(group: serverGroup)
        let manager = NacosConnectionManager(clock: clock, logger: logger)
        let registry = NamingRegistry(
            configuration: NamingBenchmarkServer.configuration(pushEnabled: self.options.pushEnabled),
            connectionManager: manager,
            clock: clock,
            logger: logger,
            healthProber: TCPHealthProber(transport: NacosTCPTransport(group: serverGroup, logger: logger))
        )
        registry.start()
        let api = NacosOpenAPI(context: OpenAPIContext(registry: registry, connections: manager, selfAddress: "127.0.0.1:0"))
        let server = NacosHTTPServer(
            transport: NacosTCPTransport(group: serverGroup, logger: logger),
            responder: api.makeRouter(),
            logger: logger
        )
        let outcome: Result<RegisterResult, any Error>
        var loads: [HTTPLoadConnection] = []
        do {
            let address = try await server.start(on: .loopbackIPv4())
            let recorder = RpcLoadRecorder()
            let transport = NacosTCPTransport(group: clientGroup, logger: logger)
            let serviceCount = self.options.serviceCount
            for index in 0..<connections {
                let ip = "10.\(index / 256).\(index % 256).1"
                let prefix = Array("POST /nacos/v1/ns/instance?ip=\(ip)&port=".utf8)
                let suffix = Array(" HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: Nacos-Java-Client:v1.4.1\r\nContent-Length: 0\r\n\r\n".utf8)
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let connection = HTTPLoadConnection(depth: inFlight, recorder: recorder, makeRequest: { sequence in
                        let port = 1024 + sequence % 50_000
                        return prefix + Array("\(port)&serviceName=svc-\(port % serviceCount)".utf8) + suffix
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
            try? await Task.sleep(for: self.options.warmup)
            let begin = recorder.beginMeasurement()
            let cpuBefore = CPUUsageSample.now()
            try? await Task.sleep(for: self.options.duration)
            let cpuAfter = CPUUsageSample.now()
            let end = recorder.endMeasurement()
            if let failure = recorder.failure { throw BenchmarkError("http-register: \(failure)") }
            let count = end.count - begin.count
            guard count > 0 else { throw BenchmarkError("http-register: nothing completed in \(self.options.duration)") }
            outcome = .success(
                RegisterResult(
                    connections: connections,
                    inFlight: inFlight,
                    rate: Double(count) / (Double(end.nanoseconds &- begin.nanoseconds) / 1e9),
                    latency: LatencySummary(samples: loads.flatMap(\.latencySamples)),
                    processCPUPercent: cpuAfter.processPercent(since: cpuBefore),
                    otherCPUPercent: cpuAfter.otherProcessesPercent(since: cpuBefore),
                    size: RegistrySize(of: registry)
                )
            )
        } catch {
            outcome = .failure(error)
        }
        for load in loads {
            clientGroup.next().execute { load.close() }
        }
        registry.shutdown()
        await server.shutdown(gracePeriod: .zero)
        manager.shutdown()
        await clientGroup.shutdownGracefully()
        await serverGroup.shutdownGracefully()
        return try outcome.get()
    }
}
