/// A response to send (server) or that arrived (client): status, header fields and a body.
///
/// The server adds `Content-Length` and `Connection` itself; values for them set here are ignored, except
/// that `Connection: close` makes the server close the connection after this response.
public struct HTTPResponse: Sendable {
    /// The status.
    public var status: HTTPStatus
    /// The header fields in order.
    public var headers: HTTPHeaders
    /// The body (dropped by the server for `HEAD` requests).
    public var body: [UInt8]

    /// Creates a response.
    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain;charset=UTF-8` response.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain;charset=UTF-8"], body: Array(text.utf8))
    }

    /// An `application/json;charset=UTF-8` response whose body is already-encoded UTF-8 JSON.
    public static func json(_ utf8: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json;charset=UTF-8"], body: utf8)
    }

    /// An `application/json;charset=UTF-8` response whose body is the given JSON text.
    public static func json(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        self.json(Array(text.utf8), status: status)
    }

    /// The body decoded as UTF-8 (invalid sequences replaced), for tests and logs.
    public var bodyText: String { String(decoding: self.body, as: UTF8.self) }
}
