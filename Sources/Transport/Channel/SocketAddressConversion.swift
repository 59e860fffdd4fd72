import CLinuxSys
#if canImport(Glibc)
import Glibc
#endif

/// Converts between `NacosSocketAddress` and the kernel's `sockaddr` structures.
internal enum SocketAddressConversion {
    /// Calls `body` with a `sockaddr` for `address` and its length.
    static func withSockAddr<R>(
        _ address: NacosSocketAddress,
        _ body: (UnsafePointer<sockaddr>, socklen_t) throws(NacosTransportError) -> R
    ) throws(NacosTransportError) -> R {
        switch address.family {
        case .ipv4:
            var storage = sockaddr_in()
            storage.sin_family = sa_family_t(AF_INET)
            storage.sin_port = in_port_t(UInt16(address.port).bigEndian)
            guard inet_pton(AF_INET, address.host, &storage.sin_addr) == 1 else {
                throw NacosTransportError(.invalidAddress, "'\(address.host)' is not an IPv4 address")
            }
            let pointer = UnsafeMutablePointer<sockaddr_in>.allocate(capacity: 1)
            defer { pointer.deallocate() }
            pointer.initialize(to: storage)
            return try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (raw) throws(NacosTransportError) -> R in
                try body(raw, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        case .ipv6:
            var storage = sockaddr_in6()
            storage.sin6_family = sa_family_t(AF_INET6)
            storage.sin6_port = in_port_t(UInt16(address.port).bigEndian)
            guard inet_pton(AF_INET6, address.host, &storage.sin6_addr) == 1 else {
                throw NacosTransportError(.invalidAddress, "'\(address.host)' is not an IPv6 address")
            }
            let pointer = UnsafeMutablePointer<sockaddr_in6>.allocate(capacity: 1)
            defer { pointer.deallocate() }
            pointer.initialize(to: storage)
            return try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (raw) throws(NacosTransportError) -> R in
                try body(raw, socklen_t(MemoryLayout<sockaddr_in6>.size))
            }
        case .inMemory:
            throw NacosTransportError(.invalidAddress, "\(address) is an in-memory address, not a socket address")
        }
    }

    /// Decodes a `sockaddr_storage` filled by the kernel.
    static func decode(_ storage: UnsafePointer<sockaddr_storage>) -> NacosSocketAddress? {
        switch Int32(storage.pointee.ss_family) {
        case AF_INET:
            return storage.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                var address = pointer.pointee.sin_addr
                var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
                guard inet_ntop(AF_INET, &address, &text, socklen_t(text.count)) != nil else { return nil }
                return NacosSocketAddress(
                    family: .ipv4,
                    host: text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) },
                    port: Int(UInt16(bigEndian: pointer.pointee.sin_port))
                )
            }
        case AF_INET6:
            return storage.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                var address = pointer.pointee.sin6_addr
                var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                guard inet_ntop(AF_INET6, &address, &text, socklen_t(text.count)) != nil else { return nil }
                return NacosSocketAddress(
                    family: .ipv6,
                    host: text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) },
                    port: Int(UInt16(bigEndian: pointer.pointee.sin6_port))
                )
            }
        default:
            return nil
        }
    }

    /// The local address of a socket.
    static func localAddress(of fd: Int32) -> NacosSocketAddress? {
        self.query(fd, getsockname)
    }

    /// The peer address of a connected socket.
    static func remoteAddress(of fd: Int32) -> NacosSocketAddress? {
        self.query(fd, getpeername)
    }

    private static func query(
        _ fd: Int32,
        _ call: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
    ) -> NacosSocketAddress? {
        let storage = UnsafeMutablePointer<sockaddr_storage>.allocate(capacity: 1)
        defer { storage.deallocate() }
        storage.initialize(to: sockaddr_storage())
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(fd, $0, &length) }
        guard result == 0 else { return nil }
        return self.decode(storage)
    }
}
