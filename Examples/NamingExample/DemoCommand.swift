import NacosClient
import NacosNamingAPI
import NacosTransport
import Synchronization

/// `demo`: an embedded registry on a free port, a consumer subscribed to `demo.echo`, then two providers
/// joining and one leaving; each step waits (up to 10 s) for the consumer to see it.
enum DemoCommand {
    static let service = "demo.echo"

    static func run() async throws -> Int32 {
        let quiet = NacosLogger(label: "naming-example.demo", logLevel: .warning)
        let registry = try await EmbeddedRegistry(port: 0, logger: .disabled())
        say("[demo] registry listening on \(registry.address)")
        let configuration = NamingClientConfiguration(serverAddresses: [registry.address], appName: "naming-example-demo")
        let consumer = try NamingService(configuration: configuration, logger: quiet)
        let provider1 = try NamingService(configuration: configuration, logger: quiet)
        let provider2 = try NamingService(configuration: configuration, logger: quiet)
        defer {
            for naming in [consumer, provider1, provider2] { naming.shutdown() }
        }
        for naming in [consumer, provider1, provider2] {
            guard await naming.start() else {
                printError("[demo] could not connect to \(registry.address)")
                await registry.shutdown()
                return 1
            }
        }

        let seen = SeenInstances()
        say("[demo] consumer subscribes to \(Self.service)")
        let subscription = try await consumer.subscribe(serviceName: Self.service) { event in
            say("[consumer] \(describe(event))")
            seen.record(event)
        }
        var ok = await seen.wait(for: [])

        if ok {
            say("[demo] provider-1 registers 127.0.0.1:8081")
            try await provider1.registerInstance(serviceName: Self.service, ip: "127.0.0.1", port: 8081)
            ok = await seen.wait(for: ["127.0.0.1:8081"])
        }
        if ok {
            say("[demo] provider-2 registers 127.0.0.1:8082")
            try await provider2.registerInstance(serviceName: Self.service, ip: "127.0.0.1", port: 8082)
            ok = await seen.wait(for: ["127.0.0.1:8081", "127.0.0.1:8082"])
        }
        if ok {
            say("[demo] provider-1 leaves")
            try await provider1.deregisterInstance(serviceName: Self.service, ip: "127.0.0.1", port: 8081)
            provider1.shutdown()
            ok = await seen.wait(for: ["127.0.0.1:8082"])
        }
        if ok {
            let chosen = try await consumer.selectOneHealthyInstance(serviceName: Self.service)
            say("[demo] consumer picks \(chosen?.inetAddress ?? "nothing")")
        }
        await consumer.unsubscribe(subscription)
        for naming in [consumer, provider1, provider2] { naming.shutdown() }
        await registry.shutdown()
        say(ok ? "[demo] done" : "[demo] failed: the consumer did not see the expected change in time")
        return ok ? 0 : 1
    }
}

/// The instance sets the consumer was told about, for the demo to wait on.
final class SeenInstances: Sendable {
    private let last = Mutex<Set<String>?>(nil)

    /// Records the event's `ip:port` set.
    func record(_ event: NamingEvent) {
        let addresses = Set(event.instances.map(\.inetAddress))
        self.last.withLock { $0 = addresses }
    }

    /// Waits up to 10 s until the last event listed exactly `expected`.
    func wait(for expected: Set<String>) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while ContinuousClock.now < deadline {
            if self.last.withLock({ $0 }) == expected { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }
}
