import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Testing

/// 1.x UDP push (reference §4.4): packet shape, gzip, ack matching, one retransmission, bounds.
@Suite("UDP push")
struct UdpPushExecutorTests {
    /// A push request for service `g1@@orders` with `count` instances.
    private func request(instances count: Int) -> NotifySubscriberRequest {
        let hosts = (0..<count).map { index in
            Instance(
                ip: "10.0.\(index / 200).\(index % 200)",
                port: 8080,
                clusterName: "DEFAULT",
                serviceName: "g1@@orders",
                metadata: ["version": "1.\(index % 3)"],
                instanceId: "10.0.\(index / 200).\(index % 200)#8080#DEFAULT#g1@@orders"
            )
        }
        let info = ServiceInfo(
            name: "orders",
            groupName: "g1",
            clusters: "",
            cacheMillis: 10000,
            hosts: hosts,
            lastRefTime: 1_700_000_000_123
        )
        return NotifySubscriberRequest(namespace: "public", serviceName: "orders", groupName: "g1", serviceInfo: info)
    }

    private func executor(
        on loop: NacosEventLoop,
        ackTimeout: Duration = .seconds(5),
        maxPendingAcks: Int = 10_000,
        clock: (any NacosClock)? = nil
    ) async throws -> UdpPushExecutor {
        try await UdpPushExecutor(
            bindingTo: .loopbackIPv4(),
            on: loop,
            ackTimeout: ackTimeout,
            maxPendingAcks: maxPendingAcks,
            clock: clock,
            logger: NacosLogger(label: "udp-push-test", handler: CapturingLogHandler(), logLevel: .trace)
        )
    }

    @Test("a small push is plain JSON with the grouped name, and returns once the 1.x ack arrives")
    func smallPush() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let executor = try await self.executor(on: group.next())
            let client = try await UdpFakeV1Client.start(on: group.next())
            try await executor.push(self.request(instances: 1), to: client.clientId, timeout: .seconds(5))

            let received = try #require(client.received.first)
            #expect(client.received.count == 1)
            #expect(!NacosGzip.isGzipped(received.raw) && received.raw.count < UdpPushPacket.compressionThreshold)
            #expect(received.type == "dom")
            #expect(received.lastRefTime > 0)
            #expect(received.serviceInfo.name == "g1@@orders")
            #expect(received.serviceInfo.groupName == nil && !received.dataKeys.contains("groupName"))
            #expect(received.serviceInfo.instances.map(\.ip) == ["10.0.0.0"])
            #expect(received.serviceInfo.cacheMillis == 10000 && received.serviceInfo.lastRefTime == 1_700_000_000_123)
            #expect(received.dataKeys.contains("hosts") && received.dataKeys.contains("valid"))
            // The packet's lastRefTime is a JSON number, as Jackson writes a long.
            #expect(String(decoding: received.json, as: UTF8.self).contains("\"lastRefTime\":\(received.lastRefTime)}"))
            #expect(executor.statistics == .init(sent: 1, retransmitted: 0, acknowledged: 1, failed: 0, ignoredDatagrams: 0, pending: 0))
            #expect(client.decodeFailures.isEmpty)
            await executor.shutdown()
        }
    }

    @Test("a push of 1 KiB or more is gzipped (a 10-instance service shrinks more than 2x); a numeric ack counts too")
    func gzippedPush() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let executor = try await self.executor(on: group.next())
            let client = try await UdpFakeV1Client.start(on: group.next()) { received, _, client, from in
                client.sendRaw(Array(#"  {"type":"push-ack","lastRefTime":\#(received.lastRefTime),"data":""}\#n"#.utf8), to: from)
            }
            try await executor.push(self.request(instances: 10), to: client.clientId, timeout: .seconds(5))

            let received = try #require(client.received.first)
            #expect(NacosGzip.isGzipped(received.raw))
            #expect(received.json.count >= UdpPushPacket.compressionThreshold)
            #expect(received.raw.count * 2 < received.json.count, "\(received.json.count) bytes gzipped to \(received.raw.count)")
            #expect(received.serviceInfo.instances.count == 10)
            #expect(received.serviceInfo.name == "g1@@orders")
            #expect(executor.statistics.acknowledged == 1)
            await executor.shutdown()
        }
    }

    @Test("without an ack the packet is sent exactly once more after ackTimeout, then the push fails without retry")
    func retransmitOnceThenFail() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let executor = try await self.executor(on: group.next(), ackTimeout: .milliseconds(100))
            let client = try await UdpFakeV1Client.start(on: group.next(), script: UdpFakeV1Client.silent)
            let started = ContinuousClock.now
            let error = await #expect(throws: UdpPushError.self) {
                try await executor.push(self.request(instances: 1), to: client.clientId, timeout: .seconds(5))
            }
            #expect(ContinuousClock.now - started >= .milliseconds(200), "gave up before two ack timeouts")
            #expect(error?.code == .notAcknowledged)
            #expect((error as (any Error)?) is any NonRetryablePushError)
            try await waitUntil("both transmissions") { client.received.count >= 2 }
            #expect(client.received.count == 2)
            #expect(client.received[0].raw == client.received[1].raw, "a retransmission repeats the packet and its lastRefTime")
            #expect(executor.statistics == .init(sent: 1, retransmitted: 1, acknowledged: 0, failed: 1, ignoredDatagrams: 0, pending: 0))
            await executor.shutdown()
        }
    }

    @Test("an ack of the retransmission completes the push (manual clock)")
    func ackAfterRetransmission() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let clock = NacosManualClock()
            let executor = try await self.executor(on: group.next(), ackTimeout: .seconds(10), clock: clock)
            let client = try await UdpFakeV1Client.start(on: group.next()) { received, ordinal, client, from in
                if ordinal == 2 { UdpFakeV1Client.ackEverything(received, ordinal, client, from) }
            }
            let push = Task { try await executor.push(self.request(instances: 1), to: client.clientId, timeout: .seconds(5)) }
            try await waitUntil("the first transmission and its timer") { client.received.count == 1 && clock.pendingTimerCount == 1 }
            clock.advance(by: .milliseconds(9_999))
            #expect(clock.pendingTimerCount == 1, "retransmitted before the ack timeout")
            clock.advance(by: .milliseconds(1))
            try await push.value
            #expect(client.received.count == 2)
            #expect(executor.statistics == .init(sent: 1, retransmitted: 1, acknowledged: 1, failed: 0, ignoredDatagrams: 0, pending: 0))
            try await waitUntil("the ack timer is cancelled") { clock.pendingTimerCount == 0 }
            await executor.shutdown()
        }
    }

    @Test("garbage, stray and duplicate datagrams are ignored; the right ack still completes the push")
    func garbageIgnored() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let executor = try await self.executor(on: group.next())
            let stranger = try await NacosUDPSocket.bind(to: .loopbackIPv4(), on: group.next()) { _, _ in }
            let client = try await UdpFakeV1Client.start(on: group.next()) { received, _, client, from in
                let time = received.lastRefTime
                let garbage = [
                    "not json", "[1,2]", #"{"type":"push-ack"}"#, #"{"lastRefTime":"soon"}"#,
                    #"{"type":"push-ack","lastRefTime":"\#(time + 1)","data":""}"#,
                ]
                for garbage in garbage {
                    client.sendRaw(Array(garbage.utf8), to: from)
                }
                client.sendRaw([UInt8](repeating: 0x7B, count: 5000), to: from)
                // The right lastRefTime from the wrong address.
                _ = try? stranger.send(Array(#"{"type":"push-ack","lastRefTime":"\#(time)","data":""}"#.utf8), to: from)
                UdpFakeV1Client.ackEverything(received, 1, client, from)
                UdpFakeV1Client.ackEverything(received, 1, client, from)
            }
            try await executor.push(self.request(instances: 1), to: client.clientId, timeout: .seconds(5))
            try await waitUntil("every stray datagram counted") { executor.statistics.ignoredDatagrams == 8 }
            #expect(executor.statistics.acknowledged == 1 && executor.statistics.failed == 0)

            // The executor keeps working after the garbage.
            try await executor.push(self.request(instances: 2), to: client.clientId, timeout: .seconds(5))
            #expect(executor.statistics.acknowledged == 2)
            await executor.shutdown()
        }
    }

    @Test("ids that are not ip:port and requests without data fail without retry")
    func invalidRequests() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let executor = try await self.executor(on: group.next())
            for clientId in ["1700000000000_127.0.0.1_5000", "10.0.0.1:0#true", "10.0.0.1:70000#true", "host:80#true", "10.0.0.1#true"] {
                let error = await #expect(throws: UdpPushError.self, "\(clientId)") {
                    try await executor.push(self.request(instances: 1), to: clientId, timeout: .seconds(1))
                }
                #expect(error?.code == .invalidClientId)
            }
            let ipv6 = await #expect(throws: UdpPushError.self) {
                try await executor.push(self.request(instances: 1), to: "[::1]:9#true", timeout: .seconds(1))
            }
            #expect(ipv6?.code == .unreachableAddress)
            let missing = await #expect(throws: UdpPushError.self) {
                try await executor.push(NotifySubscriberRequest(), to: "127.0.0.1:9#true", timeout: .seconds(1))
            }
            #expect(missing?.code == .missingServiceInfo)
            #expect(executor.statistics.sent == 0 && executor.statistics.failed == 7)
            await executor.shutdown()
        }
    }

    @Test("packets and acks encode and decode as the 1.x client expects")
    func packetAndAckCodec() throws {
        let small = UdpPushPacket(data: "{}", lastRefTime: 42)
        #expect(String(decoding: small.encoded(), as: UTF8.self) == #"{"type":"dom","data":"{}","lastRefTime":42}"#)
        let large = UdpPushPacket(data: String(repeating: "x", count: 1000), lastRefTime: 42)
        #expect(large.json.count >= UdpPushPacket.compressionThreshold && NacosGzip.isGzipped(large.encoded()))
        #expect(try Inflater.gunzip(large.encoded()) == large.json)

        let ack = UdpPushAck(lastRefTime: 1_234_567_890_123_456_789)
        #expect(String(decoding: ack.encoded(), as: UTF8.self) == #"{"type":"push-ack","lastRefTime":"1234567890123456789","data":""}"#)
        #expect(try UdpPushAck(datagram: NacosByteBuffer(bytes: ack.encoded())) == ack)
        let unknown = try UdpPushAck(datagram: NacosByteBuffer(string: #"{"type": "unknown-ack", "lastRefTime":"7", "data":""}"#))
        #expect(unknown.type == "unknown-ack" && unknown.lastRefTime == 7)
        for garbage in ["", "{}", "[]", #"{"lastRefTime":null}"#, #"{"lastRefTime":"x"}"#, "{\"lastRefTime\":1"] {
            #expect(throws: NacosRemoteError.self, "\(garbage)") { try UdpPushAck(datagram: NacosByteBuffer(string: garbage)) }
        }
    }

    @Test("subscriber addresses are parsed from ip:port ids into the form acks come from")
    func subscriberAddresses() throws {
        #expect(UdpPushExecutor.subscriberAddress("127.0.0.1:8080#true") == .loopbackIPv4(port: 8080))
        #expect(UdpPushExecutor.subscriberAddress("0:0:0:0:0:0:0:1:53#true") == .loopbackIPv6(port: 53))
        #expect(UdpPushExecutor.subscriberAddress("[::1]:53#true") == .loopbackIPv6(port: 53))
        #expect(UdpPushExecutor.subscriberAddress("::ffff:10.1.2.3:99#true") == (try NacosSocketAddress(ipAddress: "10.1.2.3", port: 99)))
        #expect(UdpPushExecutor.subscriberAddress("") == nil)
    }

    @Test("the ack table is bounded; shutdown fails what waits and refuses new pushes")
    func boundsAndShutdown() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let clock = NacosManualClock()
            let executor = try await self.executor(on: group.next(), maxPendingAcks: 2, clock: clock)
            let client = try await UdpFakeV1Client.start(on: group.next(), script: UdpFakeV1Client.silent)
            let waiting = (0..<2).map { _ in
                Task { try await executor.push(self.request(instances: 1), to: client.clientId, timeout: .seconds(5)) }
            }
            try await waitUntil("two pushes pending") { executor.statistics.pending == 2 && client.received.count == 2 }
            #expect(Set(client.received.map(\.lastRefTime)).count == 2, "every packet has its own lastRefTime")

            let full = await #expect(throws: NacosTransportError.self) {
                try await executor.push(self.request(instances: 1), to: client.clientId, timeout: .seconds(5))
            }
            #expect(full?.code == .resourceExhausted)
            #expect(!((full as (any Error)?) is any NonRetryablePushError), "a full table is retried later")

            await executor.shutdown()
            for task in waiting {
                let error = await #expect(throws: UdpPushError.self) { try await task.value }
                #expect(error?.code == .shutDown)
            }
            let after = await #expect(throws: UdpPushError.self) {
                try await executor.push(self.request(instances: 1), to: client.clientId, timeout: .seconds(5))
            }
            #expect(after?.code == .shutDown)
            #expect(executor.statistics.pending == 0 && executor.statistics.failed == 4)
        }
    }

    @Test("a cancelled push stops waiting and leaves nothing pending")
    func cancellation() async throws {
        try await withEventLoopGroup(threads: 1) { group in
            let executor = try await self.executor(on: group.next(), clock: NacosManualClock())
            let client = try await UdpFakeV1Client.start(on: group.next(), script: UdpFakeV1Client.silent)
            let push = Task { try await executor.push(self.request(instances: 1), to: client.clientId, timeout: .seconds(5)) }
            try await waitUntil("the push is pending") { executor.statistics.pending == 1 }
            push.cancel()
            await #expect(throws: CancellationError.self) { try await push.value }
            #expect(executor.statistics.pending == 0)
            await executor.shutdown()
        }
    }

    @Test("concurrent pushes to one subscriber get distinct lastRefTimes and all complete")
    func concurrentPushes() async throws {
        try await withEventLoopGroup(threads: 2) { group in
            let executor = try await self.executor(on: group.next())
            let client = try await UdpFakeV1Client.start(on: group.next())
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for count in 1...20 {
                    tasks.addTask { try await executor.push(self.request(instances: count), to: client.clientId, timeout: .seconds(5)) }
                }
                try await tasks.waitForAll()
            }
            #expect(Set(client.received.map(\.lastRefTime)).count == 20)
            #expect(executor.statistics.acknowledged == 20 && executor.statistics.pending == 0)
            await executor.shutdown()
        }
    }
}
