#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// The monotonic clock the event loop's timers use, in nanoseconds.
private func monotonicNow() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// A value touched from event-loop tasks and read by the test.
private final class Recorder<Value: Sendable>: Sendable {
    let values = Mutex<[Value]>([])
    func append(_ value: Value) { self.values.withLock { $0.append(value) } }
    var snapshot: [Value] { self.values.withLock { $0 } }
    var count: Int { self.values.withLock { $0.count } }
}

@Suite struct NacosEventLoopTests {
    @Test func scheduledTasksFireInDeadlineOrder() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let loop = group.next()
            var random = SeededRandom(seed: 7)
            let delays = Array((1...60).shuffled(using: &random).prefix(20))
            let fired = Recorder<Int>()
            let early = Recorder<Int>()
            loop.execute {
                for delay in delays {
                    let start = monotonicNow()
                    loop.scheduleTask(in: .milliseconds(delay)) {
                        if monotonicNow() - start < UInt64(delay) * 1_000_000 { early.append(delay) }
                        fired.append(delay)
                    }
                }
            }
            try await waitUntil("20 scheduled tasks") { fired.count == 20 }
            #expect(fired.snapshot == delays.sorted())
            #expect(early.snapshot == [], "tasks ran before their deadline")
        }
    }

    @Test func tasksScheduledFromAnotherThreadFireInDeadlineOrder() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let loop = group.next()
            let fired = Recorder<Int>()
            // Scheduled latest-first, so submission order and deadline order disagree.
            for delay in stride(from: 50, through: 5, by: -5) {
                loop.scheduleTask(in: .milliseconds(delay)) {
                    // Negative when the task ran off the loop's thread.
                    fired.append(loop.inEventLoop ? delay : -delay)
                }
            }
            try await waitUntil("10 scheduled tasks") { fired.count == 10 }
            #expect(fired.snapshot == Array(stride(from: 5, through: 50, by: 5)))
        }
    }

    @Test func tasksWithEqualDelaysFireInSchedulingOrder() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let loop = group.next()
            let fired = Recorder<Int>()
            loop.execute {
                for index in 0..<50 {
                    loop.scheduleTask(in: .milliseconds(5)) { fired.append(index) }
                }
                loop.scheduleTask(in: .zero) { fired.append(-1) }
            }
            try await waitUntil("51 scheduled tasks") { fired.count == 51 }
            #expect(fired.snapshot == [-1] + Array(0..<50))
        }
    }

    @Test func cancelledTasksNeverFire() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let loop = group.next()
            let fired = Recorder<String>()
            let cancelledFlags = Recorder<Bool>()
            loop.execute {
                // The earliest task is cancelled, so the loop's timer is armed for a task that must not run.
                let first = loop.scheduleTask(in: .milliseconds(10)) { fired.append("first") }
                loop.scheduleTask(in: .milliseconds(20)) { fired.append("kept") }
                let middle = loop.scheduleTask(in: .milliseconds(25)) { fired.append("middle") }
                loop.scheduleTask(in: .milliseconds(40)) { fired.append("last") }
                first.cancel()
                middle.cancel()
                cancelledFlags.append(first.isCancelled)
                cancelledFlags.append(middle.isCancelled)
            }
            // "last" fires after both cancelled deadlines have passed.
            try await waitUntil("the last timer") { fired.snapshot.contains("last") }
            #expect(fired.snapshot == ["kept", "last"])
            #expect(cancelledFlags.snapshot == [true, true])
        }
    }

    @Test func aTaskCanCancelALaterOne() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let loop = group.next()
            let fired = Recorder<String>()
            loop.execute {
                let victim = loop.scheduleTask(in: .milliseconds(30)) { fired.append("victim") }
                loop.scheduleTask(in: .milliseconds(5)) {
                    victim.cancel()
                    fired.append("canceller")
                }
                loop.scheduleTask(in: .milliseconds(45)) { fired.append("witness") }
            }
            try await waitUntil("the witness timer") { fired.snapshot.contains("witness") }
            #expect(fired.snapshot == ["canceller", "witness"])
        }
    }

    @Test func executeFromManyThreadsLosesNothingAndKeepsPerThreadOrder() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let loop = group.next()
            let threads = 8
            let perThread = 10_000
            struct Tally {
                var next = [Int](repeating: 0, count: 8)
                var outOfOrder = 0
                var offLoop = 0
                var total = 0
            }
            let tally = LockedValue(Tally())
            let submittersDone = LockedValue(0)
            for thread in 0..<threads {
                let worker = Thread {
                    for index in 0..<perThread {
                        loop.execute {
                            let onLoop = loop.inEventLoop
                            tally.withLock { state in
                                if state.next[thread] != index { state.outOfOrder += 1 }
                                state.next[thread] = index + 1
                                if !onLoop { state.offLoop += 1 }
                                state.total += 1
                            }
                        }
                    }
                    submittersDone.withLock { $0 += 1 }
                }
                worker.start()
            }
            try await waitUntil(timeout: .seconds(20), "submitters") { submittersDone.value == threads }
            try await waitUntil(timeout: .seconds(20), "\(threads * perThread) tasks") { tally.withLock { $0.total } == threads * perThread }
            let result = tally.value
            #expect(result.total == threads * perThread)
            #expect(result.next == [Int](repeating: perThread, count: threads))
            #expect(result.outOfOrder == 0)
            #expect(result.offLoop == 0)
        }
    }

    @Test func inEventLoopIsTrueOnlyOnTheLoopsOwnThread() async throws {
        try await withEventLoopGroup(threads: 2) { group in
            let first = group.loops[0]
            let second = group.loops[1]
            #expect(!first.inEventLoop)
            #expect(!second.inEventLoop)
            let observed = Recorder<[Bool]>()
            first.execute { observed.append([first.inEventLoop, second.inEventLoop]) }
            second.execute { observed.append([second.inEventLoop, first.inEventLoop]) }
            first.scheduleTask(in: .milliseconds(1)) { observed.append([first.inEventLoop, second.inEventLoop]) }
            try await waitUntil("three tasks") { observed.count == 3 }
            #expect(observed.snapshot == [[true, false], [true, false], [true, false]])
        }
    }

    @Test func nextHandsOutLoopsRoundRobin() async throws {
        let group = try NacosEventLoopGroup(numberOfThreads: 3)
        let picked = (0..<6).map { _ in group.next().index }
        #expect(picked == [0, 1, 2, 0, 1, 2])
        #expect(!group.isShutDown)
        await group.shutdownGracefully()
        #expect(group.isShutDown)
        // A second call waits for the same shutdown and returns.
        await group.shutdownGracefully()
    }

    @Test func shutdownGracefullyClosesOpenTCPConnections() async throws {
        try await withEventLoopGroup(threads: 1) { clientGroup in
            let serverGroup = try NacosEventLoopGroup(numberOfThreads: 1)
            do {
                try await Self.shutdownScenario(serverGroup: serverGroup, clientGroup: clientGroup)
            } catch {
                await serverGroup.shutdownGracefully()
                throw error
            }
        }
    }

    private static func shutdownScenario(serverGroup: NacosEventLoopGroup, clientGroup: NacosEventLoopGroup) async throws {
        let serverTransport = NacosTCPTransport(group: serverGroup)
        let clientTransport = NacosTCPTransport(group: clientGroup)
        let accepted = AcceptedConnections(echo: true)
        let listener = try await serverTransport.listen(on: .loopbackIPv4(), acceptor: accepted.acceptor)

        // One client on another group, one on the group being shut down.
        let remoteClient = try await clientTransport.connect(to: listener.localAddress)
        let remoteCollector = FrameCollector()
        remoteClient.start(remoteCollector)
        let localClient = try await serverTransport.connect(to: listener.localAddress)
        let localCollector = FrameCollector()
        localClient.start(localCollector)
        remoteClient.send(NacosByteBuffer(string: "ping"))
        _ = try await remoteCollector.waitForFrames(1)
        try await accepted.waitForCount(2)

        await serverGroup.shutdownGracefully()

        // The client on the other group sees the server's sockets close.
        try await remoteCollector.waitForClose()
        #expect(remoteClient.isOpen == false)
        _ = await remoteClient.closed()
        // The shut-down loop's own sockets are closed with `.shutDown` by the time shutdown returns.
        #expect(localCollector.isClosed)
        #expect(localCollector.closeError?.transportCode == .shutDown)
        #expect(await localClient.closed()?.transportCode == .shutDown)
        for index in 0..<2 {
            #expect(accepted.entry(index).handler.isClosed)
            #expect(accepted.entry(index).handler.closeError?.transportCode == .shutDown)
        }
        // The listener is gone too.
        do {
            let late = try await clientTransport.connect(to: listener.localAddress, timeout: .seconds(2))
            late.close(flush: false)
            Issue.record("connect to a listener of a shut-down group succeeded")
        } catch {
            #expect(error.transportCode == .connectionRefused, "\(error)")
        }
        // And the transport refuses new work.
        do {
            _ = try await serverTransport.connect(to: listener.localAddress)
            Issue.record("connect on a shut-down group succeeded")
        } catch {
            #expect(error.transportCode == .shutDown)
        }
        await #expect(throws: NacosTransportError.self) {
            _ = try await serverTransport.listen(on: .loopbackIPv4()) { _ in }
        }
    }

    @Test func shutdownGracefullyClosesInMemoryConnections() async throws {
        let group = try NacosEventLoopGroup(numberOfThreads: 2)
        let transport = NacosInMemoryTransport(group: group)
        let accepted = AcceptedConnections(echo: true)
        let listener = try await transport.listen(on: .inMemory("shutdown"), acceptor: accepted.acceptor)
        let client = try await transport.connect(to: listener.localAddress)
        let collector = FrameCollector()
        client.start(collector)
        client.send(NacosByteBuffer(string: "ping"))
        _ = try await collector.waitForFrames(1)

        await group.shutdownGracefully()

        // Both pipe ends are closed; nobody waits forever on `closed()`.
        try await collector.waitForClose(timeout: .seconds(5))
        try await accepted.entry(0).handler.waitForClose(timeout: .seconds(5))
        #expect(!client.isOpen)
        #expect(!accepted.entry(0).connection.isOpen)
        await listener.close()
    }

    @Test func tasksSubmittedAfterShutdownAreDropped() async throws {
        let group = try NacosEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        await group.shutdownGracefully()
        let ran = LockedValue(false)
        loop.execute { ran.withLock { $0 = true } }
        loop.scheduleTask(in: .zero) { ran.withLock { $0 = true } }
        // Give the (stopped) loop time to misbehave, measured by a timer on a live one.
        try await withEventLoopGroup(threads: 1) { witness in
            let done = LockedValue(false)
            witness.next().scheduleTask(in: .milliseconds(20)) { done.withLock { $0 = true } }
            try await waitUntil("witness timer") { done.value }
        }
        #expect(ran.value == false)
    }
}
