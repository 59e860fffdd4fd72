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
    let prober = ScriptedProber()
    let manager: NacosConnectionManager
    let registry: NamingRegistry
    let recorded = EventRecorder()

    init(configuration: NamingConfiguration = NamingConfiguration()) {
        self.manager = NacosConnectionManager(clock: self.clock)
        self.registry = NamingRegistry(
            configuration: configuration,
            connectionManager: self.manager,
            clock: self.clock,
            logger: NacosLogger(label: "naming-fixture", handler: CapturingLogHandler()),
            pushExecutor: self.executor,
            healthProber: self.prober
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
        var holding: [String: AsyncGate] = [:]
    }

    private let state = Mutex(State())

    func push(_ request: NotifySubscriberRequest, to clientId: String, timeout: Duration) async throws {
        let (fail, gate) = self.state.withLock { ($0.failing.contains(clientId), $0.holding[clientId]) }
        if let gate { await gate.wait() }
        if fail { throw NacosException(.clientError, "refused by the test") }
        self.state.withLock { $0.pushes.append(Push(clientId: clientId, info: request.serviceInfo ?? ServiceInfo())) }
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

/// A health prober whose answers the test sets per address.
final class ScriptedProber: HealthProber {
    private let answers = Mutex<[String: Bool]>([:])
    private let probes = Atomic<Int>(0)

    func set(_ address: String, answers value: Bool) {
        self.answers.withLock { $0[address] = value }
    }

    var probeCount: Int { self.probes.load(ordering: .relaxed) }

    func probe(ip: String, port: Int, timeout: Duration) async -> Bool {
        self.probes.add(1, ordering: .relaxed)
        return self.answers.withLock { $0["\(ip):\(port)"] ?? false }
    }
}
