import NacosGRPC
import NacosTransport

/// The gRPC `Payload` decoder with an encode–decode round trip, and the gRPC message deframer in chunks.
///
/// The first byte chooses the deframer's chunk size (bits 0–2) and its message size limit (bits 3–4). The rest
/// is decoded as one `Payload`, then fed to a `GRPCMessageDeframer` whose every message is decoded as a
/// `Payload` too. A payload that decodes must encode to bytes that decode to an equal payload, and encode
/// again to the same bytes (the encoding is canonical).
enum ProtobufFuzzTarget: FuzzTarget {
    static let name = "protobuf"

    private static let chunkSizes = [1, 2, 5, 7, 16, 100, 1024, Int.max]
    private static let limits = [0, 16, 1024, 4 * 1024 * 1024]

    static func run(_ bytes: [UInt8]) {
        let control = bytes.first ?? 0
        let rest = Array(bytes.dropFirst())
        Self.roundTrip(NacosByteBuffer(bytes: rest))

        var deframer = GRPCMessageDeframer(maxMessageSize: Self.limits[Int(control >> 3) & 0x03])
        let chunkSize = Self.chunkSizes[Int(control & 0x07)]
        var offset = 0
        var total = 0
        feeding: while offset < rest.count {
            let length = min(chunkSize, rest.count - offset)
            deframer.append(NacosByteBuffer(bytes: rest[offset..<(offset + length)]))
            offset += length
            while true {
                let message: NacosByteBuffer?
                do {
                    message = try deframer.nextMessage()
                } catch {
                    break feeding
                }
                guard let message else { break }
                guard message.readableBytes <= deframer.maxMessageSize else {
                    preconditionFailure("deframer returned a message of \(message.readableBytes) bytes over its limit \(deframer.maxMessageSize)")
                }
                total += 5 + message.readableBytes
                Self.roundTrip(message)
            }
        }
        if total > offset {
            preconditionFailure("deframer returned \(total) bytes of messages from \(offset) bytes of input")
        }
    }

    private static func roundTrip(_ message: NacosByteBuffer) {
        guard let payload = try? NacosGRPCPayload.decode(message) else { return }
        var encoded = NacosByteBuffer()
        payload.encode(into: &encoded)
        let decoded: NacosGRPCPayload
        do {
            decoded = try NacosGRPCPayload.decode(encoded)
        } catch {
            preconditionFailure("protobuf round trip: \(payload) encodes as \(encoded.readableBytesArray), which does not decode: \(error)")
        }
        guard decoded == payload else {
            preconditionFailure("protobuf round trip: \(payload) decodes back as \(decoded)")
        }
        var again = NacosByteBuffer()
        decoded.encode(into: &again)
        guard again == encoded else {
            preconditionFailure("protobuf round trip: \(payload) encodes as \(encoded.readableBytesArray), then as \(again.readableBytesArray)")
        }
    }
}
