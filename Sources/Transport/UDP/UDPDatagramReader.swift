import CLinuxSys
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The loop-confined half of a `NacosUDPSocket`: it drains readable datagrams with `recvfrom` and hands
/// each to the socket's handler, dropping (and counting) datagrams larger than the socket's limit.
internal final class UDPDatagramReader: Selectable, @unchecked Sendable {
    // Sendable: every mutable field is confined to `eventLoop`; methods assert it.

    /// Datagrams read per readiness event before other sockets on the loop get their turn.
    static let datagramsPerEvent = 64

    let eventLoop: NacosEventLoop
    private let fd: Int32
    private let onDatagram: NacosUDPSocket.DatagramHandler
    private let logger: NacosLogger
    private let statistics: UDPSocketCounters
    private var buffer: [UInt8]
    private var isOpen = true
    /// Called once when the reader closes the descriptor, so the sending side stops first.
    var onClose: (() -> Void)?

    init(
        fd: Int32,
        eventLoop: NacosEventLoop,
        maxDatagramBytes: Int,
        statistics: UDPSocketCounters,
        logger: NacosLogger,
        onDatagram: @escaping NacosUDPSocket.DatagramHandler
    ) {
        self.fd = fd
        self.eventLoop = eventLoop
        self.buffer = [UInt8](repeating: 0, count: maxDatagramBytes)
        self.statistics = statistics
        self.logger = logger
        self.onDatagram = onDatagram
    }

    func handleEvents(_ events: UInt32) {
        guard self.isOpen else { return }
        if events & CLinuxSys_EPOLLERR != 0 {
            // Reading SO_ERROR clears it, so a level-triggered error does not spin the loop.
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(self.fd, SOL_SOCKET, SO_ERROR, &code, &length)
            if code != 0 {
                self.logger.debug("UDP socket error: \(SystemCalls.errnoText(code))")
            }
        }
        if events & (CLinuxSys_EPOLLIN | CLinuxSys_EPOLLERR) != 0 {
            self.readDatagrams()
        }
    }

    private func readDatagrams() {
        let storage = UnsafeMutablePointer<sockaddr_storage>.allocate(capacity: 1)
        defer { storage.deallocate() }
        for _ in 0..<Self.datagramsPerEvent {
            guard self.isOpen else { return }
            storage.initialize(to: sockaddr_storage())
            var addressLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let capacity = self.buffer.count
            // MSG_TRUNC makes recvfrom report a datagram's real size, so an oversized one is noticed.
            let received = self.buffer.withUnsafeMutableBytes { bytes in
                storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    recvfrom(self.fd, bytes.baseAddress, capacity, Int32(MSG_TRUNC), address, &addressLength)
                }
            }
            if received < 0 {
                let code = errno
                switch code {
                case EINTR:
                    continue
                case EAGAIN, EWOULDBLOCK:
                    return
                case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH:
                    // An ICMP error reported for an earlier send; the next datagram may be fine.
                    self.logger.debug("UDP receive reported \(SystemCalls.errnoText(code))")
                    continue
                default:
                    self.logger.warning("UDP recvfrom failed: \(SystemCalls.errnoText(code))")
                    return
                }
            }
            guard received <= capacity else {
                self.statistics.receivesDropped.add(1, ordering: .relaxed)
                self.logger.debug("dropped a \(received)-byte datagram larger than \(capacity) bytes")
                continue
            }
            guard let source = SocketAddressConversion.decode(storage).map(NacosUDPSocket.unmappingIPv4) else { continue }
            self.statistics.datagramsReceived.add(1, ordering: .relaxed)
            let datagram = self.buffer.withUnsafeBytes { bytes in
                NacosByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: bytes[0..<received]))
            }
            self.onDatagram(datagram, source)
        }
    }

    /// Deregisters and closes the descriptor; must run on the loop. Later calls do nothing.
    func close() {
        self.eventLoop.assertInEventLoop()
        guard self.isOpen else { return }
        self.isOpen = false
        self.onClose?()
        self.onClose = nil
        self.eventLoop.deregister(fd: self.fd)
        SystemCalls.close(self.fd)
        self.buffer = []
    }

    func closeForShutdown() {
        self.close()
    }
}
