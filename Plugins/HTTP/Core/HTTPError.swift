/// An error a route handler throws to answer with a given status and a plain-text message.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    /// The status of the response.
    public var status: HTTPStatus
    /// The response body (sent as `text/plain`).
    public var message: String

    /// Creates the error.
    public init(_ status: HTTPStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    /// `code reason: message`.
    public var description: String { "\(self.status): \(self.message)" }
}
