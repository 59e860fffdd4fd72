public import NacosRemote
import NacosTransport

/// A member's claim that it holds a client at a revision (Nacos's `DistroClientVerifyInfo`): the content
/// of a VERIFY request, `{"clientId": "…", "revision": N}`.
///
/// Nacos sends one claim per request; as an extension a request may carry a JSON array of claims (at
/// most `DistroConfiguration.verifyBatchSize`), answered with the JSON array of the client ids that failed.
public struct DistroClientVerifyInfo: Sendable, Hashable, NacosFastJSONCodable {
    /// The client id.
    public var clientId: String
    /// The client's revision on the sender; 0 always passes.
    public var revision: Int64

    /// Creates a claim.
    public init(clientId: String, revision: Int64) {
        self.clientId = clientId
        self.revision = revision
    }

    /// Reads a claim from a parsed JSON object.
    ///
    /// - Throws: `NacosRemoteError` (`malformedBody`) when `clientId` is missing.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        guard let clientId = try object.string("clientId"), !clientId.isEmpty else {
            throw NacosRemoteError(.malformedBody, "clientId: missing")
        }
        self.clientId = clientId
        self.revision = try object.integer("revision", as: Int64.self) ?? 0
    }

    /// Writes the claim as Nacos's JSON.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.field("clientId", self.clientId)
            writer.field("revision", self.revision)
        }
    }

    /// The JSON bytes of the claim.
    public func jsonBytes() -> [UInt8] {
        var writer = NacosJSONWriter(capacity: 64 + self.clientId.utf8.count)
        self.writeJSON(to: &writer)
        return writer.bytes
    }

    /// Reads a claim from JSON bytes.
    ///
    /// - Throws: `NacosRemoteError` (`malformedBody`) when the bytes are not one claim.
    public init(jsonBytes: [UInt8]) throws(NacosRemoteError) {
        try self.init(jsonObject: try NacosJSONParser.parseObject(NacosByteBuffer(bytes: jsonBytes)))
    }

    /// Reads VERIFY content: Nacos's single object, or a JSON array of them.
    ///
    /// - Throws: `NacosRemoteError` (`malformedBody`) when the bytes are neither.
    public static func decodeList(_ bytes: [UInt8]) throws(NacosRemoteError) -> [DistroClientVerifyInfo] {
        switch try NacosJSONParser.parse(NacosByteBuffer(bytes: bytes)) {
        case .object(let object):
            return [try DistroClientVerifyInfo(jsonObject: object)]
        case .array(let values):
            var infos: [DistroClientVerifyInfo] = []
            infos.reserveCapacity(values.count)
            for value in values {
                guard case .object(let object) = value else {
                    throw NacosRemoteError(.malformedBody, "verify content: expected an array of objects, found \(value.kindName)")
                }
                infos.append(try DistroClientVerifyInfo(jsonObject: object))
            }
            return infos
        case let other:
            throw NacosRemoteError(.malformedBody, "verify content: expected an object or an array, found \(other.kindName)")
        }
    }

    /// Writes claims as one JSON array (the batch form of VERIFY content).
    public static func encodeList(_ infos: [DistroClientVerifyInfo]) -> [UInt8] {
        var writer = NacosJSONWriter(capacity: 16 + infos.count * 64)
        writer.array { writer in
            for info in infos { info.writeJSON(to: &writer) }
        }
        return writer.bytes
    }

    /// Whether VERIFY content is the batch form (a JSON array) rather than Nacos's single object.
    public static func isList(_ bytes: [UInt8]) -> Bool {
        for byte in bytes {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            default: return byte == UInt8(ascii: "[")
            }
        }
        return false
    }

    /// Writes the ids of the clients that failed a batch VERIFY as a JSON array of strings.
    public static func encodeFailedClientIds(_ clientIds: [String]) -> [UInt8] {
        var writer = NacosJSONWriter(capacity: 16 + clientIds.count * 48)
        writer.array { writer in
            for clientId in clientIds { writer.string(clientId) }
        }
        return writer.bytes
    }

    /// Reads the ids of the clients that failed a batch VERIFY (a JSON array of strings).
    ///
    /// - Throws: `NacosRemoteError` (`malformedBody`) when the bytes are not an array of strings.
    public static func decodeFailedClientIds(_ bytes: [UInt8]) throws(NacosRemoteError) -> [String] {
        guard case .array(let values) = try NacosJSONParser.parse(NacosByteBuffer(bytes: bytes)) else {
            throw NacosRemoteError(.malformedBody, "verify answer: expected an array of client ids")
        }
        var clientIds: [String] = []
        clientIds.reserveCapacity(values.count)
        for value in values {
            guard case .string(let clientId) = value else {
                throw NacosRemoteError(.malformedBody, "verify answer: expected an array of client ids, found \(value.kindName)")
            }
            clientIds.append(clientId)
        }
        return clientIds
    }
}
