#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Looks at this process's file descriptors through /proc.
enum FileDescriptors {
    /// The number of open descriptors (entries of /proc/self/fd, minus the one used to list it).
    static func openCount() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return -1 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name != "." && name != ".." { count += 1 }
        }
        return count - 1
    }

    /// The socket inodes of this process's open descriptors.
    static func socketInodes() -> Set<UInt64> {
        var inodes = Set<UInt64>()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for name in names {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)"),
                target.hasPrefix("socket:["), target.hasSuffix("]"),
                let inode = UInt64(target.dropFirst(8).dropLast())
            else { continue }
            inodes.insert(inode)
        }
        return inodes
    }

    /// Inodes of TCP sockets (IPv4 and IPv6, any state) whose local or remote port is `port`.
    static func tcpSocketInodes(port: Int) -> Set<UInt64> {
        var inodes = Set<UInt64>()
        let portHex = String(format: "%04X", port)
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = Self.readProcFile(table) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 9 else { continue }
                let local = fields[1].split(separator: ":").last.map(String.init)
                let remote = fields[2].split(separator: ":").last.map(String.init)
                guard local == portHex || remote == portHex, let inode = UInt64(fields[9]), inode != 0 else { continue }
                inodes.insert(inode)
            }
        }
        return inodes
    }

    /// Bytes waiting in the receive queue of the TCP socket with these ports (the accepted side of a
    /// loopback connection), or `nil` if there is no such socket.
    static func receiveQueueBytes(localPort: Int, remotePort: Int) -> Int? {
        let local = String(format: "%04X", localPort)
        let remote = String(format: "%04X", remotePort)
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = Self.readProcFile(table) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 4,
                    fields[1].split(separator: ":").last.map(String.init) == local,
                    fields[2].split(separator: ":").last.map(String.init) == remote,
                    let queue = fields[4].split(separator: ":").last
                else { continue }
                return Int(queue, radix: 16)
            }
        }
        return nil
    }

    /// How many of this process's descriptors are TCP sockets using `port` at either end.
    static func openSocketCount(port: Int) -> Int {
        self.socketInodes().intersection(self.tcpSocketInodes(port: port)).count
    }

    /// Reads a whole /proc file. (Foundation's `String(contentsOfFile:)` trusts the reported size of 0 and
    /// returns only the first page.)
    static func readProcFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Raises the soft RLIMIT_NOFILE to at least `minimum` (within the hard limit); returns the soft limit.
    @discardableResult
    static func raiseOpenFileLimit(to minimum: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return -1 }
        if limit.rlim_cur < rlim_t(minimum) {
            limit.rlim_cur = min(rlim_t(minimum), limit.rlim_max)
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(limit.rlim_cur)
    }
}
