public import NacosRemote

/// A Distro message between members (Nacos's `DistroDataRequest`, reference §7.3–7.4): sync (ADD, CHANGE,
/// DELETE), VERIFY, SNAPSHOT or QUERY of naming client data. Module `cluster`, as Nacos's
/// `AbstractClusterRequest`; accepted only on the cluster port.
public struct DistroDataRequest: NacosRequest, NacosFastJSONCodable, Equatable {
    /// The payload type name, `"DistroDataRequest"`.
    public static let typeName = "DistroDataRequest"
    /// The module written to the body, `cluster`.
    public static let module = NacosRequestModule.cluster

    /// The data; `nil` for SNAPSHOT.
    public var distroData: DistroData?
    /// What the receiver is asked to do.
    public var dataOperation: DataOperation
    /// The request id: `nil` on unary calls.
    public var requestId: String?
    /// The request headers.
    public var headers: [String: String] = [:]

    /// Creates a SNAPSHOT request (the one operation without data).
    public init() {
        self.dataOperation = .snapshot
    }

    /// Creates a request for `operation` carrying `distroData`.
    public init(distroData: DistroData?, dataOperation: DataOperation) {
        self.distroData = distroData
        self.dataOperation = dataOperation
    }

    /// Reads the request from a parsed JSON body.
    ///
    /// - Throws: `NacosRemoteError` (`malformedBody`) when `dataOperation` is missing or unknown, or the
    ///   data is malformed.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        guard let operation = try DistroData.operation(try object.string("dataOperation")) else {
            throw NacosRemoteError(.malformedBody, "dataOperation: missing")
        }
        self.dataOperation = operation
        self.distroData = try object.object("distroData").map { object throws(NacosRemoteError) in
            try DistroData(jsonObject: object)
        }
        try self.readCommonFields(from: object)
    }

    /// Writes the request as its JSON body, leaving out `nil` data.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            if let distroData = self.distroData {
                writer.key("distroData")
                distroData.writeJSON(to: &writer)
            }
            writer.field("dataOperation", self.dataOperation.rawValue)
            self.writeCommonFields(to: &writer)
        }
    }

    /// Decodes the request from its JSON body, tolerating unknown fields.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decodeLenient(String.self, forKey: .dataOperation)
        let operation: DataOperation?
        do {
            operation = try DistroData.operation(name)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .dataOperation, in: container, debugDescription: error.message)
        }
        guard let operation else {
            throw DecodingError.keyNotFound(
                CodingKeys.dataOperation,
                DecodingError.Context(codingPath: container.codingPath, debugDescription: "dataOperation: missing")
            )
        }
        self.dataOperation = operation
        self.distroData = try container.decodeIfPresent(DistroData.self, forKey: .distroData)
        try self.decodeCommonFields(from: decoder)
    }

    /// Encodes the request as its JSON body, leaving out `nil` data.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.distroData, forKey: .distroData)
        try container.encode(self.dataOperation.rawValue, forKey: .dataOperation)
        try self.encodeCommonFields(to: encoder)
    }

    private enum CodingKeys: String, CodingKey {
        case distroData, dataOperation
    }
}
