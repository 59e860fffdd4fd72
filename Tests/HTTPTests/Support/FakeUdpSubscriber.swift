import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization

/// A 1.x client's UDP push receiver (its `PushReceiver`): records every datagram the server sends
/// (gunzipping those that come gzipped) and, while `acknowledges` is on, answers each packet with a
/// `push-ack` carrying its `lastRefTime`.
final class FakeUdpSubscriber: Sendable {
    /// One datagram as received.
    struct Packet: Sendable {
        let bytes: [UInt8]
        let source: NacosSocketAddress
        /// `type`, `data` and `lastRefTime` of the JSON packet (gunzipped first when it came gzipped).
        let type: String?
        let data: String?
        let lastRefTime: Int64?

        /// Whether the datagram is gzipped (starts with the gzip magic).
        var isGzipped: Bool { self.bytes.starts(with: [0x1F, 0x8B]) }

        /// The pushed ServiceInfo (`data`) parsed as JSON.
        var serviceInfo: JSONNode {
            JSONNode(self.data.flatMap { try? NacosJSONParser.parse(NacosByteBuffer(string: $0)) })
        }
    }

    private struct State {
        var socket: NacosUDPSocket?
        var packets: [Packet] = []
        var acksSent = 0
        var acknowledges = true
    }

    private let state = Mutex(State())

    private init() {}

    /// Binds a receiver on `127.0.0.1` and a free port on `loop`.
    static func start(on loop: NacosEventLoop) async throws -> FakeUdpSubscriber {
        let subscriber = FakeUdpSubscriber()
        let socket = try await NacosUDPSocket.bind(to: NacosSocketAddress(ipAddress: "127.0.0.1", port: 0), on: loop) { datagram, source in
            subscriber.receive(datagram, from: source)
        }
        subscriber.state.withLock { $0.socket = socket }
        return subscriber
    }

    /// The port pushes should be sent to.
    var port: Int { self.state.withLock { $0.socket?.localAddress.port ?? 0 } }

    /// Every datagram received so far.
    var packets: [Packet] { self.state.withLock { $0.packets } }

    /// The distinct packet ids (`lastRefTime`) received: one per push, however often it was sent.
    var pushIds: Set<Int64> { Set(self.packets.compactMap(\.lastRefTime)) }

    /// How many acks were sent (or attempted).
    var acksSent: Int { self.state.withLock { $0.acksSent } }

    /// Turns acknowledging on or off.
    func setAcknowledges(_ value: Bool) {
        self.state.withLock { $0.acknowledges = value }
    }

    /// Closes the socket.
    func close() async {
        await self.state.withLock { $0.socket }?.close()
    }

    private func receive(_ datagram: NacosByteBuffer, from source: NacosSocketAddress) {
        let bytes = datagram.readableBytesArray
        let json = bytes.starts(with: [0x1F, 0x8B]) ? (try? Inflater.gunzip(bytes)) ?? [] : bytes
        let object = try? NacosJSONParser.parseObject(NacosByteBuffer(bytes: json))
        let packet = Packet(
            bytes: bytes,
            source: source,
            type: try? object?.string("type"),
            data: try? object?.string("data"),
            lastRefTime: try? object?.integer("lastRefTime", as: Int64.self)
        )
        let (socket, acknowledges) = self.state.withLock { state in
            state.packets.append(packet)
            return (state.socket, state.acknowledges)
        }
        guard acknowledges, let socket, let lastRefTime = packet.lastRefTime else { return }
        // What the 1.x PushReceiver answers: lastRefTime as a string, empty data.
        let ack = #"{"type":"push-ack","lastRefTime":"\#(lastRefTime)","data":""}"#
        // Counted before sending, so the count never lags the server's.
        self.state.withLock { $0.acksSent += 1 }
        _ = try? socket.send(Array(ack.utf8), to: source)
    }
}
