public import NacosRemote
import NacosTransport

/// Every ephemeral client a member holds, native and synced (Nacos's `ClientSyncDatumSnapshot`): the
/// content of a SNAPSHOT answer, `{"clientSyncDataList": [ClientSyncData…]}`.
public struct ClientSyncDatumSnapshot: Sendable, Equatable, NacosFastJSONCodable {
    /// The data of each client.
    public var clientSyncDataList: [ClientSyncData]

    /// Creates a snapshot.
    public init(clientSyncDataList: [ClientSyncData] = []) {
        self.clientSyncDataList = clientSyncDataList
    }

    /// Reads a snapshot from a parsed JSON object; a missing list reads as empty.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        let elements = try object["clientSyncDataList"].map { value throws(NacosRemoteError) in
            try DistroJSONRead.array(value, "clientSyncDataList")
        } ?? []
        var list: [ClientSyncData] = []
        list.reserveCapacity(elements.count)
        for element in elements {
            guard case .object(let data) = element else {
                throw DistroJSONRead.mismatch("clientSyncDataList", "an array of objects", element)
            }
            list.append(try ClientSyncData(jsonObject: data))
        }
        self.clientSyncDataList = list
    }

    /// Writes the snapshot as Nacos's JSON.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.key("clientSyncDataList")
            writer.array { writer in
                for data in self.clientSyncDataList { data.writeJSON(to: &writer) }
            }
        }
    }

    /// The JSON bytes of the snapshot.
    public func jsonBytes() -> [UInt8] {
        let instances = self.clientSyncDataList.reduce(0) { $0 + $1.instanceCount }
        var writer = NacosJSONWriter(capacity: 64 + self.clientSyncDataList.count * 256 + instances * 160)
        self.writeJSON(to: &writer)
        return writer.bytes
    }

    /// Reads a snapshot from JSON bytes.
    ///
    /// - Throws: `NacosRemoteError` (`malformedBody`) when the bytes are not a valid snapshot.
    public init(jsonBytes: [UInt8]) throws(NacosRemoteError) {
        try self.init(jsonObject: try NacosJSONParser.parseObject(NacosByteBuffer(bytes: jsonBytes)))
    }
}
