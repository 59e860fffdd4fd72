/// Handles one request type on the server: the analogue of Java's `RequestHandler<T, S>`.
///
/// Throw `NacosException` to answer with that error code (an `ErrorResponse` whose `resultCode` and
/// `errorCode` are the exception's code); any other error answers `ErrorResponse` 500.
public protocol NacosRequestHandler<Request>: Sendable {
    /// The request type handled.
    associatedtype Request: NacosRequest
    /// The response type returned.
    associatedtype Response: NacosResponse

    /// Handles `request`, sent by the connection described by `meta`.
    func handle(_ request: Request, meta: NacosRequestMeta) async throws -> Response
}
