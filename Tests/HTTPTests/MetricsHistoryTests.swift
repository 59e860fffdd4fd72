import NacosHTTP
import NacosNaming
import NacosNamingAPI
import NacosRemote
import Synchronization
import Testing

/// `MetricsHistory` driven by a manual clock (rates from counter deltas, push percentiles from histogram
/// deltas, the bounded ring, start and stop) and its route `GET /nacos/v1/console/metrics/history`.
@Suite("Console metrics history") struct MetricsHistoryTests {
    static let path = "/nacos/v1/console/metrics/history"

    /// A reading a test changes between ticks.
    final class Counters: Sendable {
        private let reading = Mutex(MetricsHistory.Reading())

        var current: MetricsHistory.Reading { self.reading.withLock { $0 } }

        func update(_ change: (inout MetricsHistory.Reading) -> Void) {
            self.reading.withLock { change(&$0) }
        }

        /// Records `count` pushes of `milliseconds` each.
        func push(_ count: Int, taking milliseconds: Int) {
            self.update { reading in
                reading.pushes += UInt64(count)
                for _ in 0..<count { reading.pushLatency.record(.milliseconds(milliseconds)) }
            }
        }
    }

    static func history(capacity: Int = 150) -> (MetricsHistory, NacosManualClock, Counters) {
        let clock = NacosManualClock(startMillis: 1_700_000_000_000)
        let counters = Counters()
        let history = MetricsHistory(interval: .seconds(2), capacity: capacity, clock: clock) { counters.current }
        return (history, clock, counters)
    }

    @Test func samplesAreRatesOfTheCountersSinceThePreviousTick() {
        let (history, clock, counters) = Self.history()
        history.start()
        #expect(history.isRunning)
        #expect(history.samples.isEmpty, "start only takes the first reading")
        counters.update { $0.registrations = 10; $0.connections = 3; $0.services = 2; $0.instances = 5 }
        counters.push(4, taking: 3)
        clock.advance(by: .seconds(2))
        var samples = history.samples
        #expect(samples.count == 1)
        #expect(samples[0].timeMillis == 1_700_000_002_000)
        #expect(samples[0].registrationsPerSecond == 5)
        #expect(samples[0].pushesPerSecond == 2)
        #expect(samples[0].connections == 3 && samples[0].services == 2 && samples[0].instances == 5)
        // All four pushes took 3 ms: in the (2, 5] bucket, interpolated.
        #expect(samples[0].pushP50Milliseconds == 3.5)
        #expect(abs((samples[0].pushP99Milliseconds ?? 0) - 4.97) < 1e-9)

        // A tick without pushes has no percentiles; gauges are the current values.
        counters.update { $0.registrations = 11; $0.instances = 6 }
        clock.advance(by: .seconds(2))
        samples = history.samples
        #expect(samples.count == 2)
        #expect(samples[1].registrationsPerSecond == 0.5)
        #expect(samples[1].pushesPerSecond == 0)
        #expect(samples[1].pushP50Milliseconds == nil && samples[1].pushP99Milliseconds == nil)
        #expect(samples[1].instances == 6)

        // Only the pushes of the span count: 90 fast ones and 10 slow ones.
        counters.push(90, taking: 1)
        counters.push(10, taking: 400)
        clock.advance(by: .seconds(2))
        let last = history.samples[2]
        #expect(last.pushesPerSecond == 50)
        #expect(last.pushP50Milliseconds.map { $0 > 0 && $0 <= 1 } == true, "\(String(describing: last.pushP50Milliseconds))")
        #expect(last.pushP99Milliseconds.map { $0 > 250 && $0 <= 500 } == true, "\(String(describing: last.pushP99Milliseconds))")
        #expect(clock.pendingTimerCount == 1, "one timer armed for the next tick")
    }

    @Test func quantilesFromBucketDeltas() {
        var before = NacosLatencyHistogram()
        for _ in 0..<50 { before.record(.milliseconds(2_000)) }
        var after = before
        #expect(MetricsHistory.quantile(0.5, of: after, since: before) == nil, "nothing recorded in between")
        for _ in 0..<100 { after.record(.microseconds(500)) }
        #expect(MetricsHistory.quantile(0.5, of: after, since: before) == 0.5, "linear from 0 in the first bucket")
        #expect(MetricsHistory.quantile(0.99, of: after, since: before) == 0.99)
        var slow = NacosLatencyHistogram()
        for _ in 0..<10 { slow.record(.seconds(30)) }
        #expect(MetricsHistory.quantile(0.99, of: slow, since: NacosLatencyHistogram()) == 5_000, "+Inf answers the largest finite bound")
        var mixed = NacosLatencyHistogram()
        for _ in 0..<50 { mixed.record(.milliseconds(20)) }
        for _ in 0..<50 { mixed.record(.milliseconds(80)) }
        // Rank 50 is the last of the (10, 25] bucket; rank 99 is 49/50 into (50, 100].
        #expect(MetricsHistory.quantile(0.5, of: mixed, since: NacosLatencyHistogram()) == 25)
        #expect(MetricsHistory.quantile(0.99, of: mixed, since: NacosLatencyHistogram()) == 99)
    }

    @Test func theRingIsBoundedAndKeepsTheNewest() {
        let (history, clock, counters) = Self.history(capacity: 5)
        history.start()
        for tick in 1...12 {
            counters.update { $0.instances = tick }
            clock.advance(by: .seconds(2))
        }
        let samples = history.samples
        #expect(samples.count == 5)
        #expect(samples.map(\.instances) == [8, 9, 10, 11, 12], "oldest first")
        #expect(samples.map(\.timeMillis) == (8...12).map { 1_700_000_000_000 + Int64($0) * 2_000 })
        #expect(history.window == .seconds(10))
    }

    @Test func stopAndStartAgain() {
        let (history, clock, counters) = Self.history()
        history.start()
        history.start()
        clock.advance(by: .seconds(2))
        #expect(history.samples.count == 1)
        #expect(clock.pendingTimerCount == 1, "a second start does not arm a second timer")
        history.stop()
        #expect(!history.isRunning)
        #expect(clock.pendingTimerCount == 0)
        counters.update { $0.registrations = 100 }
        clock.advance(by: .seconds(10))
        #expect(history.samples.count == 1, "no samples while stopped")
        // A new run starts from its own reading: the registrations made while stopped are not a rate.
        history.start()
        clock.advance(by: .seconds(2))
        let samples = history.samples
        #expect(samples.count == 2)
        #expect(samples[1].registrationsPerSecond == 0)
        // Samples older than the window are no longer served.
        history.stop()
        clock.advance(by: .seconds(301))
        #expect(history.samples.isEmpty)
    }

    @Test func theRegistryReadingCountsRegistrationsOfEveryKind() async throws {
        let api = try await InProcessOpenAPI()
        let clock = NacosManualClock()
        let history = MetricsHistory(registry: api.registry, connections: api.connections, clock: clock)
        history.start()
        try api.register("orders", ip: "10.0.7.1")
        try api.register("orders", ip: "10.0.7.2")
        let http = await api.call(.post, "/nacos/v1/ns/instance", [("serviceName", "billing"), ("ip", "10.0.7.3"), ("port", "80")])
        #expect(http.text == "ok")
        let persistent = await api.call(.post, "/nacos/v1/ns/instance", [("serviceName", "ledger"), ("ip", "10.0.7.4"), ("port", "80"), ("ephemeral", "false")])
        #expect(persistent.text == "ok")
        // A failed registration and a deregistration are not registrations.
        let refused = await api.call(.post, "/nacos/v1/ns/instance", [("serviceName", "ledger"), ("ip", "10.0.7.5"), ("port", "80")])
        #expect(refused.status == 400)
        _ = await api.call(.delete, "/nacos/v1/ns/instance", [("serviceName", "orders"), ("ip", "10.0.7.2"), ("port", "8080")])
        #expect(api.registry.operations.registrationCount == 4)
        clock.advance(by: .seconds(2))
        let sample = try #require(history.samples.first)
        #expect(sample.registrationsPerSecond == 2)
        #expect(sample.services == 3)
        #expect(sample.instances == 3)
        #expect(sample.connections == 0)
        #expect(sample.pushesPerSecond == 0 && sample.pushP50Milliseconds == nil)
        history.stop()
    }

    @Test func theRouteAnswersTheSamplesOr503() async throws {
        let (history, clock, counters) = Self.history()
        let api = try await InProcessOpenAPI { $0.metricsHistory = history }
        let empty = await api.get(Self.path)
        #expect(empty.status == 200 && empty.text == #"{"intervalMs":2000,"samples":[]}"#, "\(empty)")
        history.start()
        counters.update { $0.registrations = 3; $0.connections = 2; $0.services = 1; $0.instances = 4 }
        counters.push(2, taking: 3)
        clock.advance(by: .seconds(2))
        clock.advance(by: .seconds(2))
        let reply = await api.get(Self.path)
        #expect(reply.status == 200)
        #expect(reply.json["intervalMs"].int == 2_000)
        let samples = reply.json["samples"].array
        #expect(samples.count == 2)
        #expect(samples[0].keys == ["time", "registrationsPerSecond", "pushesPerSecond", "pushP50Ms", "pushP99Ms", "connections", "services", "instances"])
        #expect(samples[0]["time"].int == 1_700_000_002_000)
        #expect(samples[0]["registrationsPerSecond"].double == 1.5)
        #expect(samples[0]["pushesPerSecond"].double == 1)
        #expect(samples[0]["pushP50Ms"].double == 3.5)
        #expect(samples[0]["connections"].int == 2 && samples[0]["services"].int == 1 && samples[0]["instances"].int == 4)
        #expect(samples[1]["pushP50Ms"].exists && samples[1]["pushP50Ms"].double == nil, "null without pushes")
        #expect(reply.text.contains(#""pushP99Ms":null"#))
        history.stop()

        let without = try await InProcessOpenAPI()
        let disabled = await without.get(Self.path)
        #expect(disabled.status == 503 && disabled.text == "metrics history is not enabled on this node", "\(disabled)")
    }
}
