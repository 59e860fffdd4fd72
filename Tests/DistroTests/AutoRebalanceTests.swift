import NacosDistro
import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// Loads a test hands out one check at a time, and the decisions the rebalancer applied.
private final class ScriptedLoads: Sendable {
    private struct State {
        var next: [ClusterMemberLoad]
        var reads = 0
        var timeouts: [Duration] = []
        var decisions: [RebalanceDecision] = []
    }

    private let state: Mutex<State>

    init(_ loads: [ClusterMemberLoad]) {
        self.state = Mutex(State(next: loads))
    }

    var reads: Int { self.state.withLock { $0.reads } }
    var timeouts: [Duration] { self.state.withLock { $0.timeouts } }
    var decisions: [RebalanceDecision] { self.state.withLock { $0.decisions } }

    func set(_ loads: [ClusterMemberLoad]) { self.state.withLock { $0.next = loads } }

    func read(timeout: Duration) -> [ClusterMemberLoad] {
        self.state.withLock { state in
            state.reads += 1
            state.timeouts.append(timeout)
            return state.next
        }
    }

    func apply(_ decision: RebalanceDecision) -> Int {
        self.state.withLock { $0.decisions.append(decision) }
        return decision.excess
    }
}

/// A cluster link on which every peer answers `ServerLoaderInfoRequest` with fixed SDK counts.
private struct FixedLoadSender: ClusterRequestSender {
    let sdkCounts: [String: Int]

    func send<Response: NacosResponse>(
        _ request: some NacosRequest,
        to address: String,
        expecting responseType: Response.Type,
        timeout: Duration
    ) async throws -> Response {
        guard let count = self.sdkCounts[address],
            let response = ServerLoaderInfoResponse(loaderMetrics: ["conCount": String(count), "sdkConCount": String(count)]) as? Response
        else { throw ClusterRequestError(.unreachable, address: address, message: "no such peer") }
        return response
    }
}

@Suite("Automatic rebalance")
struct AutoRebalanceTests {
    private static let selfAddress = "10.0.0.1:8848"

    private static func loads(_ own: Int, _ b: Int?, _ c: Int?) -> [ClusterMemberLoad] {
        var loads = [ClusterMemberLoad(address: Self.selfAddress, connectionCount: own, sdkConnectionCount: own)]
        if let b { loads.append(ClusterMemberLoad(address: "10.0.0.2:8848", connectionCount: b, sdkConnectionCount: b)) }
        if let c { loads.append(ClusterMemberLoad(address: "10.0.0.3:8848", connectionCount: c, sdkConnectionCount: c)) }
        return loads
    }

    private static func configuration(sustainedChecks: Int = 3, enabled: Bool = true) -> ClusterRebalanceConfiguration {
        var configuration = ClusterRebalanceConfiguration()
        configuration.enabled = enabled
        configuration.sustainedChecks = sustainedChecks
        return configuration
    }

    // MARK: - State machine

    @Test("sustained overload decides once: keep Int(avg × (1 + factor)), move the rest to the least loaded")
    func sustainedOverloadDecides() {
        var machine = AutoRebalanceStateMachine(configuration: Self.configuration())
        // avg 15, threshold 16.5.
        let overloaded = Self.loads(30, 10, 5)
        #expect(machine.check(loads: overloaded, selfAddress: Self.selfAddress, now: 0) == nil)
        #expect(machine.check(loads: overloaded, selfAddress: Self.selfAddress, now: 10_000) == nil)
        #expect(machine.consecutiveOverloadedChecks == 2)
        let decision = machine.check(loads: overloaded, selfAddress: Self.selfAddress, now: 20_000)
        #expect(decision == RebalanceDecision(keep: 16, redirectTo: "10.0.0.3:8848", current: 30))
        #expect(decision?.excess == 14)
        #expect(machine.consecutiveOverloadedChecks == 0)
        // The count starts again: the next decision needs another full run.
        #expect(machine.check(loads: overloaded, selfAddress: Self.selfAddress, now: 30_000) == nil)
        #expect(machine.check(loads: overloaded, selfAddress: Self.selfAddress, now: 40_000) == nil)
        #expect(machine.check(loads: overloaded, selfAddress: Self.selfAddress, now: 50_000) != nil)
    }

    @Test("a check at or under the threshold resets the count")
    func dipResets() {
        var machine = AutoRebalanceStateMachine(configuration: Self.configuration())
        var now: Int64 = 0
        func check(_ loads: [ClusterMemberLoad]) -> RebalanceDecision? {
            defer { now += 10_000 }
            return machine.check(loads: loads, selfAddress: Self.selfAddress, now: now)
        }
        #expect(check(Self.loads(30, 10, 5)) == nil)
        #expect(check(Self.loads(30, 10, 5)) == nil)
        // avg 11, threshold 12.1: 12 is not over it.
        #expect(check(Self.loads(12, 11, 10)) == nil)
        #expect(machine.consecutiveOverloadedChecks == 0)
        #expect(check(Self.loads(30, 10, 5)) == nil)
        #expect(check(Self.loads(30, 10, 5)) == nil)
        #expect(check(Self.loads(30, 10, 5)) != nil)
    }

    @Test("fewer than two answering members never decide, and reset the count")
    func needsTwoMembers() {
        var machine = AutoRebalanceStateMachine(configuration: Self.configuration(sustainedChecks: 1))
        for now in stride(from: Int64(0), to: 100_000, by: 10_000) {
            #expect(machine.check(loads: Self.loads(1_000, nil, nil), selfAddress: Self.selfAddress, now: now) == nil)
        }
        // Self's own load missing: nothing to compare.
        #expect(machine.check(loads: Array(Self.loads(1_000, 1, 1).dropFirst()), selfAddress: Self.selfAddress, now: 100_000) == nil)
        var sustained = AutoRebalanceStateMachine(configuration: Self.configuration(sustainedChecks: 2))
        #expect(sustained.check(loads: Self.loads(30, 10, 5), selfAddress: Self.selfAddress, now: 0) == nil)
        #expect(sustained.check(loads: Self.loads(30, nil, nil), selfAddress: Self.selfAddress, now: 10_000) == nil)
        #expect(sustained.consecutiveOverloadedChecks == 0)
    }

    @Test("checks more than two intervals apart are not consecutive")
    func gapResets() {
        var machine = AutoRebalanceStateMachine(configuration: Self.configuration(sustainedChecks: 2))
        #expect(machine.check(loads: Self.loads(30, 10, 5), selfAddress: Self.selfAddress, now: 0) == nil)
        #expect(machine.check(loads: Self.loads(30, 10, 5), selfAddress: Self.selfAddress, now: 20_001) == nil)
        #expect(machine.check(loads: Self.loads(30, 10, 5), selfAddress: Self.selfAddress, now: 30_000) == RebalanceDecision(keep: 16, redirectTo: "10.0.0.3:8848", current: 30))
    }

    @Test("the least loaded member wins, ties by address; the factor widens the threshold")
    func targetAndFactor() {
        var configuration = Self.configuration(sustainedChecks: 1)
        var machine = AutoRebalanceStateMachine(configuration: configuration)
        #expect(machine.check(loads: Self.loads(30, 5, 5), selfAddress: Self.selfAddress, now: 0)?.redirectTo == "10.0.0.2:8848")
        configuration.factor = 0.5
        machine = AutoRebalanceStateMachine(configuration: configuration)
        // avg 15, threshold 22.5.
        #expect(machine.check(loads: Self.loads(22, 13, 10), selfAddress: Self.selfAddress, now: 0) == nil)
        #expect(machine.check(loads: Self.loads(23, 12, 10), selfAddress: Self.selfAddress, now: 0) == RebalanceDecision(keep: 22, redirectTo: "10.0.0.3:8848", current: 23))
        // Absurd counts from a peer do not overflow.
        #expect(machine.check(loads: Self.loads(Int.max, 1, 0), selfAddress: Self.selfAddress, now: 0) != nil)
    }

    // MARK: - Shell

    @Test("the shell checks every checkInterval on the clock and applies a sustained decision once")
    func shellActsOnce() async throws {
        let clock = NacosManualClock()
        let loads = ScriptedLoads(Self.loads(30, 10, 5))
        let rebalancer = ClusterAutoRebalancer(
            configuration: Self.configuration(),
            selfAddress: Self.selfAddress,
            clock: clock,
            logger: .disabled(),
            readLoads: { loads.read(timeout: $0) },
            apply: { loads.apply($0) }
        )
        rebalancer.start()
        defer { rebalancer.shutdown() }
        for check in 1...5 {
            try await waitUntil("the check timer") { clock.pendingTimerCount == 1 }
            #expect(loads.reads == check - 1)
            clock.advance(by: .seconds(10))
            try await waitUntil("check \(check)") { loads.reads == check }
        }
        try await waitUntil("the sixth check's timer") { clock.pendingTimerCount == 1 }
        #expect(loads.decisions == [RebalanceDecision(keep: 16, redirectTo: "10.0.0.3:8848", current: 30)])
        #expect(rebalancer.decisionCount == 1)
        #expect(rebalancer.consecutiveOverloadedChecks == 2)
        #expect(loads.timeouts.allSatisfy { $0 == .milliseconds(500) })

        // A dip resets the count; shutdown stops the checks.
        loads.set(Self.loads(10, 10, 10))
        clock.advance(by: .seconds(10))
        try await waitUntil("check 6") { loads.reads == 6 }
        try await waitUntil("the seventh check's timer") { clock.pendingTimerCount == 1 }
        #expect(rebalancer.consecutiveOverloadedChecks == 0)
        rebalancer.shutdown()
        #expect(clock.pendingTimerCount == 0)
        clock.advance(by: .seconds(60))
        await rebalancer.checkOnce()
        #expect(loads.reads == 6)
    }

    @Test("a single answering member never acts")
    func shellAloneNeverActs() async throws {
        let clock = NacosManualClock()
        let loads = ScriptedLoads(Self.loads(500, nil, nil))
        let rebalancer = ClusterAutoRebalancer(
            configuration: Self.configuration(sustainedChecks: 1),
            selfAddress: Self.selfAddress,
            clock: clock,
            logger: .disabled(),
            readLoads: { loads.read(timeout: $0) },
            apply: { loads.apply($0) }
        )
        for _ in 0..<5 { await rebalancer.checkOnce() }
        #expect(loads.reads == 5)
        #expect(loads.decisions.isEmpty)
    }

    @Test("disabled, the rebalancer never runs")
    func disabledNeverRuns() async throws {
        let clock = NacosManualClock()
        let loads = ScriptedLoads(Self.loads(30, 10, 5))
        let rebalancer = ClusterAutoRebalancer(
            configuration: Self.configuration(sustainedChecks: 1, enabled: false),
            selfAddress: Self.selfAddress,
            clock: clock,
            logger: .disabled(),
            readLoads: { loads.read(timeout: $0) },
            apply: { loads.apply($0) }
        )
        rebalancer.start()
        #expect(clock.pendingTimerCount == 0)
        clock.advance(by: .seconds(600))
        await rebalancer.checkOnce()
        #expect(loads.reads == 0)
        #expect(loads.decisions.isEmpty)
        rebalancer.shutdown()
    }

    @Test("a decision resets this node's excess SDK connections toward the least loaded member")
    func movesRealClients() async throws {
        try await withEventLoopGroup { group in
            let transport = NacosInMemoryTransport(group: group, logger: .disabled())
            let managerA = NacosConnectionManager(logger: .disabled())
            let managerB = NacosConnectionManager(logger: .disabled())
            let serverA = NacosRpcServer(
                configuration: NacosRpcServerConfiguration(address: .inMemory("rebalance-a")),
                transport: transport,
                handlers: NacosRequestHandlerRegistry(),
                connectionManager: managerA,
                logger: .disabled()
            )
            let serverB = NacosRpcServer(
                configuration: NacosRpcServerConfiguration(address: .inMemory("rebalance-b")),
                transport: transport,
                handlers: NacosRequestHandlerRegistry(),
                connectionManager: managerB,
                logger: .disabled()
            )
            var clients: [NacosRpcClient] = []
            do {
                try await serverA.start()
                // B listens but answers no ServerCheck until the clients sit on A.
                try await serverB.bind()
                var configuration = NacosRpcClientConfiguration(name: "rebalance", serverAddresses: [.inMemory("rebalance-a"), .inMemory("rebalance-b")])
                configuration.labels = ["source": "sdk", "module": "naming"]
                configuration.reconnectBackoffUnit = .milliseconds(10)
                configuration.startAttempts = 4
                for _ in 0..<4 {
                    let client = NacosRpcClient(configuration: configuration, transport: transport, logger: .disabled())
                    clients.append(client)
                    #expect(await client.start())
                }
                try await waitUntil("4 clients on A") { managerA.sdkConnectionCount == 4 }
                serverB.markStarted()

                // Members are named ip:port; an in-memory server's "ip" is its name.
                let selfAddress = "rebalance-a:8848"
                let loader = ClusterLoader(
                    selfAddress: selfAddress,
                    connections: managerA,
                    members: { [selfAddress, "rebalance-b:8848"] },
                    sender: FixedLoadSender(sdkCounts: ["rebalance-b:8848": 0])
                )
                let rebalancer = ClusterAutoRebalancer(
                    configuration: Self.configuration(sustainedChecks: 1),
                    loader: loader,
                    selfAddress: selfAddress,
                    clock: NacosManualClock(),
                    logger: .disabled()
                )
                // avg 2, threshold 2.2: keep 2, move 2 to B.
                await rebalancer.checkOnce()
                #expect(rebalancer.decisionCount == 1)
                try await waitUntil("2 clients moved to B") { managerB.sdkConnectionCount == 2 && managerA.sdkConnectionCount == 2 }
                #expect(clients.filter { $0.currentServer == .inMemory("rebalance-b") }.count == 2)
            } catch {
                Issue.record(error)
            }
            for client in clients { client.shutdown() }
            await serverA.shutdown()
            await serverB.shutdown()
            managerA.shutdown()
            managerB.shutdown()
        }
    }
}
