/// Why an `NacosHTTPClient` request failed.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure happened.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// The connection could not be opened.
        public static let connectFailed = Code("connectFailed")
        /// No complete response arrived within the client's timeout; the connection was closed.
        public static let timeout = Code("timeout")
        /// The connection closed before the response was complete.
        public static let connectionClosed = Code("connectionClosed")
        /// The response was not valid HTTP/1.x.
        public static let malformedResponse = Code("malformedResponse")
        /// The response was larger than the client's `maxResponseBytes`.
        public static let responseTooLarge = Code("responseTooLarge")
        /// The request cannot be written (a method that is not a token, a target with spaces or controls).
        public static let invalidRequest = Code("invalidRequest")
        /// The client was closed.
        public static let clientClosed = Code("clientClosed")

        /// The code's name.
        public var description: String { self.name }
    }

    /// The failure's code.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// Whether any byte of a response had arrived when the connection failed (a request that failed before
    /// may be retried on a new connection).
    internal var responseStarted = false
    /// Whether the request may have reached the server (false when the connection was closed before the
    /// request was written, which makes a retry always safe).
    internal var requestWritten = true

    /// Creates an error with a code and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(self.code): \(self.message)" }
}
