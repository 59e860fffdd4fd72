/// Answers HTTP requests; the server calls it once per request, one request at a time per connection.
public protocol HTTPResponder: Sendable {
    /// Returns the response to `request`; it must not throw, so failures are responses too.
    func respond(to request: HTTPRequest) async -> HTTPResponse
}
