import NacosRemote
import NacosTransport

/// Turns a `NacosPayload` into one length-prefixed gRPC message holding Nacos's protobuf `Payload`, and a
/// received message back into a payload.
internal struct NacosGRPCMessageCodec: Sendable {
    /// The most headers one payload may carry.
    let maxHeaderCount: Int

    /// The 5-byte-prefixed message for `payload` (the payload's kind and call id are not on the wire: gRPC
    /// says them with the stream the message travels on).
    func encode(_ payload: NacosPayload) throws(NacosRemoteError) -> NacosByteBuffer {
        guard payload.headers.count <= self.maxHeaderCount else {
            throw NacosRemoteError(.encodingFailed, "\(payload.headers.count) headers exceed the limit of \(self.maxHeaderCount)")
        }
        let message = NacosGRPCPayload(type: payload.type, clientIp: payload.clientIp, headers: payload.headers, body: payload.body)
        var buffer = NacosByteBuffer(capacity: GRPCMessageFramer.prefixLength + payload.body.readableBytes + payload.type.utf8.count + 64)
        GRPCMessageFramer.write(into: &buffer) { body in message.encode(into: &body) }
        return buffer
    }

    /// The payload one received message holds, as a `kind` message of call `callId`.
    func decode(_ message: NacosByteBuffer, kind: NacosPayload.Kind?, callId: UInt64) throws(NacosRemoteError) -> NacosPayload {
        let decoded: NacosGRPCPayload
        do {
            decoded = try NacosGRPCPayload.decode(message, maxHeaderCount: self.maxHeaderCount)
        } catch {
            throw NacosRemoteError(.malformedFrame, "invalid Payload protobuf: \(error.message)")
        }
        guard !decoded.type.isEmpty else {
            throw NacosRemoteError(.malformedFrame, "Payload without metadata.type")
        }
        return NacosPayload(
            kind: kind ?? (NacosGRPCPaths.isResponseType(decoded.type) ? .response : .request),
            callId: callId,
            type: decoded.type,
            clientIp: decoded.clientIp,
            headers: decoded.headers,
            body: decoded.body
        )
    }
}
