extension NacosPayloadRegistry {
    /// Decodes a request payload into its registered request type, merging the payload's headers into it.
    ///
    /// - Throws: `NacosRemoteError` with code `typeMismatch` when the payload is a response,
    ///   `unknownType` when its type is not registered, `malformedBody` when its body does not decode.
    public func decodeRequest(_ payload: NacosPayload) throws(NacosRemoteError) -> any NacosRequest {
        guard payload.kind == .request else {
            throw NacosRemoteError(.typeMismatch, "expected a request, got a response '\(payload.type)'")
        }
        var request = try self.decodeRequest(typeName: payload.type, body: payload.body)
        request.mergeHeaders(payload.headers)
        return request
    }

    /// Decodes a response payload into its registered response type.
    ///
    /// - Throws: `NacosRemoteError` with code `typeMismatch` when the payload is a request,
    ///   `unknownType` when its type is not registered, `malformedBody` when its body does not decode.
    public func decodeResponse(_ payload: NacosPayload) throws(NacosRemoteError) -> any NacosResponse {
        guard payload.kind == .response else {
            throw NacosRemoteError(.typeMismatch, "expected a response, got a request '\(payload.type)'")
        }
        return try self.decodeResponse(typeName: payload.type, body: payload.body)
    }
}
