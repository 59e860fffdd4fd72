import Glibc

/// Free TCP ports on 127.0.0.1 for the servers a benchmark starts, and a wait for them to accept.
enum LoopbackPort {
    /// A port in 20000–30999 (below Linux's ephemeral range, so outgoing connections do not take it) that
    /// can be bound on 127.0.0.1 now.
    ///
    /// - Throws: `BenchmarkError` when none turns up after many tries.
    static func free() throws -> Int {
        for _ in 0..<2000 {
            let port = Int.random(in: 20_000...30_999)
            if self.canBind(port) { return port }
        }
        throw BenchmarkError("found no free loopback port in 20000-30999")
    }

    /// Waits until a TCP connection to 127.0.0.1:`port` succeeds, trying every 50 ms while `alive()` holds.
    ///
    /// - Throws: `BenchmarkError` naming `what` when `alive()` turns false or `timeout` passes first.
    static func waitUntilAccepting(_ port: Int, what: String, timeout: Duration, alive: () -> Bool) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !self.accepts(port) {
            guard alive() else { throw BenchmarkError("\(what) exited before accepting connections on 127.0.0.1:\(port)") }
            guard clock.now < deadline else { throw BenchmarkError("\(what) did not accept connections on 127.0.0.1:\(port) within \(timeout)") }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Whether a TCP connection to 127.0.0.1:`port` can be made now (it is closed again at once).
    static func accepts(_ port: Int) -> Bool {
        self.withSocket(port) { descriptor, address in connect(descriptor, address, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }

    private static func canBind(_ port: Int) -> Bool {
        self.withSocket(port) { descriptor, address in bind(descriptor, address, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }

    private static func withSocket(_ port: Int, _ body: (Int32, UnsafePointer<sockaddr>) -> Bool) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body(descriptor, $0) }
        }
    }
}
