import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization

/// A registry on a manual clock with a recording push executor and a scripted health prober, for
/// driving the naming state directly.
final class RegistryFixture: Sendable {
    let clock = NacosManualClock()
    let executor = RecordingPushExecutor()
    /// Records pushes to ip:port (UDP) subscribers, when the fixture was made with `udp: true`.
    let udpExecutor = RecordingPushExecutor()
    let prober = ScriptedProber()
    let manager: NacosConnectionManager
    let registry: NamingRegistry
    let recorded = EventRecorder()

    init(configuration: NamingConfiguration = NamingConfiguration(), udp: Bool = false) {
        self.manager = NacosConnectionManager(clock: self.clock)
        self.registry = NamingRegistry(
            configuration: configuration,
            connectionManager: self.manager,
            clock: self.clock,
            logger: NacosLogger(label: "naming-fixture", handler: CapturingLogHandler()),
            pushExecutor: self.executor,
            healthProber: self.prober,
            udpExecutor: udp ? self.udpExecutor : nil
        )
        let recorded = self.recorded
        self.registry.events.subscribe(name: "recorder") { event in recorded.append(event) }
    }

    /// A synced (non-native) connection client with id `id`.
    @discardableResult
    func connectionClient(_ id: String) -> any Client {
        self.registry.clients.connectionClients.syncClientConnected(id)
        return self.registry.clients.client(id)!
    }

    /// `ip:port` as an instance in `cluster`.
    static func instance(_ ip: String, _ port: Int, cluster: String? = nil, healthy: Bool = true, enabled: Bool = true, weight: Double = 1, metadata: [String: String] = [:]) -> Instance {
        Instance(ip: ip, port: port, weight: weight, healthy: healthy, enabled: enabled, clusterName: cluster, metadata: metadata)
    }

    /// A subscriber record for `service` wanting `clusters`.
    static func subscriber(_ service: Service, clusters: String = "") -> Subscriber {
        Subscriber(
            address: "10.0.0.9",
            agent: "test",
            app: "app",
            ip: "10.0.0.9",
            namespace: service.namespace,
            groupedServiceName: service.groupedServiceName,
            clusters: clusters
        )
    }
}

/// Collects every event the bus delivered, in order.
final class EventRecorder: Sendable {
    private let events = Mutex<[RegistryEvent]>([])

    func append(_ event: RegistryEvent) { self.events.withLock { $0.append(event) } }

    var all: [RegistryEvent] { self.events.withLock { $0 } }

    func contains(_ event: RegistryEvent) -> Bool { self.all.contains(event) }
}

/// Records pushes instead of sending them; can fail or hold pushes to chosen clients.
final class RecordingPushExecutor: PushExecutor {
    struct Push: Sendable {
        let clientId: String
        let info: ServiceInfo
    }

    private struct State {
        var pushes: [Push] = []
        var failing: Set<String> = []
        var failingForGood: Set<String> = []
        var attempts: [String: Int] = [:]
        var holding: [String: AsyncGate] = [:]
    }

    private let state = Mutex(State())

    func push(_ request: NotifySubscriberRequest, to clientId: String, timeout: Duration) async throws {
        let (fail, failForGood, gate) = self.state.withLock { state in
            state.attempts[clientId, default: 0] += 1
            return (state.failing.contains(clientId), state.failingForGood.contains(clientId), state.holding[clientId])
        }
        if let gate { await gate.wait() }
        if failForGood { throw GaveUpPushing(clientId: clientId) }
        if fail { throw NacosException(.clientError, "refused by the test") }
        self.state.withLock { $0.pushes.append(Push(clientId: clientId, info: request.serviceInfo ?? ServiceInfo())) }
    }

    /// How many pushes to `clientId` were attempted (failed ones included).
    func attempts(to clientId: String) -> Int { self.state.withLock { $0.attempts[clientId, default: 0] } }

    /// Makes pushes to `clientId` fail with a `NonRetryablePushError`.
    func setFailingForGood(_ clientId: String) {
        self.state.withLock { _ = $0.failingForGood.insert(clientId) }
    }

    var pushes: [Push] { self.state.withLock { $0.pushes } }

    func pushes(to clientId: String) -> [Push] { self.pushes.filter { $0.clientId == clientId } }

    func setFailing(_ clientId: String, _ failing: Bool) {
        self.state.withLock { state in
            if failing { state.failing.insert(clientId) } else { state.failing.remove(clientId) }
        }
    }

    func hold(_ clientId: String, with gate: AsyncGate) {
        self.state.withLock { $0.holding[clientId] = gate }
    }
}

/// A push failure the push service must not retry.
struct GaveUpPushing: NonRetryablePushError {
    let clientId: String
}

/// A health prober whose answers the test sets per address.
final class ScriptedProber: HealthProber {
    private let answers = Mutex<[String: Bool]>([:])
    private let probed = Mutex<[String]>([])
    private let probes = Atomic<Int>(0)

    func set(_ address: String, answers value: Bool) {
        self.answers.withLock { $0[address] = value }
    }

    var probeCount: Int { self.probes.load(ordering: .relaxed) }

    /// Every `ip:port` probed, in order.
    var probedAddresses: [String] { self.probed.withLock { $0 } }

    func probe(ip: String, port: Int, timeout: Duration) async -> Bool {
        self.probes.add(1, ordering: .relaxed)
        self.probed.withLock { $0.append("\(ip):\(port)") }
        return self.answers.withLock { $0["\(ip):\(port)"] ?? false }
    }
}
