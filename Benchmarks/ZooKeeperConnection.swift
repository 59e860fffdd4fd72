import Glibc

/// One ZooKeeper client session over a blocking TCP socket to 127.0.0.1: the handshake, framed writes,
/// reading replies in order with a deadline, pings while idle, and closing the session.
///
/// It is driven by one thread at a time (a `zk-load` lane), hence `@unchecked Sendable`.
final class ZooKeeperConnection: @unchecked Sendable {
    /// One reply's header: the xid it answers and its error code (0 = ok).
    struct Reply {
        /// The request's xid (-2 for pings).
        let xid: Int32
        /// `KeeperException.Code`, 0 for success.
        let error: Int32
    }

    private let descriptor: Int32
    private var received: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 65_536)
    private var receivedStart = 0
    private var lastSentNanoseconds: UInt64 = 0
    private var nextXid: Int32 = 1
    private var closed = false
    /// The session id the server gave.
    private(set) var sessionId: Int64 = 0
    /// The session timeout the server granted, in milliseconds.
    private(set) var sessionTimeoutMilliseconds: Int32 = ZooKeeperWire.sessionTimeoutMilliseconds

    /// Connects to 127.0.0.1:`port` and opens a session, waiting at most `timeout` for the server's answer.
    ///
    /// - Throws: `BenchmarkError` when the connection or the handshake fails.
    init(port: Int, timeout: Duration) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw BenchmarkError("zookeeper: socket() failed: errno \(errno)") }
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw BenchmarkError("zookeeper: cannot connect to 127.0.0.1:\(port): errno \(code)")
        }
        var one: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        do {
            try self.handshake(timeout: timeout)
        } catch {
            Glibc.close(descriptor)
            self.closed = true
            throw error
        }
    }

    deinit {
        if !self.closed { Glibc.close(self.descriptor) }
    }

    /// The next request xid (1, 2, 3 …).
    func takeXid() -> Int32 {
        defer { self.nextXid &+= 1 }
        return self.nextXid
    }

    /// Writes all of `bytes`.
    ///
    /// - Throws: `BenchmarkError` when the socket fails.
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.send(self.descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw BenchmarkError("zookeeper: write failed: errno \(errno)")
            }
            offset += written
        }
        self.lastSentNanoseconds = MonotonicClock.nanoseconds()
    }

    /// Waits until replies arrive or `deadline` (`CLOCK_MONOTONIC` nanoseconds) passes, and hands every
    /// complete reply to `handle` in order; returns `false` when nothing arrived before the deadline.
    ///
    /// - Throws: `BenchmarkError` when the server closes the connection or sends a malformed frame.
    func readReplies(until deadline: UInt64, _ handle: (Reply) throws -> Void) throws -> Bool {
        try self.fill(until: deadline) ? try self.drain(handle) : false
    }

    /// Creates the persistent znode `path` holding `data` and waits at most `timeout` for the reply;
    /// returns its error code (0, or -110 when it exists).
    ///
    /// - Throws: `BenchmarkError` when there is no reply in time or the connection fails.
    func create(path: String, data: [UInt8], timeout: Duration) throws -> Int32 {
        let xid = self.takeXid()
        var frame: [UInt8] = []
        ZooKeeperWire.appendCreateRequest(xid: xid, path: path, data: data, to: &frame)
        try self.send(frame)
        return try self.awaitReply(xid: xid, timeout: timeout, what: "create \(path)")
    }

    /// Sends a ping and waits for its reply when nothing was sent for a third of the session timeout (as
    /// ZooKeeper's own client does), so that an idle session never expires.
    ///
    /// - Throws: `BenchmarkError` when the ping is not answered within the session timeout.
    func pingIfIdle() throws {
        let third = UInt64(self.sessionTimeoutMilliseconds) * 1_000_000 / 3
        guard MonotonicClock.nanoseconds() &- self.lastSentNanoseconds >= third else { return }
        var frame: [UInt8] = []
        ZooKeeperWire.appendPing(to: &frame)
        try self.send(frame)
        _ = try self.awaitReply(xid: ZooKeeperWire.pingXid, timeout: .milliseconds(Int64(self.sessionTimeoutMilliseconds)), what: "ping")
    }

    /// Ends the session (`closeSession`, waiting up to a second for the answer) and closes the socket.
    func close() {
        guard !self.closed else { return }
        var frame: [UInt8] = []
        ZooKeeperWire.appendInt32(8, to: &frame)
        let xid = self.takeXid()
        ZooKeeperWire.appendInt32(xid, to: &frame)
        ZooKeeperWire.appendInt32(-11, to: &frame)
        if (try? self.send(frame)) != nil {
            _ = try? self.awaitReply(xid: xid, timeout: .seconds(1), what: "closeSession")
        }
        self.closed = true
        Glibc.close(self.descriptor)
    }

    /// Sends the ConnectRequest and reads the ConnectResponse.
    private func handshake(timeout: Duration) throws {
        try self.send(ZooKeeperWire.connectRequest())
        let deadline = MonotonicClock.nanoseconds() &+ Self.nanoseconds(timeout)
        while true {
            if let body = self.nextFrame() {
                // ConnectResponse {int protocolVersion, int timeOut, long sessionId, buffer passwd[, bool readOnly]}
                guard body.count >= 16 else { throw BenchmarkError("zookeeper: short ConnectResponse (\(body.count) bytes)") }
                let (timeOut, session) = body.withUnsafeBytes { raw in (ZooKeeperWire.int32(raw, at: 4), ZooKeeperWire.int64(raw, at: 8)) }
                guard timeOut > 0 else { throw BenchmarkError("zookeeper: the server refused the session (timeout 0)") }
                self.sessionTimeoutMilliseconds = timeOut
                self.sessionId = session
                return
            }
            guard try self.fill(until: deadline) else { throw BenchmarkError("zookeeper: no ConnectResponse within \(timeout)") }
        }
    }

    /// Reads replies until the one for `xid`; returns its error code.
    private func awaitReply(xid: Int32, timeout: Duration, what: String) throws -> Int32 {
        let deadline = MonotonicClock.nanoseconds() &+ Self.nanoseconds(timeout)
        var answer: Int32?
        while answer == nil {
            guard try self.readReplies(until: deadline, { reply in if reply.xid == xid { answer = reply.error } }) || answer != nil else {
                throw BenchmarkError("zookeeper: no reply to \(what) within \(timeout)")
            }
        }
        return answer ?? 0
    }

    /// Hands every complete reply frame buffered to `handle`; returns `true`.
    private func drain(_ handle: (Reply) throws -> Void) throws -> Bool {
        while let body = self.nextFrame() {
            // ReplyHeader {int xid, long zxid, int err}
            guard body.count >= 16 else { throw BenchmarkError("zookeeper: short reply (\(body.count) bytes)") }
            let reply = body.withUnsafeBytes { raw in Reply(xid: ZooKeeperWire.int32(raw, at: 0), error: ZooKeeperWire.int32(raw, at: 12)) }
            if reply.xid == ZooKeeperWire.notificationXid { continue }
            try handle(reply)
        }
        return true
    }

    /// The next complete frame's body, consumed from the receive buffer, or `nil`.
    private func nextFrame() -> ArraySlice<UInt8>? {
        let available = self.received.count - self.receivedStart
        guard available >= 4 else { return nil }
        let length = self.received.withUnsafeBytes { Int(UInt32(bitPattern: ZooKeeperWire.int32($0, at: self.receivedStart))) }
        guard available - 4 >= length else { return nil }
        let begin = self.receivedStart + 4
        self.receivedStart = begin + length
        return self.received[begin..<(begin + length)]
    }

    /// Waits for the socket to be readable (until `deadline`) and appends what it holds to the receive
    /// buffer; returns `false` on timeout.
    private func fill(until deadline: UInt64) throws -> Bool {
        if self.receivedStart > 0 && self.receivedStart == self.received.count {
            self.received.removeAll(keepingCapacity: true)
            self.receivedStart = 0
        } else if self.receivedStart > 65_536 {
            self.received.removeFirst(self.receivedStart)
            self.receivedStart = 0
        }
        while true {
            let now = MonotonicClock.nanoseconds()
            guard now < deadline else { return false }
            var pollDescriptor = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
            let waitMilliseconds = Int32(min((deadline - now + 999_999) / 1_000_000, 1000))
            let ready = poll(&pollDescriptor, 1, waitMilliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw BenchmarkError("zookeeper: poll failed: errno \(errno)")
            }
            if ready == 0 { continue }
            break
        }
        let descriptor = self.descriptor
        let count = self.chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count < 0 {
            if errno == EINTR || errno == EAGAIN { return true }
            throw BenchmarkError("zookeeper: read failed: errno \(errno)")
        }
        guard count > 0 else { throw BenchmarkError("zookeeper: the server closed the connection") }
        self.received.append(contentsOf: self.chunk[0..<count])
        return true
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        UInt64(max(0, duration.components.seconds)) * 1_000_000_000 + UInt64(max(0, duration.components.attoseconds) / 1_000_000_000)
    }
}
