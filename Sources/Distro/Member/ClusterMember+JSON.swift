import Foundation
public import NacosRemote

/// Nacos's `Member` JSON shape: `{ip, port, state, extendInfo, address, failAccessCnt}`, as member reports
/// and `/nacos/v1/core/cluster/nodes` carry it.
///
/// Reading is lenient: unknown fields (`abilities`, `grpcReportEnabled`, …) are ignored, scalar
/// `extendInfo` values are kept as strings and nested ones dropped, an unknown or missing `state` reads as
/// `UP` (Nacos's default), and the identity comes from `ip` and `port`, or from `address` when either is
/// missing. A member without a usable `ip:port` is `malformedBody`.
extension ClusterMember: Codable, NacosFastJSONCodable {
    /// Reads a member from a parsed JSON object, with the same rules as `init(from:)`.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        var extendInfo: [String: String] = [:]
        if let info = try object.object("extendInfo") {
            for (name, value) in info.members {
                if let text = Self.scalarText(value) { extendInfo[name] = text }
            }
        }
        try self.init(
            ip: object.string("ip"),
            port: object.integer("port"),
            address: object.string("address"),
            state: object.string("state"),
            failAccessCount: object.integer("failAccessCnt"),
            extendInfo: extendInfo
        )
    }

    /// Writes the member as Nacos does: `ip`, `port`, `state`, `extendInfo` (keys sorted), `address` and
    /// `failAccessCnt`.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.field("ip", self.ip)
            writer.field("port", self.port)
            writer.field("state", self.state.rawValue)
            writer.key("extendInfo")
            writer.object { writer in
                for (name, value) in self.extendInfo.sorted(by: { $0.key < $1.key }) {
                    writer.field(name, value)
                }
            }
            writer.field("address", self.address)
            writer.field("failAccessCnt", self.failAccessCount)
        }
    }

    /// Decodes a member from Nacos's `Member` JSON, tolerating unknown fields, `null`s and coerced scalars.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: MemberJSONKeys.self)
        var extendInfo: [String: String] = [:]
        if let info = try container.decodeIfPresent([String: ExtendInfoValue].self, forKey: .extendInfo) {
            for (name, value) in info {
                if let text = value.text { extendInfo[name] = text }
            }
        }
        try self.init(
            ip: container.decodeLenient(String.self, forKey: .ip),
            port: container.decodeLenient(Int.self, forKey: .port),
            address: container.decodeLenient(String.self, forKey: .address),
            state: container.decodeLenient(String.self, forKey: .state),
            failAccessCount: container.decodeLenient(Int.self, forKey: .failAccessCnt),
            extendInfo: extendInfo
        )
    }

    /// Encodes the member as `writeJSON(to:)` does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: MemberJSONKeys.self)
        try container.encode(self.ip, forKey: .ip)
        try container.encode(self.port, forKey: .port)
        try container.encode(self.state.rawValue, forKey: .state)
        try container.encode(self.extendInfo, forKey: .extendInfo)
        try container.encode(self.address, forKey: .address)
        try container.encode(self.failAccessCount, forKey: .failAccessCnt)
    }

    /// Builds a member from the JSON fields both decoders read.
    private init(
        ip: String?,
        port: Int?,
        address: String?,
        state: String?,
        failAccessCount: Int?,
        extendInfo: [String: String]
    ) throws(NacosRemoteError) {
        var host = ip?.trimmingCharacters(in: .whitespaces) ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let identity: ClusterMember
        if !host.isEmpty, let port, (1...65535).contains(port) {
            identity = ClusterMember(ip: host, port: port)
        } else if let address, let parsed = ClusterMember.parse(address, defaultPort: port ?? -1), (1...65535).contains(parsed.port) {
            identity = parsed
        } else {
            throw NacosRemoteError(.malformedBody, "member: no valid ip and port (ip \(ip ?? "null"), port \(port.map(String.init) ?? "null"), address \(address ?? "null"))")
        }
        self.init(
            ip: identity.ip,
            port: identity.port,
            state: state.flatMap { NodeState(rawValue: $0.uppercased()) } ?? .up,
            failAccessCount: max(0, failAccessCount ?? 0),
            extendInfo: extendInfo
        )
    }

    /// The text of a scalar `extendInfo` value; `nil` for `null`, arrays and objects.
    private static func scalarText(_ value: NacosJSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .integer(let number): String(number)
        case .double(let number): String(number)
        case .null, .array, .object: nil
        }
    }
}

/// The JSON keys of Nacos's `Member`.
private enum MemberJSONKeys: String, CodingKey {
    case ip, port, state, extendInfo, address, failAccessCnt
}

/// One `extendInfo` value as Foundation's decoder reads it: scalars become text, anything else is dropped.
private struct ExtendInfoValue: Decodable {
    /// The value's text, or `nil` when it is not a scalar.
    let text: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self.text = nil
        } else if let text = try? container.decode(String.self) {
            self.text = text
        } else if let flag = try? container.decode(Bool.self) {
            self.text = flag ? "true" : "false"
        } else if let number = try? container.decode(Int64.self) {
            self.text = String(number)
        } else if let number = try? container.decode(Double.self) {
            self.text = String(number)
        } else {
            self.text = nil
        }
    }
}
