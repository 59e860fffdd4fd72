#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds loopback TCP ports that nothing holds, by binding a socket to them and closing it again.
///
/// Cluster members need fixed ports known before any of them starts (every member's list names the
/// others), so port 0 cannot be used. A probed port can still be taken before the server binds it: callers
/// retry with other ports when a start fails.
enum LoopbackPortProbe {
    /// Where bases are drawn from: below Linux's ephemeral range (32768…), so ports that other tests bind
    /// with port 0, and the local ports of outgoing connections, do not land on them.
    static let baseRange = 10_000...30_000

    /// Whether a TCP socket can bind `127.0.0.1:port` right now (with `SO_REUSEADDR`, as the server binds).
    static func canBind(_ port: Int) -> Bool {
        guard (1...65_535).contains(port) else { return false }
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: in_addr_t(0x7F00_0001).bigEndian)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// `count` distinct member ports `P` whose `P`, `P + 1000` (client RPC) and `P + 1001` (cluster RPC) are
    /// all free and do not overlap each other's; `nil` when no such set was found in a bounded number of tries.
    static func clusterBases(count: Int, attempts: Int = 500) -> [Int]? {
        var bases: [Int] = []
        var taken: Set<Int> = []
        for _ in 0..<attempts where bases.count < count {
            let base = Int.random(in: Self.baseRange)
            let ports = [base, base + 1000, base + 1001]
            guard taken.isDisjoint(with: ports), ports.allSatisfy(Self.canBind) else { continue }
            bases.append(base)
            taken.formUnion(ports)
        }
        return bases.count == count ? bases : nil
    }
}
