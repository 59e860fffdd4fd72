public import NacosTransport

/// One message of the native protocol: the analogue of Nacos's gRPC `Payload` (a `Metadata` with the
/// type name, client IP and headers, and a JSON body), plus the message kind and a call id.
///
/// `NacosPayloadCodec` turns a payload into one transport frame and back. The payload does not know the
/// message types; `NacosPayloadRegistry` (or the typed `decodeRequest(as:)`/`decodeResponse(as:)`) turns
/// its body into a message.
public struct NacosPayload: Sendable, Equatable {
    /// Whether a payload carries a request or a response.
    public enum Kind: UInt8, Sendable, Hashable {
        /// A request (client → server unary call, or server push).
        case request = 1
        /// A response to a request.
        case response = 2
    }

    /// Whether the body is a request or a response.
    public var kind: Kind
    /// Correlates a unary call's response with its request on one connection; 0 when there is none
    /// (server pushes correlate by the body's `requestId`, as in Nacos).
    public var callId: UInt64
    /// The message's type name (Java simple class name), as in gRPC `Metadata.type`.
    public var type: String
    /// The sender's own idea of its IP, as in gRPC `Metadata.clientIp`; empty on server messages.
    public var clientIp: String
    /// Request headers carried next to the body, as in gRPC `Metadata.headers`; empty on responses.
    public var headers: [String: String]
    /// The UTF-8 JSON body.
    public var body: NacosByteBuffer

    /// Creates a payload from its parts.
    public init(
        kind: Kind,
        callId: UInt64 = 0,
        type: String,
        clientIp: String = "",
        headers: [String: String] = [:],
        body: NacosByteBuffer
    ) {
        self.kind = kind
        self.callId = callId
        self.type = type
        self.clientIp = clientIp
        self.headers = headers
        self.body = body
    }

    /// A request payload: as Java's `GrpcUtils.convert` does, the request's headers move to the
    /// payload's `headers` and the body is written with `"headers":{}`.
    ///
    /// - Throws: `NacosRemoteError` with code `encodingFailed` when the request cannot be encoded.
    public static func request(
        _ request: some NacosRequest,
        callId: UInt64 = 0,
        clientIp: String = ""
    ) throws(NacosRemoteError) -> NacosPayload {
        var bodyRequest = request
        bodyRequest.headers = [:]
        let body = try NacosJSON.encode(bodyRequest)
        return NacosPayload(
            kind: .request,
            callId: callId,
            type: request.typeName,
            clientIp: clientIp,
            headers: request.headers,
            body: body
        )
    }

    /// A response payload answering call `callId` (0 for a response to a server push).
    ///
    /// - Throws: `NacosRemoteError` with code `encodingFailed` when the response cannot be encoded.
    public static func response(_ response: some NacosResponse, callId: UInt64 = 0) throws(NacosRemoteError) -> NacosPayload {
        NacosPayload(kind: .response, callId: callId, type: response.typeName, body: try NacosJSON.encode(response))
    }

    /// Decodes the body as a request of type `T`, merging the payload's headers into it.
    ///
    /// - Throws: `NacosRemoteError` with code `typeMismatch` when the payload is not a `T` request,
    ///   `malformedBody` when the body is not valid JSON for it.
    public func decodeRequest<T: NacosRequest>(as type: T.Type) throws(NacosRemoteError) -> T {
        guard self.kind == .request, self.type == T.typeName else {
            throw NacosRemoteError(.typeMismatch, "expected a \(T.typeName) request, got a \(self.kind) '\(self.type)'")
        }
        var request = try NacosJSON.decode(T.self, from: self.body)
        request.mergeHeaders(self.headers)
        return request
    }

    /// Decodes the body as a response of type `T`.
    ///
    /// - Throws: `NacosRemoteError` with code `typeMismatch` when the payload is not a `T` response
    ///   (an `ErrorResponse` included), `malformedBody` when the body is not valid JSON for it.
    public func decodeResponse<T: NacosResponse>(as type: T.Type) throws(NacosRemoteError) -> T {
        guard self.kind == .response, self.type == T.typeName else {
            throw NacosRemoteError(.typeMismatch, "expected a \(T.typeName) response, got a \(self.kind) '\(self.type)'")
        }
        return try NacosJSON.decode(T.self, from: self.body)
    }
}
