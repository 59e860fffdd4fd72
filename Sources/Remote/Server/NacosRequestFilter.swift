/// Runs before the handler of every request (auth, rate limits, parameter checks): returns a response to
/// refuse the request, or `nil` to let it through.
///
/// A refusal is by convention the handler's own response type marked failed
/// (`responseType.init()` then `setErrorInfo(_:message:)`), as Nacos's filters answer.
public protocol NacosRequestFilter: Sendable {
    /// Inspects `request`; a non-`nil` result is sent instead of calling the handler.
    ///
    /// - Parameter responseType: the response type of the request's handler.
    func filter(_ request: any NacosRequest, meta: NacosRequestMeta, responseType: any NacosResponse.Type) async throws -> (any NacosResponse)?
}
