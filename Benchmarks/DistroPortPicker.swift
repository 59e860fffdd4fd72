import Glibc

/// Picks HTTP ports for cluster nodes that must be known before any node starts (every node's member
/// list names all of them): a port P is taken when P, P + 1000 and P + 1001 (the derived client and
/// cluster RPC ports) can all be bound on 127.0.0.1 right now.
///
/// Candidates come from 20000–30999, below Linux's ephemeral range (32768 and up), so that the outgoing
/// connections of this and other processes do not take them between the probe and the node's bind.
enum DistroPortPicker {
    /// `count` HTTP ports whose three ports are free and do not overlap each other's.
    ///
    /// - Throws: `BenchmarkError` when no such ports turn up after many tries.
    static func httpPorts(count: Int) throws -> [Int] {
        var chosen: [Int] = []
        var taken = Set<Int>()
        var attempts = 0
        while chosen.count < count {
            attempts += 1
            guard attempts <= 2000 else { throw BenchmarkError("found no free loopback ports P, P+1000, P+1001 for \(count) nodes") }
            let port = Int.random(in: 20_000...29_998)
            let ports = [port, port + 1000, port + 1001]
            guard ports.allSatisfy({ !taken.contains($0) }), ports.allSatisfy(Self.canBind) else { continue }
            chosen.append(port)
            taken.formUnion(ports)
        }
        return chosen
    }

    /// Whether a TCP socket can bind 127.0.0.1:`port` now (it is closed again at once).
    private static func canBind(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }
}
