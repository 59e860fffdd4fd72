import NacosNaming
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// The ordered, asynchronous event bus.
@Suite("Event bus")
struct RegistryEventBusTests {
    @Test("events arrive in order; a blocked subscriber blocks neither the publisher nor other subscribers")
    func orderAndIsolation() async throws {
        let bus = RegistryEventBus()
        let gate = AsyncGate()
        let slow = Mutex<[RegistryEvent]>([])
        let fast = Mutex<[RegistryEvent]>([])
        bus.subscribe(name: "slow") { event in
            await gate.wait()
            slow.withLock { $0.append(event) }
        }
        bus.subscribe(name: "fast") { event in fast.withLock { $0.append(event) } }
        let events = (0..<1000).map { RegistryEvent.clientChanged(clientId: "c\($0)") }
        for event in events { bus.publish(event) }
        try await waitUntil("fast subscriber got everything") { fast.withLock { $0.count } == 1000 }
        #expect(fast.withLock { $0 } == events)
        #expect(slow.withLock { $0.isEmpty })
        gate.open()
        try await waitUntil("slow subscriber caught up") { slow.withLock { $0.count } == 1000 }
        #expect(slow.withLock { $0 } == events)
        bus.shutdown()
    }

    @Test("a filter limits what a subscriber receives; a full queue drops and counts")
    func filterAndCapacity() async throws {
        let bus = RegistryEventBus(capacity: 2, logger: NacosLogger(label: "bus", handler: CapturingLogHandler()))
        let gate = AsyncGate()
        let received = Mutex<[RegistryEvent]>([])
        bus.subscribe(name: "changes", accepts: { if case .clientChanged = $0 { true } else { false } }) { event in
            await gate.wait()
            received.withLock { $0.append(event) }
        }
        bus.publish(.clientRelease(clientId: "x", isNative: true))
        for index in 0..<5 { bus.publish(.clientChanged(clientId: "c\(index)")) }
        #expect(bus.droppedEventCount >= 2)
        gate.open()
        try await waitUntil("delivered") { received.withLock { $0.count } == 5 - bus.droppedEventCount }
        #expect(received.withLock { $0 }.allSatisfy { if case .clientChanged = $0 { true } else { false } })
        bus.shutdown()
    }
}
