import Foundation
import NacosTestKit
import NacosTransport
import Synchronization
import Testing

/// Datagrams a test socket received, with their senders.
private final class DatagramInbox: Sendable {
    private let received = Mutex<[(bytes: [UInt8], from: NacosSocketAddress)]>([])

    func append(_ buffer: NacosByteBuffer, _ from: NacosSocketAddress) {
        self.received.withLock { $0.append((buffer.readableBytesArray, from)) }
    }

    var count: Int { self.received.withLock { $0.count } }
    var all: [(bytes: [UInt8], from: NacosSocketAddress)] { self.received.withLock { $0 } }
}

/// Whether this machine can bind an IPv6 loopback socket.
private let hasIPv6Loopback: Bool =
    (try? String(contentsOfFile: "/proc/net/if_inet6", encoding: .utf8))?.contains("00000000000000000000000000000001") ?? false

@Suite("UDP socket")
struct UDPSocketTests {
    @Test("two IPv4 sockets exchange datagrams on loopback; the sender's address is reported")
    func exchange() async throws {
        try await withEventLoopGroup { group in
            let inboxA = DatagramInbox()
            let inboxB = DatagramInbox()
            let a = try await NacosUDPSocket.bind(to: .loopbackIPv4(), on: group.next()) { inboxA.append($0, $1) }
            // B echoes every datagram back to its sender, reversed.
            let echo = Mutex<NacosUDPSocket?>(nil)
            let b = try await NacosUDPSocket.bind(to: .loopbackIPv4(), on: group.next()) { buffer, from in
                inboxB.append(buffer, from)
                _ = try? echo.withLock { $0 }?.send(buffer.readableBytesArray.reversed(), to: from)
            }
            echo.withLock { $0 = b }
            #expect(a.localAddress.port != 0 && b.localAddress.port != 0 && a.localAddress != b.localAddress)

            #expect(try a.send(Array("ping".utf8), to: b.localAddress))
            try await waitUntil("the echo") { inboxA.count == 1 }
            #expect(inboxB.all.first?.bytes == Array("ping".utf8))
            #expect(inboxB.all.first?.from == a.localAddress)
            #expect(inboxA.all.first?.bytes == Array("gnip".utf8))
            #expect(inboxA.all.first?.from == b.localAddress)

            // An empty datagram is a datagram too.
            try a.send([], to: b.localAddress)
            try await waitUntil("the empty echo") { inboxA.count == 2 }
            #expect(inboxA.all.last?.bytes == [])
            #expect(a.statistics.datagramsSent == 2 && a.statistics.datagramsReceived == 2)
            await a.close()
            await b.close()
        }
    }

    @Test("sends from several tasks at once all arrive, each datagram intact")
    func concurrentSends() async throws {
        try await withEventLoopGroup { group in
            let inbox = DatagramInbox()
            let receiver = try await NacosUDPSocket.bind(to: .loopbackIPv4(), on: group.next()) { inbox.append($0, $1) }
            let sender = try await NacosUDPSocket.bind(to: .loopbackIPv4(), on: group.next()) { _, _ in }
            await withTaskGroup(of: Void.self) { tasks in
                for task in 0..<4 {
                    tasks.addTask {
                        for index in 0..<10 {
                            _ = try? sender.send([UInt8](repeating: UInt8(task * 10 + index), count: 300), to: receiver.localAddress)
                        }
                    }
                }
            }
            try await waitUntil("40 datagrams") { inbox.count == 40 }
            #expect(Set(inbox.all.map { $0.bytes[0] }) == Set((0..<40).map(UInt8.init)))
            #expect(inbox.all.allSatisfy { $0.bytes.count == 300 && Set($0.bytes).count == 1 })
            #expect(sender.statistics.datagramsSent + sender.statistics.sendsDropped == 40)
        }
    }

    @Test("a datagram over maxDatagramBytes is refused on send and dropped on receipt")
    func oversize() async throws {
        try await withEventLoopGroup { group in
            let inbox = DatagramInbox()
            let small = try await NacosUDPSocket.bind(to: .loopbackIPv4(), on: group.next(), maxDatagramBytes: 100) { inbox.append($0, $1) }
            let large = try await NacosUDPSocket.bind(to: .loopbackIPv4(), on: group.next()) { _, _ in }
            #expect(large.maxDatagramBytes == 65507)

            let refused = #expect(throws: NacosTransportError.self) { try small.send([UInt8](repeating: 1, count: 101), to: large.localAddress) }
            #expect(refused?.code == .frameTooLarge)
            #expect(throws: NacosTransportError.self) { try large.send([UInt8](repeating: 1, count: 65508), to: small.localAddress) }

            try large.send([UInt8](repeating: 2, count: 200), to: small.localAddress)
            try large.send([UInt8](repeating: 3, count: 100), to: small.localAddress)
            try await waitUntil("the fitting datagram") { inbox.count == 1 }
            #expect(inbox.all.first?.bytes == [UInt8](repeating: 3, count: 100))
            #expect(small.statistics.receivesDropped == 1)

            // The largest IPv4 datagram goes through.
            let big = DatagramInbox()
            let bigReceiver = try await NacosUDPSocket.bind(to: .loopbackIPv4(), on: group.next()) { big.append($0, $1) }
            try large.send([UInt8](repeating: 4, count: 65507), to: bigReceiver.localAddress)
            try await waitUntil("the 65507-byte datagram") { big.count == 1 }
            #expect(big.all.first?.bytes.count == 65507)
        }
    }

    @Test("bad configurations and unreachable addresses are refused")
    func refusals() async throws {
        try await withEventLoopGroup { group in
            let loop = group.next()
            for limit in [0, -1, 65508] {
                await #expect(throws: NacosTransportError.self) {
                    _ = try await NacosUDPSocket.bind(to: .loopbackIPv4(), on: loop, maxDatagramBytes: limit) { _, _ in }
                }
            }
            await #expect(throws: NacosTransportError.self) {
                _ = try await NacosUDPSocket.bind(to: .inMemory("udp"), on: loop) { _, _ in }
            }
            let socket = try await NacosUDPSocket.bind(to: .loopbackIPv4(), on: loop) { _, _ in }
            // The port is taken.
            await #expect(throws: NacosTransportError.self) {
                _ = try await NacosUDPSocket.bind(to: socket.localAddress, on: loop) { _, _ in }
            }
            let wrongFamily = #expect(throws: NacosTransportError.self) { try socket.send([1], to: .loopbackIPv6(port: 9)) }
            #expect(wrongFamily?.code == .invalidAddress)
            #expect(throws: NacosTransportError.self) { try socket.send([1], to: .inMemory("x")) }
        }
    }

    @Test("close stops sends and deliveries, is idempotent and frees the port")
    func close() async throws {
        try await withEventLoopGroup { group in
            let inbox = DatagramInbox()
            let socket = try await NacosUDPSocket.bind(to: .loopbackIPv4(), on: group.next()) { inbox.append($0, $1) }
            let peer = try await NacosUDPSocket.bind(to: .loopbackIPv4(), on: group.next()) { _, _ in }
            #expect(socket.isOpen)
            await socket.close()
            #expect(!socket.isOpen)
            let closed = #expect(throws: NacosTransportError.self) { try socket.send([1], to: peer.localAddress) }
            #expect(closed?.code == .connectionClosed)
            await socket.close()

            let again = try await NacosUDPSocket.bind(to: socket.localAddress, on: group.next()) { inbox.append($0, $1) }
            try peer.send([9], to: again.localAddress)
            try await waitUntil("delivery to the re-bound port") { inbox.count == 1 }
            #expect(inbox.all.first?.bytes == [9])
        }
    }

    @Test("the group's shutdown closes the socket")
    func groupShutdown() async throws {
        let group = try NacosEventLoopGroup(numberOfThreads: 1)
        let socket = try await NacosUDPSocket.bind(to: .loopbackIPv4(), on: group.next()) { _, _ in }
        await group.shutdownGracefully()
        #expect(!socket.isOpen)
        #expect(throws: NacosTransportError.self) { try socket.send([1], to: .loopbackIPv4(port: 9)) }
        await socket.close()
        await #expect(throws: NacosTransportError.self) {
            _ = try await NacosUDPSocket.bind(to: .loopbackIPv4(), on: group.next()) { _, _ in }
        }
    }

    @Test("an IPv6 socket reaches IPv4 peers and reports them as IPv4", .enabled(if: hasIPv6Loopback, "needs IPv6 loopback"))
    func dualStack() async throws {
        try await withEventLoopGroup { group in
            let inbox4 = DatagramInbox()
            let inbox6 = DatagramInbox()
            let v4 = try await NacosUDPSocket.bind(to: .loopbackIPv4(), on: group.next()) { inbox4.append($0, $1) }
            let any6 = try NacosSocketAddress(ipAddress: "::", port: 0)
            let v6 = try await NacosUDPSocket.bind(to: any6, on: group.next()) { inbox6.append($0, $1) }
            let loop6 = try await NacosUDPSocket.bind(to: .loopbackIPv6(), on: group.next()) { _, _ in }

            try v6.send([6], to: v4.localAddress)
            try await waitUntil("the IPv4 peer hears the IPv6 socket") { inbox4.count == 1 }
            #expect(inbox4.all.first?.from.family == .ipv4)
            #expect(inbox4.all.first?.from.port == v6.localAddress.port)

            try v4.send([4], to: .loopbackIPv4(port: v6.localAddress.port))
            try await waitUntil("the IPv6 socket hears the IPv4 peer") { inbox6.count == 1 }
            #expect(inbox6.all.first?.from == v4.localAddress)

            try loop6.send([7], to: .loopbackIPv6(port: v6.localAddress.port))
            try await waitUntil("an IPv6 datagram") { inbox6.count == 2 }
            #expect(inbox6.all.last?.from == loop6.localAddress)
        }
    }
}
