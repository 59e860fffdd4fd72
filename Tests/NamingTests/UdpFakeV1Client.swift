import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTestKit
import NacosTransport
import Synchronization

/// A stand-in for a 1.x Java client's `PushReceiver`: a UDP socket that decodes pushes (gunzipping them
/// as `IoUtils.tryDecompress` does) and answers as a script says.
final class UdpFakeV1Client: Sendable {
    /// One push as received.
    struct Received: Sendable {
        /// The datagram's bytes as sent.
        let raw: [UInt8]
        /// The packet's JSON (decompressed).
        let json: [UInt8]
        /// The packet's `type`.
        let type: String?
        /// The packet's `lastRefTime`.
        let lastRefTime: Int64
        /// The ServiceInfo in `data`.
        let serviceInfo: ServiceInfo
        /// The `data` string's top-level keys.
        let dataKeys: [String]
    }

    /// How the client answers the n-th datagram (1-based) it received.
    typealias Script = @Sendable (_ received: Received, _ ordinal: Int, _ client: UdpFakeV1Client, _ from: NacosSocketAddress) -> Void

    private let socketBox = Mutex<NacosUDPSocket?>(nil)
    private let receivedBox = Mutex<[Received]>([])
    private let failures = Mutex<[String]>([])

    private init() {}

    /// Binds the client on IPv4 loopback; `script` answers each push (by default with a 1.x push-ack).
    static func start(on loop: NacosEventLoop, script: @escaping Script = UdpFakeV1Client.ackEverything) async throws -> UdpFakeV1Client {
        let client = UdpFakeV1Client()
        let socket = try await NacosUDPSocket.bind(to: .loopbackIPv4(), on: loop) { [client] buffer, from in
            let raw = buffer.readableBytesArray
            do {
                let received = try Self.decode(raw)
                let ordinal = client.receivedBox.withLock { list -> Int in
                    list.append(received)
                    return list.count
                }
                script(received, ordinal, client, from)
            } catch {
                client.failures.withLock { $0.append("\(error)") }
            }
        }
        client.socketBox.withLock { $0 = socket }
        return client
    }

    /// Acknowledges every push exactly as the 1.x `PushReceiver` writes it (`lastRefTime` as a string).
    static let ackEverything: Script = { received, _, client, from in
        client.sendRaw(Array(#"{"type": "push-ack", "lastRefTime":"\#(received.lastRefTime)", "data":""}"#.utf8), to: from)
    }

    /// Never answers.
    static let silent: Script = { _, _, _, _ in }

    /// The client's socket.
    var socket: NacosUDPSocket { self.socketBox.withLock { $0! } }

    /// The subscriber id the registry gives this client, `127.0.0.1:<port>#true`.
    var clientId: String { "127.0.0.1:\(self.socket.localAddress.port)#true" }

    /// Every push received so far.
    var received: [Received] { self.receivedBox.withLock { $0 } }

    /// Datagrams that could not be decoded as pushes.
    var decodeFailures: [String] { self.failures.withLock { $0 } }

    /// Sends `bytes` from the client's socket.
    func sendRaw(_ bytes: [UInt8], to address: NacosSocketAddress) {
        do {
            try self.socket.send(bytes, to: address)
        } catch {
            self.failures.withLock { $0.append("send failed: \(error)") }
        }
    }

    private static func decode(_ raw: [UInt8]) throws -> Received {
        let json = NacosGzip.isGzipped(raw) ? try Inflater.gunzip(raw) : raw
        let packet = try NacosJSONParser.parseObject(NacosByteBuffer(bytes: json))
        let data = try packet.string("data") ?? ""
        let dataObject = try NacosJSONParser.parseObject(NacosByteBuffer(string: data))
        return Received(
            raw: raw,
            json: json,
            type: try packet.string("type"),
            lastRefTime: try packet.integer("lastRefTime", as: Int64.self) ?? -1,
            serviceInfo: try ServiceInfo(jsonObject: dataObject),
            dataKeys: dataObject.members.map(\.key)
        )
    }
}
