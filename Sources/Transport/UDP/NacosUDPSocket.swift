import CLinuxSys
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A non-blocking IPv4 or IPv6 datagram socket bound to a local address and read by one event loop.
///
/// Datagrams arrive on the loop's thread through the handler given to `bind`; `send(_:to:)` may be called
/// from any thread and never blocks: a datagram the kernel cannot queue (`EAGAIN`, `ENOBUFS`) is dropped
/// and counted, as UDP may drop it anyway. The socket closes with `close()` or when its loop's group
/// shuts down.
///
/// An IPv6 socket is dual-stack: it sends to IPv4 addresses through IPv4-mapped addresses, and reports
/// IPv4 peers with their plain IPv4 address.
public final class NacosUDPSocket: Sendable {
    /// Receives one datagram and its sender's address, on the socket's event loop.
    public typealias DatagramHandler = @Sendable (NacosByteBuffer, NacosSocketAddress) -> Void

    /// Counts of a socket's traffic.
    public struct Statistics: Sendable, Equatable {
        /// Datagrams handed to the kernel.
        public var datagramsSent: Int
        /// Datagrams received and delivered to the handler.
        public var datagramsReceived: Int
        /// Datagrams dropped on send because the kernel's buffer was full.
        public var sendsDropped: Int
        /// Received datagrams dropped because they exceeded `maxDatagramBytes`.
        public var receivesDropped: Int
    }

    /// The largest UDP payload over IPv4 (65535 minus the IP and UDP headers), the default limit.
    public static let maxIPv4Payload = 65507

    /// The bound address, with the port the kernel chose when binding to port 0.
    public let localAddress: NacosSocketAddress
    /// The loop that reads the socket.
    public let eventLoop: NacosEventLoop
    /// The largest datagram this socket sends or accepts; larger sends throw, larger arrivals are dropped.
    public let maxDatagramBytes: Int

    private let fd: Int32
    /// Whether sends may use the descriptor; cleared under the lock before the loop closes it.
    private let sendable = Mutex(true)
    private let counters: UDPSocketCounters
    private let reader: UDPDatagramReader

    private init(
        fd: Int32,
        localAddress: NacosSocketAddress,
        maxDatagramBytes: Int,
        counters: UDPSocketCounters,
        reader: UDPDatagramReader
    ) {
        self.fd = fd
        self.localAddress = localAddress
        self.eventLoop = reader.eventLoop
        self.maxDatagramBytes = maxDatagramBytes
        self.counters = counters
        self.reader = reader
    }

    /// Opens a socket bound to `address` (port 0 picks a free port) and starts reading it on `loop`.
    ///
    /// - Parameters:
    ///   - maxDatagramBytes: the largest datagram sent or received, 1...65507.
    ///   - onDatagram: called on `loop` for every datagram received; keep it short.
    /// - Throws: `NacosTransportError` when the address is not an IP address, the limit is out of range,
    ///   the bind fails (`.ioError`, for example the port is taken) or the loop has shut down.
    public static func bind(
        to address: NacosSocketAddress,
        on loop: NacosEventLoop,
        maxDatagramBytes: Int = NacosUDPSocket.maxIPv4Payload,
        logger: NacosLogger = NacosLogger(label: "nacos.udp"),
        onDatagram: @escaping DatagramHandler
    ) async throws -> NacosUDPSocket {
        guard (1...Self.maxIPv4Payload).contains(maxDatagramBytes) else {
            throw NacosTransportError(.invalidConfiguration, "maxDatagramBytes \(maxDatagramBytes) is outside 1...\(Self.maxIPv4Payload)")
        }
        guard address.family != .inMemory else {
            throw NacosTransportError(.invalidAddress, "\(address) is an in-memory address, not a UDP address")
        }
        return try await loop.submitAndWait {
            try Self.open(address: address, loop: loop, maxDatagramBytes: maxDatagramBytes, logger: logger, onDatagram: onDatagram)
        }
    }

    private static func open(
        address: NacosSocketAddress,
        loop: NacosEventLoop,
        maxDatagramBytes: Int,
        logger: NacosLogger,
        onDatagram: @escaping DatagramHandler
    ) throws(NacosTransportError) -> NacosUDPSocket {
        loop.assertInEventLoop()
        let family = address.family == .ipv6 ? AF_INET6 : AF_INET
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemCalls.ioError("socket") }
        do throws(NacosTransportError) {
            if family == AF_INET6 {
                var off: Int32 = 0
                _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &off, socklen_t(MemoryLayout<Int32>.size))
            }
            try SocketAddressConversion.withSockAddr(address) { (pointer, length) throws(NacosTransportError) in
                guard Glibc.bind(fd, pointer, length) == 0 else { throw SystemCalls.ioError("bind to \(address)") }
            }
            let bound = SocketAddressConversion.localAddress(of: fd) ?? address
            let counters = UDPSocketCounters()
            let reader = UDPDatagramReader(
                fd: fd,
                eventLoop: loop,
                maxDatagramBytes: maxDatagramBytes,
                statistics: counters,
                logger: logger,
                onDatagram: onDatagram
            )
            let socket = NacosUDPSocket(
                fd: fd,
                localAddress: bound,
                maxDatagramBytes: maxDatagramBytes,
                counters: counters,
                reader: reader
            )
            _ = try loop.register(fd: fd, interest: CLinuxSys_EPOLLIN, selectable: reader)
            // The reader closes the descriptor (on close or shutdown); sends must stop before that.
            reader.onClose = { [socket] in socket.sendable.withLock { $0 = false } }
            return socket
        } catch {
            SystemCalls.close(fd)
            throw error
        }
    }

    /// Whether the socket is still open.
    public var isOpen: Bool { self.sendable.withLock { $0 } }

    /// The socket's traffic counts so far.
    public var statistics: Statistics { self.counters.snapshot }

    /// Sends `bytes` as one datagram to `address`; safe to call from any thread, never blocks.
    ///
    /// - Returns: `false` when the kernel's send buffer was full and the datagram was dropped (counted in
    ///   `statistics.sendsDropped`), `true` when it was handed to the kernel.
    /// - Throws: `NacosTransportError` with `.frameTooLarge` for a datagram over `maxDatagramBytes`,
    ///   `.invalidAddress` for an address this socket cannot reach (IPv6 from an IPv4 socket, in-memory),
    ///   `.connectionClosed` once the socket is closed, `.ioError` for other send failures.
    @discardableResult
    public func send(_ bytes: [UInt8], to address: NacosSocketAddress) throws(NacosTransportError) -> Bool {
        guard bytes.count <= self.maxDatagramBytes else {
            throw NacosTransportError(.frameTooLarge, "datagram of \(bytes.count) bytes exceeds maxDatagramBytes \(self.maxDatagramBytes)")
        }
        let target = try self.reachable(address)
        let sent = try SocketAddressConversion.withSockAddr(target) { (pointer, length) throws(NacosTransportError) -> Bool in
            try self.sendable.withLock { (open: inout Bool) throws(NacosTransportError) -> Bool in
                guard open else { throw NacosTransportError(.connectionClosed, "send on a closed UDP socket") }
                while true {
                    let result = bytes.withUnsafeBytes { raw in
                        sendto(self.fd, raw.baseAddress, raw.count, Int32(MSG_DONTWAIT), pointer, length)
                    }
                    if result >= 0 { return true }
                    let code = errno
                    switch code {
                    case EINTR: continue
                    case EAGAIN, EWOULDBLOCK, ENOBUFS: return false
                    default: throw SystemCalls.ioError("sendto \(address)", code)
                    }
                }
            }
        }
        if sent {
            self.counters.datagramsSent.add(1, ordering: .relaxed)
        } else {
            self.counters.sendsDropped.add(1, ordering: .relaxed)
        }
        return sent
    }

    /// The address to pass to the kernel for `address` from this socket's family.
    private func reachable(_ address: NacosSocketAddress) throws(NacosTransportError) -> NacosSocketAddress {
        switch (self.localAddress.family, address.family) {
        case (_, .inMemory), (.inMemory, _):
            throw NacosTransportError(.invalidAddress, "\(address) is not a UDP address")
        case (.ipv6, .ipv4):
            return NacosSocketAddress(family: .ipv6, host: "::ffff:" + address.host, port: address.port)
        case (.ipv4, .ipv6):
            let plain = Self.unmappingIPv4(address)
            guard plain.family == .ipv4 else {
                throw NacosTransportError(.invalidAddress, "an IPv4 UDP socket cannot send to \(address)")
            }
            return plain
        default:
            return address
        }
    }

    /// `address` with an IPv4-mapped IPv6 host (`::ffff:10.0.0.1`) turned into the plain IPv4 address.
    internal static func unmappingIPv4(_ address: NacosSocketAddress) -> NacosSocketAddress {
        guard address.family == .ipv6 else { return address }
        let lowered = address.host.lowercased()
        for prefix in ["::ffff:", "0:0:0:0:0:ffff:"] where lowered.hasPrefix(prefix) {
            let rest = String(lowered.dropFirst(prefix.count))
            if IPAddressParser.isIPv4(rest) {
                return NacosSocketAddress(family: .ipv4, host: rest, port: address.port)
            }
        }
        return address
    }

    /// Closes the socket: sends fail from now on and no more datagrams are delivered. Calling it again,
    /// or after the loop's group shut down, does nothing.
    public func close() async {
        let reader = self.reader
        _ = try? await self.eventLoop.submitAndWait { reader.close() }
    }
}

extension NacosUDPSocket: CustomStringConvertible {
    /// `NacosUDPSocket(<local address>)`.
    public var description: String { "NacosUDPSocket(\(self.localAddress))" }
}
