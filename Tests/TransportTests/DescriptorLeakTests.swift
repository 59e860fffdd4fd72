import NacosTestKit
import NacosTransport
import Testing

extension HeavyTCPTests {
    @Suite struct DescriptorLeakTests {
        /// Counts accepted connections and their closes without keeping them.
        final class CountingEcho: NacosConnectionHandler {
            let counts = LockedValue((accepted: 0, closed: 0, closedWithError: 0))

            var acceptor: @Sendable (any NacosConnection) -> Void {
                { connection in
                    self.counts.withLock { $0.accepted += 1 }
                    connection.start(self)
                }
            }

            func connection(_ connection: any NacosConnection, didReceive frame: NacosByteBuffer) {
                connection.send(frame)
            }

            func connectionClosed(_ connection: any NacosConnection, error: (any Error)?) {
                self.counts.withLock {
                    $0.closed += 1
                    if error != nil { $0.closedWithError += 1 }
                }
            }
        }

        @Test func tenThousandConnectCloseCyclesLeaveNoDescriptorBehind() async throws {
            // Thousands of sockets: one heavy test at a time (TestSlots).
            try await TestSlots.heavy.withSlot {
                let cycles = 10_000
                let workers = 8
                let descriptorsBefore = FileDescriptors.openCount()
                try await withEventLoopGroup { group in
                    let transport = NacosTCPTransport(group: group, logger: .disabled())
                    let server = CountingEcho()
                    let listener = try await transport.listen(on: .loopbackIPv4(), acceptor: server.acceptor)
                    let address = listener.localAddress
                    let socketsBefore = FileDescriptors.openSocketCount(port: address.port)
                    #expect(socketsBefore == 1, "only the listening socket uses the port")

                    try await withThrowingTaskGroup(of: Void.self) { tasks in
                        for worker in 0..<workers {
                            tasks.addTask {
                                for cycle in 0..<(cycles / workers) {
                                    let client = try await transport.connect(to: address)
                                    let collector = FrameCollector()
                                    client.start(collector)
                                    if cycle % 10 == worker % 10 {
                                        // Some cycles carry a frame both ways before closing.
                                        client.send(NacosByteBuffer(string: "cycle \(cycle)"))
                                        _ = try await collector.waitForFrames(1)
                                    }
                                    client.close()
                                    _ = await client.closed()
                                }
                            }
                        }
                        try await tasks.waitForAll()
                    }

                    try await waitUntil(timeout: .seconds(20), interval: .milliseconds(10), "the server side of every cycle to close") {
                        server.counts.value.closed == cycles
                    }
                    #expect(server.counts.value.accepted == cycles)
                    #expect(server.counts.value.closedWithError == 0)
                    try await waitUntil(timeout: .seconds(10), interval: .milliseconds(50), "sockets on port \(address.port) to go") {
                        FileDescriptors.openSocketCount(port: address.port) <= socketsBefore
                    }
                    #expect(FileDescriptors.openSocketCount(port: address.port) == socketsBefore)
                    await listener.close()
                }
                // The process-wide count is shared with the tests running beside this one (servers, store
                // files, peers' log files), so it gets a margin: a leak of even one descriptor in a hundred
                // cycles would be a hundred over it. The sockets of this port are counted exactly above.
                let margin = 64
                let settled: Bool
                do {
                    try await waitUntil(timeout: .seconds(15), interval: .milliseconds(20), "descriptors to settle") {
                        FileDescriptors.openCount() <= descriptorsBefore + margin
                    }
                    settled = true
                } catch {
                    settled = false
                }
                let descriptorsAfter = FileDescriptors.openCount()
                #expect(settled, "descriptors before \(descriptorsBefore), after \(descriptorsAfter)")
                #expect(descriptorsAfter <= descriptorsBefore + margin)
            }
        }
    }
}
