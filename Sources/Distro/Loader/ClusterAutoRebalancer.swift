public import NacosRemote
public import NacosTransport
import Synchronization

/// Runs `AutoRebalanceStateMachine` every `checkInterval` on the clock when the automatic rebalance is
/// enabled: reads every member's load through the `ClusterLoader` and, on a decision, resets this node's
/// excess SDK connections toward the least loaded member (`NacosConnectionManager.loadCount`).
///
/// The redirect names the member by its `ip:port` (HTTP port); the SDK adds its RPC offset (1000).
public final class ClusterAutoRebalancer: Sendable {
    private struct State {
        var machine: AutoRebalanceStateMachine
        var task: Task<Void, Never>?
        var checking = false
        var isShutdown = false
        var decisions = 0
    }

    /// The rebalance settings.
    public let configuration: ClusterRebalanceConfiguration
    /// This node's `ip:port`.
    public let selfAddress: String
    private let clock: any NacosClock
    private let logger: NacosLogger
    private let readLoads: @Sendable (Duration) async -> [ClusterMemberLoad]
    private let apply: @Sendable (RebalanceDecision) async -> Int
    private let state: Mutex<State>

    /// Creates a rebalancer over `loader`; call `start()` to run it (it does nothing when disabled).
    public convenience init(
        configuration: ClusterRebalanceConfiguration,
        loader: ClusterLoader,
        selfAddress: String,
        clock: any NacosClock = NacosSystemClock(),
        logger: NacosLogger = NacosLogger(label: "nacos.distro.rebalance")
    ) {
        let connections = loader.connections
        self.init(
            configuration: configuration,
            selfAddress: selfAddress,
            clock: clock,
            logger: logger,
            readLoads: { timeout in await loader.memberLoads(timeout: timeout) },
            apply: { decision in
                let excess = connections.sdkConnectionCount - decision.keep
                guard excess > 0 else { return 0 }
                return await connections.loadCount(excess, redirectAddress: decision.redirectTo)
            }
        )
    }

    /// Creates a rebalancer over any source of loads and any way of applying a decision (`apply` returns
    /// how many clients acknowledged their reset).
    package init(
        configuration: ClusterRebalanceConfiguration,
        selfAddress: String,
        clock: any NacosClock,
        logger: NacosLogger,
        readLoads: @escaping @Sendable (Duration) async -> [ClusterMemberLoad],
        apply: @escaping @Sendable (RebalanceDecision) async -> Int
    ) {
        self.configuration = configuration
        self.selfAddress = selfAddress
        self.clock = clock
        self.logger = logger
        self.readLoads = readLoads
        self.apply = apply
        self.state = Mutex(State(machine: AutoRebalanceStateMachine(configuration: configuration)))
    }

    /// Overloaded checks in a row so far.
    public var consecutiveOverloadedChecks: Int { self.state.withLock { $0.machine.consecutiveOverloadedChecks } }

    /// How many decisions were applied since start.
    public var decisionCount: Int { self.state.withLock { $0.decisions } }

    /// Starts the checks, the first one `checkInterval` from now; does nothing when disabled, shut down
    /// or already started.
    public func start() {
        guard self.configuration.enabled else { return }
        let interval = max(self.configuration.checkInterval, .milliseconds(1))
        let clock = self.clock
        self.state.withLock { state in
            guard !state.isShutdown, state.task == nil else { return }
            state.task = Task { [weak self] in
                while !Task.isCancelled {
                    do { try await clock.sleep(for: interval) } catch { return }
                    guard let self else { return }
                    await self.checkOnce()
                }
            }
        }
    }

    /// Stops the checks.
    public func shutdown() {
        let task = self.state.withLock { state in
            state.isShutdown = true
            defer { state.task = nil }
            return state.task
        }
        task?.cancel()
    }

    /// Reads the loads once and applies a decision if one is due; does nothing when disabled, shut down,
    /// or while another check runs.
    public func checkOnce() async {
        guard self.configuration.enabled else { return }
        let mayRun = self.state.withLock { state in
            guard !state.isShutdown, !state.checking else { return false }
            state.checking = true
            return true
        }
        guard mayRun else { return }
        defer { self.state.withLock { $0.checking = false } }
        let loads = await self.readLoads(self.configuration.loaderTimeout)
        let now = self.clock.nowMillis()
        let decision = self.state.withLock { state in
            state.machine.check(loads: loads, selfAddress: self.selfAddress, now: now)
        }
        guard let decision else { return }
        self.state.withLock { $0.decisions += 1 }
        self.logger.info(
            "\(self.selfAddress) has \(decision.current) SDK connections, over the cluster threshold for \(self.configuration.sustainedChecks) checks: keeping \(decision.keep), moving the rest to \(decision.redirectTo)"
        )
        let moved = await self.apply(decision)
        self.logger.info("\(moved) clients acknowledged their move to \(decision.redirectTo)")
    }
}
