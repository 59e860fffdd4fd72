public import NacosNamingAPI
import NacosRemote
import NacosTransport

/// The datagram a 1.x subscriber receives (reference §4.4, Nacos's `UdpPushService.prepareAckEntry`):
/// `{"type":"dom","data":"<ServiceInfo JSON>","lastRefTime":<id>}` in UTF-8, gzipped when it has
/// `compressionThreshold` bytes or more.
public struct UdpPushPacket: Sendable, Equatable {
    /// The packet type of a service push, `dom`.
    public static let serviceType = "dom"
    /// Packets of this many bytes or more are gzipped, as Nacos does (1 KiB).
    public static let compressionThreshold = 1024

    /// The packet type (`dom` for pushes).
    public var type: String
    /// The payload: the ServiceInfo JSON, as a string.
    public var data: String
    /// The packet's id, echoed by the subscriber's ack (Nacos sends `System.nanoTime()`).
    public var lastRefTime: Int64

    /// Creates a packet from its fields.
    public init(type: String = UdpPushPacket.serviceType, data: String, lastRefTime: Int64) {
        self.type = type
        self.data = data
        self.lastRefTime = lastRefTime
    }

    /// Creates the push of `serviceInfo` in the shape 1.x clients read (`serviceInfoForV1(_:)`).
    public init(serviceInfo: ServiceInfo, lastRefTime: Int64) {
        var writer = NacosJSONWriter(capacity: 512)
        Self.serviceInfoForV1(serviceInfo).writeJSON(to: &writer)
        self.init(data: String(decoding: writer.bytes, as: UTF8.self), lastRefTime: lastRefTime)
    }

    /// What a 1.x client is sent for `serviceInfo` (Nacos's `PushExecutorUdpImpl.replaceServiceInfoName`):
    /// the grouped name `group@@name` (1.x clients know no group field), the clusters, hosts, cacheMillis and
    /// lastRefTime; no group name, the other fields at their defaults.
    public static func serviceInfoForV1(_ serviceInfo: ServiceInfo) -> ServiceInfo {
        ServiceInfo(
            name: serviceInfo.groupedName,
            groupName: nil,
            clusters: serviceInfo.clusters,
            cacheMillis: serviceInfo.cacheMillis,
            hosts: serviceInfo.hosts,
            lastRefTime: serviceInfo.lastRefTime
        )
    }

    /// The packet's JSON text in UTF-8.
    public var json: [UInt8] {
        var writer = NacosJSONWriter(capacity: self.data.utf8.count + 64)
        writer.object { writer in
            writer.field("type", self.type)
            writer.field("data", self.data)
            writer.field("lastRefTime", self.lastRefTime)
        }
        return writer.bytes
    }

    /// The datagram's bytes: the JSON, gzipped when it is `compressionThreshold` bytes or longer.
    public func encoded() -> [UInt8] {
        let json = self.json
        return json.count < Self.compressionThreshold ? json : NacosGzip.compress(json)
    }
}
