/// Why an HTTP/2 connection failed: the error code sent (or received) in GOAWAY and what happened.
public struct HTTP2ConnectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP/2 error code.
    public var code: HTTP2ErrorCode
    /// What went wrong.
    public var message: String

    /// Creates an error.
    public init(_ code: HTTP2ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `CODE: message`.
    public var description: String { "\(self.code): \(self.message)" }
}
