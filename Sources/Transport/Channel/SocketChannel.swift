import CLinuxSys
#if canImport(Glibc)
import Glibc
#endif

/// A connected (or connecting) non-blocking TCP socket owned by one event loop: the bottom of a stream.
///
/// It reads into the loop's shared buffer and hands bytes to its handler, queues writes and sends them
/// with `writev`, reports writability with high and low watermarks, refuses writes past a hard limit,
/// supports half-close, and closes either at once (failing queued writes) or after flushing them.
internal final class SocketChannel: Selectable, NacosStreamOutput, @unchecked Sendable {
    // Sendable: every mutable field is confined to `eventLoop`; methods assert it.

    private enum State {
        case idle
        case connecting
        case active
        case closed
    }

    let eventLoop: NacosEventLoop
    private(set) var localAddress: NacosSocketAddress?
    private(set) var remoteAddress: NacosSocketAddress?

    private let fd: Int32
    private let configuration: NacosTransportConfiguration
    private let logger: NacosLogger
    private var handler: any NacosStreamHandler
    private var state = State.idle
    private var registrationID: UInt32 = 0
    private var registeredInterest: UInt32 = 0
    private var pending = PendingWrites()
    private(set) var isWritable = true
    private var readingEnabled = false
    private var inputClosed = false
    private var outputShutdownRequested = false
    private var outputShutdown = false
    private var closeAfterFlush = false
    private var closeAfterFlushError: (any Error)?
    private var closeTimer: NacosScheduledTask?
    private var connectTimer: NacosScheduledTask?
    private var inReadCallback = false
    private var flushRequestedDuringRead = false
    private var completedScratch: [NacosWriteCompletion] = []
    /// Called once after the socket is closed (used by listeners to count connections).
    var onClose: (() -> Void)?

    var isOpen: Bool { self.state == .active && !self.outputShutdown && !self.outputShutdownRequested }

    private init(fd: Int32, eventLoop: NacosEventLoop, handler: any NacosStreamHandler, configuration: NacosTransportConfiguration, logger: NacosLogger) {
        self.fd = fd
        self.eventLoop = eventLoop
        self.handler = handler
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: - Creation

    /// Wraps an accepted socket and makes it active; reading starts when the handler enables it.
    static func adoptAccepted(
        fd: Int32,
        eventLoop: NacosEventLoop,
        handler: any NacosStreamHandler,
        configuration: NacosTransportConfiguration,
        logger: NacosLogger,
        onClose: (() -> Void)?
    ) {
        eventLoop.assertInEventLoop()
        let channel = SocketChannel(fd: fd, eventLoop: eventLoop, handler: handler, configuration: configuration, logger: logger)
        channel.onClose = onClose
        Self.setNoDelay(fd)
        channel.localAddress = SocketAddressConversion.localAddress(of: fd)
        channel.remoteAddress = SocketAddressConversion.remoteAddress(of: fd)
        do {
            channel.registrationID = try eventLoop.register(fd: fd, interest: 0, selectable: channel)
        } catch {
            channel.state = .closed
            SystemCalls.close(fd)
            onClose?()
            handler.streamClosed(error)
            return
        }
        channel.state = .active
        handler.streamActive(channel)
    }

    /// Opens a socket to `address`; the handler sees `streamActive` once connected, or `streamClosed` with
    /// the reason the connect failed (refused, timed out).
    static func connect(
        to address: NacosSocketAddress,
        timeout: Duration,
        eventLoop: NacosEventLoop,
        handler: any NacosStreamHandler,
        configuration: NacosTransportConfiguration,
        logger: NacosLogger
    ) {
        eventLoop.assertInEventLoop()
        let family = address.family == .ipv6 ? AF_INET6 : AF_INET
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            handler.streamClosed(SystemCalls.ioError("socket"))
            return
        }
        Self.setNoDelay(fd)
        let channel = SocketChannel(fd: fd, eventLoop: eventLoop, handler: handler, configuration: configuration, logger: logger)
        channel.remoteAddress = address
        do {
            let result = try SocketAddressConversion.withSockAddr(address) { pointer, length in
                Glibc.connect(fd, pointer, length)
            }
            channel.registrationID = try eventLoop.register(fd: fd, interest: 0, selectable: channel)
            if result == 0 {
                channel.becomeActive()
                return
            }
            guard errno == EINPROGRESS else {
                throw SystemCalls.ioError("connect to \(address)")
            }
            channel.state = .connecting
            channel.updateInterest()
            channel.connectTimer = eventLoop.scheduleTask(in: timeout) { [channel] in
                guard channel.state == .connecting else { return }
                channel.forceClose(NacosTransportError(.connectTimeout, "connect to \(address) timed out after \(timeout)"))
            }
        } catch {
            if channel.registrationID != 0 {
                eventLoop.deregister(fd: fd)
            }
            channel.state = .closed
            SystemCalls.close(fd)
            handler.streamClosed(error)
        }
    }

    private static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    private func becomeActive() {
        self.connectTimer?.cancel()
        self.connectTimer = nil
        self.state = .active
        self.localAddress = SocketAddressConversion.localAddress(of: self.fd)
        if let peer = SocketAddressConversion.remoteAddress(of: self.fd) {
            self.remoteAddress = peer
        }
        self.updateInterest()
        self.handler.streamActive(self)
    }

    // MARK: - Selectable

    func handleEvents(_ events: UInt32) {
        switch self.state {
        case .connecting:
            self.finishConnect()
            return
        case .idle, .closed:
            return
        case .active:
            break
        }
        if events & CLinuxSys_EPOLLERR != 0 {
            self.forceClose(self.pendingSocketError() ?? NacosTransportError(.connectionReset, "socket error"))
            return
        }
        if events & CLinuxSys_EPOLLOUT != 0 {
            self.flushNow()
            guard self.state == .active else { return }
        }
        if events & (CLinuxSys_EPOLLIN | CLinuxSys_EPOLLHUP | CLinuxSys_EPOLLRDHUP) != 0 {
            if self.readingEnabled && !self.inputClosed {
                self.readNow()
            } else if events & CLinuxSys_EPOLLHUP != 0 {
                // Both directions are gone and we are not reading: nothing more can happen on this socket.
                self.forceClose(NacosTransportError(.connectionReset, "peer hung up"))
            }
        }
    }

    func closeForShutdown() {
        self.forceClose(NacosTransportError(.shutDown, "event loop shut down"))
    }

    private func finishConnect() {
        if let error = self.pendingSocketError() {
            self.forceClose(error)
            return
        }
        self.becomeActive()
    }

    private func pendingSocketError() -> NacosTransportError? {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(self.fd, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else {
            return SystemCalls.ioError("getsockopt(SO_ERROR)")
        }
        guard code != 0 else { return nil }
        let call = self.state == .connecting ? "connect to \(self.remoteAddress.map(String.init(describing:)) ?? "?")" : "socket"
        return SystemCalls.ioError(call, code)
    }

    // MARK: - Reading

    private func readNow() {
        let chunk = self.configuration.readChunkSize
        for _ in 0..<4 {
            var buffer = self.eventLoop.sharedReadBuffer
            self.eventLoop.sharedReadBuffer = NacosByteBuffer()
            buffer.clear()
            buffer.reserveCapacity(minimumWritableBytes: chunk)
            var wouldBlock = false
            let count: Int
            do {
                count = try buffer.writeWithUnsafeMutableBytes { pointer throws(NacosTransportError) -> Int in
                    let result = try SystemCalls.retrying("read") { Glibc.read(self.fd, pointer.baseAddress, min(pointer.count, chunk)) }
                    wouldBlock = result == nil
                    return result ?? 0
                }
            } catch {
                self.eventLoop.sharedReadBuffer = buffer
                self.forceClose(error)
                return
            }
            if wouldBlock {
                self.eventLoop.sharedReadBuffer = buffer
                return  // EAGAIN: drained
            }
            if count == 0 {
                self.eventLoop.sharedReadBuffer = buffer
                self.inputClosed = true
                self.updateInterest()
                self.handler.streamInputClosed()
                return
            }
            self.inReadCallback = true
            self.handler.streamRead(&buffer)
            self.inReadCallback = false
            self.eventLoop.sharedReadBuffer = buffer
            if self.flushRequestedDuringRead {
                self.flushRequestedDuringRead = false
                self.flushNow()
            }
            guard self.state == .active, self.readingEnabled, !self.inputClosed, count == chunk else { return }
        }
    }

    func setReadingEnabled(_ enabled: Bool) {
        self.eventLoop.assertInEventLoop()
        guard self.readingEnabled != enabled else { return }
        self.readingEnabled = enabled
        self.updateInterest()
    }

    // MARK: - Writing

    func write(_ bytes: NacosByteBuffer, completion: NacosWriteCompletion?) {
        self.eventLoop.assertInEventLoop()
        guard self.state == .active || self.state == .connecting, !self.outputShutdown, !self.outputShutdownRequested else {
            completion?(.failure(.writeOnClosedStream))
            return
        }
        guard self.pending.totalBytes + bytes.readableBytes <= self.configuration.maxPendingWriteBytes else {
            completion?(.failure(.outboundLimitReached(self.configuration.maxPendingWriteBytes)))
            return
        }
        self.pending.append(bytes, completion: completion)
        if self.isWritable && self.pending.totalBytes > self.configuration.writeBufferHighWatermark {
            self.isWritable = false
            self.handler.streamWritabilityChanged(false)
        }
    }

    func flush() {
        self.eventLoop.assertInEventLoop()
        self.pending.markFlushed()
        if self.inReadCallback {
            self.flushRequestedDuringRead = true
            return
        }
        if self.state == .active {
            self.flushNow()
        }
    }

    private func flushNow() {
        guard self.state == .active else { return }
        var completed = self.completedScratch
        self.completedScratch = []
        defer {
            completed.removeAll(keepingCapacity: true)
            if self.completedScratch.isEmpty { self.completedScratch = completed }
        }
        let vectorLimit = NacosEventLoop.ioVectorLimit
        let iovecs = self.eventLoop.ioVectorScratch
        var blocked = false
        while self.pending.hasFlushedEntries {
            let count = self.pending.fillIOVectors(iovecs, limit: vectorLimit)
            let written: Int?
            do {
                written = try SystemCalls.retrying("writev") { writev(self.fd, iovecs, Int32(count)) }
            } catch {
                self.runCompletions(&completed)
                self.forceClose(error)
                return
            }
            guard let written else {
                blocked = true
                break
            }
            self.pending.consume(written, completed: &completed)
        }
        if !self.isWritable && self.pending.totalBytes < self.configuration.writeBufferLowWatermark {
            self.isWritable = true
            self.handler.streamWritabilityChanged(true)
        }
        self.runCompletions(&completed)
        guard self.state == .active else { return }
        if !blocked && !self.pending.hasFlushedEntries {
            if self.closeAfterFlush {
                self.forceClose(self.closeAfterFlushError)
                return
            }
            if self.outputShutdownRequested && !self.outputShutdown && self.pending.isEmpty {
                self.outputShutdown = true
                _ = Glibc.shutdown(self.fd, Int32(SHUT_WR))
            }
        }
        self.updateInterest()
    }

    private func runCompletions(_ completed: inout [NacosWriteCompletion]) {
        for completion in completed {
            completion(.success(()))
        }
        completed.removeAll(keepingCapacity: true)
    }

    func shutdownOutput() {
        self.eventLoop.assertInEventLoop()
        guard self.state == .active, !self.outputShutdownRequested else { return }
        self.outputShutdownRequested = true
        self.pending.markFlushed()
        self.flushNow()
    }

    // MARK: - Closing

    func close(flush: Bool, error: (any Error)?) {
        self.eventLoop.assertInEventLoop()
        guard self.state != .closed else { return }
        if flush && self.state == .active && !self.pending.isEmpty {
            guard !self.closeAfterFlush else { return }
            self.closeAfterFlush = true
            self.closeAfterFlushError = error
            self.readingEnabled = false
            self.pending.markFlushed()
            let timeout = self.configuration.closeFlushTimeout
            self.closeTimer = self.eventLoop.scheduleTask(in: timeout) { [self] in
                guard self.state != .closed else { return }
                self.logger.debug("closing \(self.remoteAddress.map(String.init(describing:)) ?? "socket") after a \(timeout) flush timeout")
                self.forceClose(error ?? NacosTransportError(.connectionClosed, "close flush timed out after \(timeout)"))
            }
            self.flushNow()
            return
        }
        self.forceClose(error)
    }

    private func forceClose(_ error: (any Error)?) {
        guard self.state != .closed else { return }
        let wasRegistered = self.registrationID != 0
        self.state = .closed
        self.connectTimer?.cancel()
        self.closeTimer?.cancel()
        if wasRegistered {
            self.eventLoop.deregister(fd: self.fd)
        }
        SystemCalls.close(self.fd)
        let failed = self.pending.removeAll()
        let closedError = NacosTransportError(.connectionClosed, "connection closed before the write was sent")
        for completion in failed {
            completion(.failure(closedError))
        }
        self.onClose?()
        self.onClose = nil
        self.handler.streamClosed(error)
    }

    // MARK: - Interest

    private func updateInterest() {
        guard self.state == .active || self.state == .connecting else { return }
        var interest: UInt32 = 0
        if self.state == .connecting {
            interest = CLinuxSys_EPOLLOUT
        } else {
            if self.readingEnabled && !self.inputClosed {
                interest |= CLinuxSys_EPOLLIN | CLinuxSys_EPOLLRDHUP
            }
            if self.pending.hasFlushedEntries {
                interest |= CLinuxSys_EPOLLOUT
            }
        }
        guard interest != self.registeredInterest else { return }
        self.registeredInterest = interest
        self.eventLoop.reregister(fd: self.fd, registrationID: self.registrationID, interest: interest)
    }
}
