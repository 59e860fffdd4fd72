import NacosNamingAPI
import NacosRemote
import NacosTransport

/// The native RPC stream: `NacosFrameDecoder` fed in chunks (the first byte chooses their sizes), each
/// frame decoded by `NacosPayloadCodec` and its body by the naming payload registry the server uses.
///
/// Checked on the way: chunked decoding yields the same frames (and the same failure) as decoding the stream
/// in one piece and consumes all of its input; a decoded payload re-encodes to a frame that decodes to an
/// equal payload and re-encodes to the same bytes; a decoded request or response re-encoded into a payload
/// decodes to an equal message.
enum NativeFrameFuzzTarget: FuzzTarget {
    static let name = "native"

    /// The server's client-port limit (`NacosServerRpcLimits.clientMaxFrameLength`).
    static let maxFrameLength = 10 * 1024 * 1024
    static let codec = NacosPayloadCodec()
    static let registry = NacosPayloadRegistry.naming

    static func run(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let stream = Array(bytes.dropFirst())
        // Two alternating chunk sizes: 1…16 bytes (splits inside headers) and 1…241 bytes (across frames).
        let sizes = [Int(first & 0x0F) + 1, Int(first >> 4) * 16 + 1]

        let whole = Self.frames(of: stream, chunkSizes: [max(stream.count, 1)])
        let chunked = Self.frames(of: stream, chunkSizes: sizes)
        precondition(whole.frames == chunked.frames, "chunked decoding gave other frames than one-piece decoding")
        precondition(whole.failed == chunked.failed, "chunked decoding failed differently from one-piece decoding")

        for frame in chunked.frames {
            Self.check(frame: frame)
        }
    }

    /// The frames of `stream` fed in chunks of the cycling `chunkSizes`, up to the first error.
    static func frames(of stream: [UInt8], chunkSizes: [Int]) -> (frames: [[UInt8]], failed: Bool) {
        var decoder = NacosFrameDecoder(maxFrameLength: Self.maxFrameLength)
        var frames: [[UInt8]] = []
        var offset = 0
        var turn = 0
        while offset < stream.count {
            let length = min(chunkSizes[turn % chunkSizes.count], stream.count - offset)
            turn += 1
            var input = NacosByteBuffer(bytes: stream[offset..<(offset + length)])
            offset += length
            do {
                try decoder.decode(&input) { frames.append($0.readableBytesArray) }
            } catch {
                return (frames, true)
            }
            precondition(input.readableBytes == 0, "the frame decoder left \(input.readableBytes) bytes of its input")
        }
        let buffered = decoder.bufferedBytes
        do {
            try decoder.finish()
            precondition(buffered == 0, "finish() accepted \(buffered) buffered bytes")
        } catch {
            precondition(buffered > 0, "finish() failed with nothing buffered")
        }
        return (frames, false)
    }

    /// Decodes one frame's payload and its message, with the round trips.
    static func check(frame: [UInt8]) {
        guard let payload = try? Self.codec.decode(NacosByteBuffer(bytes: frame)) else { return }
        let encoded: NacosByteBuffer
        do {
            encoded = try Self.codec.encode(payload)
        } catch {
            preconditionFailure("a decoded payload does not re-encode: \(error)")
        }
        precondition(encoded.readableBytes == frame.count, "re-encoding changed the frame's length")
        let again: NacosPayload
        do {
            again = try Self.codec.decode(encoded)
        } catch {
            preconditionFailure("a re-encoded payload does not decode: \(error)")
        }
        precondition(again == payload, "a payload changed in an encode-decode round trip")
        precondition((try? Self.codec.encode(again))?.readableBytesArray == encoded.readableBytesArray, "re-encoding is not canonical")

        switch payload.kind {
        case .request:
            guard let request = try? Self.registry.decodeRequest(payload) else { return }
            Self.roundTrip(request: request, payload: payload)
        case .response:
            guard let response = try? Self.registry.decodeResponse(payload) else { return }
            Self.roundTrip(response: response, payload: payload)
        }
    }

    /// Re-encodes `request` as the client would send it and decodes it again.
    static func roundTrip<Request: NacosRequest>(request: Request, payload: NacosPayload) {
        // Limits of the wire (header count or sizes) may refuse what the JSON body carried: not a bug.
        guard let reencoded = try? NacosPayload.request(request, callId: payload.callId, clientIp: payload.clientIp),
            let frame = try? Self.codec.encode(reencoded)
        else { return }
        let decodedPayload: NacosPayload
        let decoded: Request
        do {
            decodedPayload = try Self.codec.decode(frame)
            decoded = try decodedPayload.decodeRequest(as: Request.self)
        } catch {
            preconditionFailure("a re-encoded \(Request.typeName) does not decode: \(error)")
        }
        precondition(Self.equal(request, decoded) != false, "a \(Request.typeName) changed in a round trip")
    }

    /// Re-encodes `response` as the server would send it and decodes it again.
    static func roundTrip<Response: NacosResponse>(response: Response, payload: NacosPayload) {
        guard let reencoded = try? NacosPayload.response(response, callId: payload.callId),
            let frame = try? Self.codec.encode(reencoded)
        else { return }
        let decoded: Response
        do {
            decoded = try Self.codec.decode(frame).decodeResponse(as: Response.self)
        } catch {
            preconditionFailure("a re-encoded \(Response.typeName) does not decode: \(error)")
        }
        precondition(Self.equal(response, decoded) != false, "a \(Response.typeName) changed in a round trip")
    }

    /// Whether two values are equal, or `nil` when their type is not `Equatable`.
    static func equal<T>(_ lhs: T, _ rhs: T) -> Bool? {
        guard let lhs = lhs as? any Equatable else { return nil }
        return Self.isEqual(lhs, rhs)
    }

    private static func isEqual<E: Equatable>(_ lhs: E, _ rhs: Any) -> Bool {
        (rhs as? E) == lhs
    }
}
