import CLinuxSys
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A listening TCP socket on one event loop that accepts connections and spreads them over a group.
///
/// Each accepted socket is handed to the next loop of the group, where `makeHandler` builds its stream
/// layers. When the process runs out of descriptors (EMFILE), accepting pauses for 100 ms instead of
/// spinning on a level-triggered event that cannot be served.
internal final class ServerSocketChannel: Selectable, @unchecked Sendable {
    // Sendable: mutable fields are confined to `eventLoop`; `openConnections` is atomic.

    let eventLoop: NacosEventLoop
    let localAddress: NacosSocketAddress
    private let fd: Int32
    private let group: NacosEventLoopGroup
    private let configuration: NacosTransportConfiguration
    private let logger: NacosLogger
    private let makeHandler: @Sendable (NacosEventLoop) -> any NacosStreamHandler
    private let openConnections = Atomic<Int>(0)
    private var registrationID: UInt32 = 0
    private var closed = false
    private var acceptPaused = false

    private init(
        fd: Int32,
        localAddress: NacosSocketAddress,
        eventLoop: NacosEventLoop,
        group: NacosEventLoopGroup,
        configuration: NacosTransportConfiguration,
        logger: NacosLogger,
        makeHandler: @escaping @Sendable (NacosEventLoop) -> any NacosStreamHandler
    ) {
        self.fd = fd
        self.localAddress = localAddress
        self.eventLoop = eventLoop
        self.group = group
        self.configuration = configuration
        self.logger = logger
        self.makeHandler = makeHandler
    }

    /// Binds, listens and registers a socket on `eventLoop`; must run on that loop.
    static func bind(
        to address: NacosSocketAddress,
        eventLoop: NacosEventLoop,
        group: NacosEventLoopGroup,
        configuration: NacosTransportConfiguration,
        logger: NacosLogger,
        makeHandler: @escaping @Sendable (NacosEventLoop) -> any NacosStreamHandler
    ) throws(NacosTransportError) -> ServerSocketChannel {
        eventLoop.assertInEventLoop()
        let family = address.family == .ipv6 ? AF_INET6 : AF_INET
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemCalls.ioError("socket") }
        do throws(NacosTransportError) {
            var one: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            try SocketAddressConversion.withSockAddr(address) { (pointer, length) throws(NacosTransportError) in
                guard Glibc.bind(fd, pointer, length) == 0 else { throw SystemCalls.ioError("bind to \(address)") }
            }
            guard listen(fd, Int32(configuration.listenBacklog)) == 0 else { throw SystemCalls.ioError("listen on \(address)") }
            let bound = SocketAddressConversion.localAddress(of: fd) ?? address
            let channel = ServerSocketChannel(
                fd: fd,
                localAddress: bound,
                eventLoop: eventLoop,
                group: group,
                configuration: configuration,
                logger: logger,
                makeHandler: makeHandler
            )
            channel.registrationID = try eventLoop.register(fd: fd, interest: CLinuxSys_EPOLLIN, selectable: channel)
            return channel
        } catch {
            SystemCalls.close(fd)
            throw error
        }
    }

    func handleEvents(_ events: UInt32) {
        guard !self.closed, !self.acceptPaused else { return }
        for _ in 0..<256 {
            let accepted = CLinuxSys_accept4(self.fd, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
            if accepted < 0 {
                let code = errno
                switch code {
                case EINTR, ECONNABORTED, EPROTO:
                    continue
                case EAGAIN, EWOULDBLOCK:
                    return
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    self.logger.error("accept on \(self.localAddress) failed: \(SystemCalls.errnoText(code)); pausing accepts for 100 ms")
                    self.pauseAccepting()
                    return
                default:
                    self.logger.error("accept on \(self.localAddress) failed: \(SystemCalls.errnoText(code))")
                    return
                }
            }
            let open = self.openConnections.wrappingAdd(1, ordering: .relaxed).newValue
            if open > self.configuration.maxConnectionsPerListener {
                self.openConnections.wrappingSubtract(1, ordering: .relaxed)
                self.logger.warning(
                    "refusing a connection on \(self.localAddress): \(self.configuration.maxConnectionsPerListener) connections are open (maxConnectionsPerListener)"
                )
                SystemCalls.close(accepted)
                continue
            }
            let childLoop = self.group.next()
            let configuration = self.configuration
            let logger = self.logger
            let makeHandler = self.makeHandler
            let counter = self
            childLoop.execute {
                SocketChannel.adoptAccepted(
                    fd: accepted,
                    eventLoop: childLoop,
                    handler: makeHandler(childLoop),
                    configuration: configuration,
                    logger: logger,
                    onClose: { counter.openConnections.wrappingSubtract(1, ordering: .relaxed) }
                )
            }
        }
    }

    private func pauseAccepting() {
        self.acceptPaused = true
        self.eventLoop.reregister(fd: self.fd, registrationID: self.registrationID, interest: 0)
        self.eventLoop.scheduleTask(in: .milliseconds(100)) { [self] in
            guard !self.closed else { return }
            self.acceptPaused = false
            self.eventLoop.reregister(fd: self.fd, registrationID: self.registrationID, interest: CLinuxSys_EPOLLIN)
        }
    }

    /// Stops accepting and closes the listening socket; must run on the loop.
    func close() {
        self.eventLoop.assertInEventLoop()
        guard !self.closed else { return }
        self.closed = true
        self.eventLoop.deregister(fd: self.fd)
        SystemCalls.close(self.fd)
    }

    func closeForShutdown() {
        self.close()
    }
}
