public import NacosTransport

/// Nacos's gRPC message (`nacos_grpc_service.proto`, no package):
/// `Payload { Metadata metadata = 2; google.protobuf.Any body = 3; }`,
/// `Metadata { string type = 3; string clientIp = 8; map<string,string> headers = 7; }`,
/// `Any { string type_url = 1; bytes value = 2; }`, whose `value` is the JSON body.
public struct NacosGRPCPayload: Sendable, Equatable {
    /// `metadata.type`: the Java simple class name of the body.
    public var type: String
    /// `metadata.clientIp`: the sender's own idea of its IP.
    public var clientIp: String
    /// `metadata.headers`.
    public var headers: [String: String]
    /// `body.type_url`: ignored on input (Java and Python send it empty, Rust the type name).
    public var bodyTypeURL: String
    /// `body.value`: the UTF-8 JSON body.
    public var body: NacosByteBuffer

    /// Creates a payload.
    public init(type: String, clientIp: String = "", headers: [String: String] = [:], bodyTypeURL: String = "", body: NacosByteBuffer) {
        self.type = type
        self.clientIp = clientIp
        self.headers = headers
        self.bodyTypeURL = bodyTypeURL
        self.body = body
    }

    /// Appends the protobuf encoding (headers sorted by name, so equal payloads encode to equal bytes).
    ///
    /// Every length is computed first, so the fields are written once, straight into `buffer`.
    public func encode(into buffer: inout NacosByteBuffer) {
        let headers = self.headers.sorted { $0.key < $1.key }
        var metadataSize = Self.stringFieldSize(self.type) + Self.stringFieldSize(self.clientIp)
        for (name, value) in headers {
            metadataSize += Self.messageFieldSize(Self.stringFieldSize(name) + Self.stringFieldSize(value))
        }
        let bodyLength = self.body.readableBytes
        let anySize = Self.stringFieldSize(self.bodyTypeURL) + (bodyLength > 0 ? Self.messageFieldSize(bodyLength) : 0)
        buffer.reserveCapacity(minimumWritableBytes: Self.messageFieldSize(metadataSize) + Self.messageFieldSize(anySize))
        ProtobufWriter.writeKey(2, .lengthDelimited, into: &buffer)
        ProtobufWriter.writeVarint(UInt64(metadataSize), into: &buffer)
        ProtobufWriter.writeString(3, self.type, into: &buffer)
        for (name, value) in headers {
            ProtobufWriter.writeKey(7, .lengthDelimited, into: &buffer)
            ProtobufWriter.writeVarint(UInt64(Self.stringFieldSize(name) + Self.stringFieldSize(value)), into: &buffer)
            ProtobufWriter.writeString(1, name, into: &buffer)
            ProtobufWriter.writeString(2, value, into: &buffer)
        }
        ProtobufWriter.writeString(8, self.clientIp, into: &buffer)
        ProtobufWriter.writeKey(3, .lengthDelimited, into: &buffer)
        ProtobufWriter.writeVarint(UInt64(anySize), into: &buffer)
        ProtobufWriter.writeString(1, self.bodyTypeURL, into: &buffer)
        if bodyLength > 0 { ProtobufWriter.writeBytes(2, self.body, into: &buffer) }
    }

    /// The encoded size of a string field with a one-byte key (0 for the empty string, which is not written).
    private static func stringFieldSize(_ value: String) -> Int {
        let length = value.utf8.count
        return length == 0 ? 0 : Self.messageFieldSize(length)
    }

    /// The encoded size of a length-delimited field with a one-byte key and `length` bytes of content.
    private static func messageFieldSize(_ length: Int) -> Int {
        1 + ProtobufWriter.varintSize(UInt64(length)) + length
    }

    /// Decodes a payload; unknown fields are skipped, a repeated scalar field keeps its last value.
    ///
    /// - Throws: `ProtobufError` for truncated or malformed input, a known field of the wrong wire type,
    ///   invalid UTF-8, or more than `maxHeaderCount` headers.
    public static func decode(_ message: NacosByteBuffer, maxHeaderCount: Int = 256) throws(ProtobufError) -> NacosGRPCPayload {
        var payload = NacosGRPCPayload(type: "", body: NacosByteBuffer())
        var reader = ProtobufReader(message)
        while let (number, wireType) = try reader.nextField() {
            switch number {
            case 2:
                try Self.expect(wireType, number, in: "Payload")
                try Self.decodeMetadata(reader.readLengthDelimited(), into: &payload, maxHeaderCount: maxHeaderCount)
            case 3:
                try Self.expect(wireType, number, in: "Payload")
                try Self.decodeAny(reader.readLengthDelimited(), into: &payload)
            default:
                try reader.skip(wireType)
            }
        }
        return payload
    }

    private static func expect(_ wireType: ProtobufWireType, _ number: Int, in message: String) throws(ProtobufError) {
        guard wireType == .lengthDelimited else {
            throw ProtobufError("\(message) field \(number) has wire type \(wireType.rawValue), expected 2")
        }
    }

    private static func decodeMetadata(_ bytes: NacosByteBuffer, into payload: inout NacosGRPCPayload, maxHeaderCount: Int) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        while let (number, wireType) = try reader.nextField() {
            switch number {
            case 3:
                try Self.expect(wireType, number, in: "Metadata")
                payload.type = try reader.readString()
            case 8:
                try Self.expect(wireType, number, in: "Metadata")
                payload.clientIp = try reader.readString()
            case 7:
                try Self.expect(wireType, number, in: "Metadata")
                var entry = ProtobufReader(try reader.readLengthDelimited())
                var key = ""
                var value = ""
                while let (entryNumber, entryType) = try entry.nextField() {
                    switch entryNumber {
                    case 1:
                        try Self.expect(entryType, entryNumber, in: "headers entry")
                        key = try entry.readString()
                    case 2:
                        try Self.expect(entryType, entryNumber, in: "headers entry")
                        value = try entry.readString()
                    default:
                        try entry.skip(entryType)
                    }
                }
                payload.headers[key] = value
                guard payload.headers.count <= maxHeaderCount else {
                    throw ProtobufError("more than \(maxHeaderCount) headers")
                }
            default:
                try reader.skip(wireType)
            }
        }
    }

    private static func decodeAny(_ bytes: NacosByteBuffer, into payload: inout NacosGRPCPayload) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        while let (number, wireType) = try reader.nextField() {
            switch number {
            case 1:
                try Self.expect(wireType, number, in: "Any")
                payload.bodyTypeURL = try reader.readString()
            case 2:
                try Self.expect(wireType, number, in: "Any")
                payload.body = try reader.readLengthDelimited()
            default:
                try reader.skip(wireType)
            }
        }
    }
}
