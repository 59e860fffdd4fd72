public import NacosRemote
public import NacosTransport

/// A 1.x subscriber's reply to a UDP push (its `PushReceiver`):
/// `{"type":"push-ack","lastRefTime":"<the packet's lastRefTime>","data":""}`. Nacos matches replies by
/// sender and `lastRefTime` only, whatever their type (`push-ack`, `dump-ack`, `unknown-ack`).
public struct UdpPushAck: Sendable, Equatable {
    /// The type a client answers a `dom` push with, `push-ack`.
    public static let pushAckType = "push-ack"

    /// The reply type, or `nil` when absent.
    public var type: String?
    /// The `lastRefTime` of the packet acknowledged.
    public var lastRefTime: Int64
    /// The reply's data (empty for push acks).
    public var data: String?

    /// Creates an ack from its fields.
    public init(type: String? = UdpPushAck.pushAckType, lastRefTime: Int64, data: String? = "") {
        self.type = type
        self.lastRefTime = lastRefTime
        self.data = data
    }

    /// Reads an ack from a datagram: a JSON object (surrounding whitespace allowed, as Nacos trims) whose
    /// `lastRefTime` is a number or a numeric string.
    ///
    /// - Throws: `NacosRemoteError` with `malformedBody` when the datagram is not such an object.
    public init(datagram: NacosByteBuffer) throws(NacosRemoteError) {
        let object = try NacosJSONParser.parseObject(datagram)
        guard let lastRefTime = try object.integer("lastRefTime", as: Int64.self) else {
            throw NacosRemoteError(.malformedBody, "the ack has no lastRefTime")
        }
        self.init(type: try object.string("type"), lastRefTime: lastRefTime, data: try object.string("data"))
    }

    /// The ack as a 1.x client writes it, `lastRefTime` as a string.
    public func encoded() -> [UInt8] {
        var writer = NacosJSONWriter(capacity: 80)
        writer.object { writer in
            writer.field("type", self.type)
            writer.field("lastRefTime", String(self.lastRefTime))
            writer.field("data", self.data)
        }
        return writer.bytes
    }
}
