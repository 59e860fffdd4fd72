public import NacosTransport

/// Limits and timeouts of an `NacosHTTPServer`; every field has a safe default.
public struct HTTPServerConfiguration: Sendable {
    /// The most bytes of a request's head (request line and header fields); a longer head is answered
    /// `431 Request Header Fields Too Large`.
    public var maxHeaderBytes: Int = 16 * 1024
    /// The most bytes of a request line; a longer one is answered `414 URI Too Long`.
    public var maxRequestLineBytes: Int = 8 * 1024
    /// The largest request body (by `Content-Length` or the sum of its chunks); larger is answered
    /// `413 Content Too Large`.
    public var maxBodyBytes: Int = 10 * 1024 * 1024
    /// How long a request may take to arrive, from its first byte until it is complete; then the server
    /// answers `408 Request Timeout` and closes.
    public var requestTimeout: Duration = .seconds(30)
    /// How long a keep-alive connection may stay open with no request in progress before it is closed.
    public var idleTimeout: Duration = .seconds(60)
    /// The most requests per connection that are parsed but not answered yet; beyond it the server stops
    /// reading from the connection until it has caught up (back-pressure on pipelining clients).
    public var maxPipelinedRequests: Int = 16
    /// The most connections open at once; further ones are accepted and closed at once (and logged).
    public var maxConnections: Int = 10_000
    /// Whether the responder's task prefers the connection's event loop as its executor: no thread hop per
    /// request, but a responder that blocks or computes for long then delays the loop's other connections.
    /// With `false` the responder runs on the global concurrent executor.
    public var respondsOnEventLoop: Bool = true

    /// Creates a configuration with the defaults.
    public init() {}

    /// Checks that every value is usable.
    ///
    /// - Throws: `NacosTransportError` with code `.invalidConfiguration`, naming the offending field.
    public func validate() throws(NacosTransportError) {
        func fail(_ message: String) -> NacosTransportError {
            NacosTransportError(.invalidConfiguration, "invalid HTTP server configuration: \(message)")
        }
        if self.maxHeaderBytes < 64 { throw fail("maxHeaderBytes must be at least 64") }
        if self.maxRequestLineBytes < 16 { throw fail("maxRequestLineBytes must be at least 16") }
        if self.maxBodyBytes < 0 { throw fail("maxBodyBytes must not be negative") }
        if self.requestTimeout <= .zero { throw fail("requestTimeout must be positive") }
        if self.idleTimeout <= .zero { throw fail("idleTimeout must be positive") }
        if self.maxPipelinedRequests < 1 { throw fail("maxPipelinedRequests must be at least 1") }
        if self.maxConnections < 1 { throw fail("maxConnections must be at least 1") }
    }
}
