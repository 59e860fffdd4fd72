import CLinuxSys
#if canImport(Glibc)
import Glibc
#endif

extension NacosSocketAddress {
    /// The address written the way the kernel reports a datagram's sender: the shortest lower-case IPv6
    /// form, and an IPv4-mapped IPv6 host as its plain IPv4 address, so that an address parsed from text
    /// compares equal to the source of the replies it gets. In-memory addresses and hosts the kernel
    /// cannot parse are returned unchanged.
    public var canonicalized: NacosSocketAddress {
        guard self.family != .inMemory else { return self }
        let decoded: NacosSocketAddress?? = try? SocketAddressConversion.withSockAddr(self) { pointer, length in
            let storage = UnsafeMutablePointer<sockaddr_storage>.allocate(capacity: 1)
            defer { storage.deallocate() }
            storage.initialize(to: sockaddr_storage())
            UnsafeMutableRawPointer(storage).copyMemory(from: pointer, byteCount: Int(length))
            return SocketAddressConversion.decode(storage)
        }
        guard let decoded = decoded ?? nil else { return self }
        return NacosUDPSocket.unmappingIPv4(decoded)
    }
}
