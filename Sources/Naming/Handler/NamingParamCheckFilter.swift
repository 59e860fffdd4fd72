import NacosNamingAPI
public import NacosRemote

/// Refuses naming requests whose parameters break Nacos's rules (reference §3.9) before any handler runs:
/// the handler's response type, resultCode 500, errorCode 400, message `Param check invalid:<reason>`.
public struct NamingParamCheckFilter: NacosRequestFilter {
    private let metadataLimit: Int

    /// Creates the filter with the metadata size limit (keys plus values, in characters).
    public init(metadataLimit: Int) {
        self.metadataLimit = metadataLimit
    }

    /// Checks a naming request; other requests pass.
    public func filter(
        _ request: any NacosRequest,
        meta: NacosRequestMeta,
        responseType: any NacosResponse.Type
    ) async throws -> (any NacosResponse)? {
        guard let naming = request as? any NamingRequest,
            let reason = NamingParamCheck.check(naming, metadataLimit: self.metadataLimit)
        else { return nil }
        var response = responseType.init()
        response.setErrorInfo(.invalidParam, message: NamingParamCheck.messagePrefix + reason)
        return response
    }
}
