public import NacosNamingAPI
public import NacosRemote
public import NacosTransport
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Pushes to 1.x subscribers over UDP (Nacos's `PushExecutorUdpImpl`, `UdpPushService` and `UdpConnector`,
/// reference §4.4).
///
/// A 1.x client that lists a service with a UDP port becomes the ephemeral ip:port client `ip:udpPort#true`.
/// Each push sends that address one `UdpPushPacket` (the ServiceInfo with its grouped name, gzipped from
/// 1 KiB) from one shared socket and waits for the client's ack, matched by sender address and
/// `lastRefTime`. Without an ack within `ackTimeout` the packet is sent again, `maxRetransmissions` times
/// (Nacos: 10 s, once); then the push fails with `UdpPushError.notAcknowledged`, which `PushService` does
/// not retry. Datagrams that match no pending push are counted and ignored.
///
/// The push's `timeout` argument is not used: UDP pushes follow their own ack timeout and retransmission,
/// as in Nacos.
public final class UdpPushExecutor: PushExecutor {
    /// The largest datagram read as an ack; longer ones are ignored unparsed (acks are under 100 bytes).
    public static let maxAckBytes = 4096

    /// How long to wait for an ack before retransmitting or failing.
    public let ackTimeout: Duration
    /// How many times an unacknowledged packet is sent again before the push fails.
    public let maxRetransmissions: Int

    private let socket: NacosUDPSocket
    private let acks: UdpAckTable
    private let counters: UdpPushCounters
    private let clock: (any NacosClock)?
    private let logger: NacosLogger
    private let lastRefTime = Atomic<Int64>(0)

    /// Binds the push socket and starts reading acks on `loop`.
    ///
    /// - Parameters:
    ///   - address: where to bind the socket; `nil` binds `0.0.0.0` on a port the kernel picks, as Nacos's
    ///     `new DatagramSocket()`. Bind `::` to reach IPv6 subscribers too.
    ///   - loop: the event loop that reads acks and runs the ack timers.
    ///   - ackTimeout: how long to wait for each ack (Nacos: 10 s).
    ///   - maxRetransmissions: retransmissions before giving up (Nacos: 1).
    ///   - maxPendingAcks: pushes that may wait for acks at once; more fail at once (and are retried later).
    ///   - maxPendingAckBytes: bytes of packets kept for retransmission at once; more fail the same way.
    ///   - clock: the clock for ack timers and `lastRefTime`; `nil` uses `loop`'s timers and the system time.
    /// - Throws: `NacosTransportError` when a limit is out of range or the socket cannot be bound.
    public init(
        bindingTo address: NacosSocketAddress? = nil,
        on loop: NacosEventLoop,
        ackTimeout: Duration = .seconds(10),
        maxRetransmissions: Int = 1,
        maxPendingAcks: Int = 10_000,
        maxPendingAckBytes: Int = 64 << 20,
        clock: (any NacosClock)? = nil,
        logger: NacosLogger = NacosLogger(label: "nacos.naming.push.udp")
    ) async throws {
        guard ackTimeout > .zero else { throw NacosTransportError(.invalidConfiguration, "ackTimeout must be positive, not \(ackTimeout)") }
        guard maxRetransmissions >= 0 else {
            throw NacosTransportError(.invalidConfiguration, "maxRetransmissions must not be negative, not \(maxRetransmissions)")
        }
        guard maxPendingAcks > 0, maxPendingAckBytes > 0 else {
            throw NacosTransportError(.invalidConfiguration, "maxPendingAcks and maxPendingAckBytes must be positive")
        }
        let acks = UdpAckTable(maxEntries: maxPendingAcks, maxBytes: maxPendingAckBytes)
        let counters = UdpPushCounters()
        let bindAddress = try address ?? NacosSocketAddress(ipAddress: "0.0.0.0", port: 0)
        self.socket = try await NacosUDPSocket.bind(to: bindAddress, on: loop, logger: logger) { datagram, source in
            UdpPushExecutor.receive(datagram, from: source, acks: acks, counters: counters, logger: logger)
        }
        self.acks = acks
        self.counters = counters
        self.ackTimeout = ackTimeout
        self.maxRetransmissions = maxRetransmissions
        self.clock = clock
        self.logger = logger
    }

    /// The address pushes are sent from (the port 1.x clients see them come from).
    public var localAddress: NacosSocketAddress { self.socket.localAddress }

    /// The counts of pushes sent, retransmitted, acknowledged and failed so far.
    public var statistics: UdpPushStatistics {
        self.counters.snapshot(pending: self.acks.count)
    }

    /// Sends `request.serviceInfo` to the subscriber `clientId` (`ip:udpPort#…`) and waits for its ack.
    ///
    /// - Throws: `UdpPushError` (not retried by `PushService`) when the subscriber never acknowledged,
    ///   the client id is not an ip:port id (or an IPv6 one for an IPv4 socket), there is no service info,
    ///   the packet is too large, or the executor was shut down; `NacosTransportError` (retried) when the
    ///   packet could not be sent or too many pushes await acks; `CancellationError` when the task was
    ///   cancelled.
    public func push(_ request: NotifySubscriberRequest, to clientId: String, timeout: Duration) async throws {
        guard let destination = Self.subscriberAddress(clientId) else {
            self.counters.failed.add(1, ordering: .relaxed)
            throw UdpPushError(.invalidClientId, "'\(clientId)' is not an ip:port client id")
        }
        guard destination.family == .ipv4 || self.socket.localAddress.family == .ipv6 else {
            self.counters.failed.add(1, ordering: .relaxed)
            throw UdpPushError(.unreachableAddress, "the IPv6 subscriber \(clientId) cannot be reached from \(self.socket.localAddress)")
        }
        guard let serviceInfo = request.serviceInfo else {
            self.counters.failed.add(1, ordering: .relaxed)
            throw UdpPushError(.missingServiceInfo, "the push to \(clientId) has no service info")
        }
        let packet = UdpPushPacket(serviceInfo: serviceInfo, lastRefTime: self.nextLastRefTime())
        let bytes = packet.encoded()
        guard bytes.count <= self.socket.maxDatagramBytes else {
            self.counters.failed.add(1, ordering: .relaxed)
            throw UdpPushError(
                .packetTooLarge,
                "the push of \(serviceInfo.groupedName) to \(clientId) is \(bytes.count) bytes, more than one datagram holds"
            )
        }
        let key = UdpAckTable.Key(address: destination, lastRefTime: packet.lastRefTime)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if let refusal = self.acks.insert(key, packet: bytes, continuation: continuation) {
                    self.counters.failed.add(1, ordering: .relaxed)
                    continuation.resume(throwing: refusal)
                    return
                }
                self.counters.sent.add(1, ordering: .relaxed)
                self.logger.debug("send udp packet: \(key)")
                self.transmit(bytes, key: key, transmission: 1)
            }
        } onCancel: {
            if self.acks.fail(key, with: CancellationError()) {
                self.counters.failed.add(1, ordering: .relaxed)
            }
        }
    }

    /// Fails every pending push with `UdpPushError.shutDown`, refuses new ones and closes the socket.
    public func shutdown() async {
        let failed = self.acks.close(failingWith: UdpPushError(.shutDown, "the UDP push executor is shut down"))
        self.counters.failed.add(failed, ordering: .relaxed)
        await self.socket.close()
    }

    // MARK: - Sending

    /// Sends transmission `transmission` of the push `key` and arms its ack timer.
    private func transmit(_ bytes: [UInt8], key: UdpAckTable.Key, transmission: Int) {
        do {
            if try !self.socket.send(bytes, to: key.address) {
                // The kernel's buffer was full: the ack timer retransmits as for a lost datagram.
                self.logger.debug("udp packet \(key) dropped by a full send buffer")
            }
        } catch {
            if self.acks.fail(key, with: error) {
                self.counters.failed.add(1, ordering: .relaxed)
                self.logger.warning("[NACOS-PUSH] failed to send udp packet \(key): \(error)")
            }
            return
        }
        let timer = self.schedule(after: self.ackTimeout) { [weak self] in
            self?.ackTimedOut(key, transmission: transmission)
        }
        self.acks.setTimer(timer, for: key, transmission: transmission)
    }

    private func ackTimedOut(_ key: UdpAckTable.Key, transmission: Int) {
        switch self.acks.timedOut(key, transmission: transmission, maxRetransmissions: self.maxRetransmissions) {
        case .retransmit(let bytes, let next):
            self.counters.retransmitted.add(1, ordering: .relaxed)
            self.logger.info("retry to push data, key: \(key)")
            self.transmit(bytes, key: key, transmission: next)
        case .fail(let continuation, let transmissions):
            self.counters.failed.add(1, ordering: .relaxed)
            self.logger.warning("max re-push times reached, retry times \(transmissions - 1), key: \(key)")
            let message = "\(key.address) did not acknowledge push \(key.lastRefTime) (sent \(transmissions) times)"
            continuation.resume(throwing: UdpPushError(.notAcknowledged, message))
        case .none:
            break
        }
    }

    private func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void) -> any NacosTimer {
        if let clock = self.clock {
            return clock.schedule(after: delay, on: self.socket.eventLoop, work)
        }
        return self.socket.eventLoop.scheduleTask(in: delay, work)
    }

    /// A unique, increasing packet id: nanoseconds since the epoch (at millisecond resolution with an
    /// injected clock), bumped past the previous id.
    private func nextLastRefTime() -> Int64 {
        let now: Int64
        if let clock = self.clock {
            now = clock.nowMillis() &* 1_000_000
        } else {
            var time = timespec()
            clock_gettime(CLOCK_REALTIME, &time)
            now = Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
        }
        var previous = self.lastRefTime.load(ordering: .relaxed)
        while true {
            let next = max(now, previous &+ 1)
            let (exchanged, current) = self.lastRefTime.compareExchange(expected: previous, desired: next, ordering: .relaxed)
            if exchanged { return next }
            previous = current
        }
    }

    // MARK: - Receiving

    /// Handles one datagram on the socket's loop: an ack completes its push, anything else is ignored.
    private static func receive(
        _ datagram: NacosByteBuffer,
        from source: NacosSocketAddress,
        acks: UdpAckTable,
        counters: UdpPushCounters,
        logger: NacosLogger
    ) {
        guard datagram.readableBytes <= Self.maxAckBytes else {
            counters.ignoredDatagrams.add(1, ordering: .relaxed)
            logger.debug("ignored a \(datagram.readableBytes)-byte datagram from \(source): too long for an ack")
            return
        }
        let ack: UdpPushAck
        do {
            ack = try UdpPushAck(datagram: datagram)
        } catch {
            counters.ignoredDatagrams.add(1, ordering: .relaxed)
            logger.debug("ignored a datagram from \(source) that is not an ack: \(error)")
            return
        }
        let key = UdpAckTable.Key(address: source, lastRefTime: ack.lastRefTime)
        if acks.acknowledge(key) {
            counters.acknowledged.add(1, ordering: .relaxed)
            logger.debug("received ack \(ack.type ?? "") for \(key)")
        } else {
            counters.ignoredDatagrams.add(1, ordering: .relaxed)
            logger.debug("unable to find ackEntry for key: \(key)")
        }
    }

    // MARK: - Addresses

    /// The UDP address of an ip:port client id (`ip:port#…`, IPv6 hosts bare or in brackets), in the
    /// canonical form acks arrive from; `nil` when the id has no numeric IP or no port 1...65535.
    public static func subscriberAddress(_ clientId: String) -> NacosSocketAddress? {
        let address = IpPortBasedClient.parse(clientId).address
        guard let colon = address.lastIndex(of: ":") else { return nil }
        guard let port = Int(address[address.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        let host = String(address[..<colon])
        guard let parsed = try? NacosSocketAddress(ipAddress: host, port: port) else { return nil }
        return parsed.canonicalized
    }
}

/// The executor's atomic counters.
private final class UdpPushCounters: Sendable {
    let sent = Atomic<Int>(0)
    let retransmitted = Atomic<Int>(0)
    let acknowledged = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    let ignoredDatagrams = Atomic<Int>(0)

    func snapshot(pending: Int) -> UdpPushStatistics {
        UdpPushStatistics(
            sent: self.sent.load(ordering: .relaxed),
            retransmitted: self.retransmitted.load(ordering: .relaxed),
            acknowledged: self.acknowledged.load(ordering: .relaxed),
            failed: self.failed.load(ordering: .relaxed),
            ignoredDatagrams: self.ignoredDatagrams.load(ordering: .relaxed),
            pending: pending
        )
    }
}
