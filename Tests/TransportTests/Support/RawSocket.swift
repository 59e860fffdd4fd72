#if canImport(Glibc)
import Glibc
#endif
import NacosTestKit
import NacosTransport

/// A plain TCP socket below the frame layer, for peers that misbehave: bad headers, cut-off frames,
/// half-closes. Non-blocking after connect; reads and writes poll with deadlines, never fixed sleeps.
final class RawSocket: @unchecked Sendable {
    /// How a read to the end of the stream ended.
    enum End: Equatable {
        /// The peer closed in order (read returned 0).
        case eof
        /// The read failed with this errno (ECONNRESET when the peer reset).
        case error(Int32)
    }

    struct SystemError: Error, CustomStringConvertible {
        let call: String
        let code: Int32
        var description: String { "\(self.call) failed: errno \(self.code)" }
    }

    let fd: Int32
    private var isClosed = false

    /// Opens a blocking connect to `address` (loopback connects complete at once), then turns on O_NONBLOCK.
    init(connectingTo address: NacosSocketAddress) throws {
        let fd = socket(address.family == .ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError(call: "socket", code: errno) }
        let result = withSocketAddress(address) { Glibc.connect(fd, $0, $1) }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw SystemError(call: "connect", code: code)
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        self.fd = fd
    }

    /// The local port the kernel picked.
    var localPort: Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(self.fd, $0, &length) }
        }
        let family = Int32(storage.ss_family)
        return withUnsafePointer(to: &storage) { pointer in
            if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    /// Writes all of `bytes`, waiting while the kernel buffer is full.
    func write(_ bytes: [UInt8], timeout: Duration = .seconds(10)) async throws {
        var offset = 0
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(self.fd, $0.baseAddress! + offset, $0.count - offset) }
            if written > 0 {
                offset += written
                continue
            }
            let code = errno
            guard code == EAGAIN || code == EWOULDBLOCK || code == EINTR else { throw SystemError(call: "write", code: code) }
            guard clock.now < deadline else { throw DeadlineExceeded(what: "raw socket write") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Closes the write side (sends FIN) but keeps reading.
    func shutdownWrite() {
        _ = Glibc.shutdown(self.fd, Int32(SHUT_WR))
    }

    /// Reads until the peer closes or the read fails; throws if neither happens before `timeout`.
    func readToEnd(timeout: Duration = .seconds(10)) async throws -> (bytes: [UInt8], end: End) {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(self.fd, $0.baseAddress!, $0.count) }
            if count > 0 {
                received.append(contentsOf: chunk[0..<count])
                continue
            }
            if count == 0 { return (received, .eof) }
            let code = errno
            if code == EINTR { continue }
            guard code == EAGAIN || code == EWOULDBLOCK else { return (received, .error(code)) }
            guard clock.now < deadline else { throw DeadlineExceeded(what: "raw socket end of stream") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    func close() {
        guard !self.isClosed else { return }
        self.isClosed = true
        Glibc.close(self.fd)
    }

    deinit {
        self.close()
    }
}

/// A listening socket that never accepts, with the given backlog: once its accept queue is full the
/// kernel drops further SYNs, so connects to it hang (used to produce connect timeouts on loopback).
final class RawListener: @unchecked Sendable {
    let fd: Int32
    let port: Int

    init(backlog: Int32) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw RawSocket.SystemError(call: "socket", code: errno) }
        let address = NacosSocketAddress.loopbackIPv4(port: 0)
        guard withSocketAddress(address, { Glibc.bind(fd, $0, $1) }) == 0, Glibc.listen(fd, backlog) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw RawSocket.SystemError(call: "bind/listen", code: code)
        }
        var storage = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: storage.sin_port))
    }

    deinit {
        Glibc.close(self.fd)
    }
}

/// Calls `body` with a `sockaddr` for an IPv4 or IPv6 address.
func withSocketAddress<R>(_ address: NacosSocketAddress, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
    if address.family == .ipv6 {
        var storage = sockaddr_in6()
        storage.sin6_family = sa_family_t(AF_INET6)
        storage.sin6_port = in_port_t(UInt16(address.port).bigEndian)
        _ = inet_pton(AF_INET6, address.host, &storage.sin6_addr)
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
        }
    }
    var storage = sockaddr_in()
    storage.sin_family = sa_family_t(AF_INET)
    storage.sin_port = in_port_t(UInt16(address.port).bigEndian)
    _ = inet_pton(AF_INET, address.host, &storage.sin_addr)
    return withUnsafePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}

/// Encodes frames the way the frame layer does: a 4-byte big-endian length, then the payload.
func encodeFrames(_ payloads: [[UInt8]]) -> [UInt8] {
    var bytes: [UInt8] = []
    for payload in payloads {
        let length = UInt32(payload.count)
        bytes += [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
        bytes += payload
    }
    return bytes
}
