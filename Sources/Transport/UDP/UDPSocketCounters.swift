import Synchronization

/// The atomic counters behind `NacosUDPSocket.Statistics`.
internal final class UDPSocketCounters: Sendable {
    let datagramsSent = Atomic<Int>(0)
    let datagramsReceived = Atomic<Int>(0)
    let sendsDropped = Atomic<Int>(0)
    let receivesDropped = Atomic<Int>(0)

    var snapshot: NacosUDPSocket.Statistics {
        NacosUDPSocket.Statistics(
            datagramsSent: self.datagramsSent.load(ordering: .relaxed),
            datagramsReceived: self.datagramsReceived.load(ordering: .relaxed),
            sendsDropped: self.sendsDropped.load(ordering: .relaxed),
            receivesDropped: self.receivesDropped.load(ordering: .relaxed)
        )
    }
}
