/// An error raised by a transport, a connection or a stream layer.
///
/// Like grpc-swift's `RPCError`, the code is an extensible struct so that new codes never break
/// callers that switch over the known ones.
public struct NacosTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure happened.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// An address could not be parsed or resolved.
        public static let invalidAddress = Code("invalidAddress")
        /// A connect did not complete within its timeout.
        public static let connectTimeout = Code("connectTimeout")
        /// The peer refused the connection.
        public static let connectionRefused = Code("connectionRefused")
        /// The connection is closed; pending and later writes fail with this code.
        public static let connectionClosed = Code("connectionClosed")
        /// The peer reset the connection or closed it in the middle of a frame.
        public static let connectionReset = Code("connectionReset")
        /// A frame's length header exceeded the configured maximum.
        public static let frameTooLarge = Code("frameTooLarge")
        /// A write was refused because the connection's outbound queue reached its hard limit.
        public static let writeBufferFull = Code("writeBufferFull")
        /// A system call failed; the message names the call and the errno.
        public static let ioError = Code("ioError")
        /// The TLS handshake failed or timed out.
        public static let tlsHandshakeFailed = Code("tlsHandshakeFailed")
        /// TLS failed after the handshake (a bad record, an unclean shutdown).
        public static let tlsFailure = Code("tlsFailure")
        /// The event loop group or listener has been shut down.
        public static let shutDown = Code("shutDown")
        /// A configuration value is missing, malformed or inconsistent; the message names it.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// A limit (connections, file descriptors) was reached.
        public static let resourceExhausted = Code("resourceExhausted")

        /// The code's name.
        public var description: String { self.name }
    }

    /// The failure's code.
    public var code: Code
    /// A human-readable explanation, including OpenSSL or errno details where they exist.
    public var message: String

    /// Creates an error with a code and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(self.code): \(self.message)" }
}

extension NacosTransportError {
    /// The error for a write that would take a stream's outbound queue past `limit` bytes.
    internal static func outboundLimitReached(_ limit: Int) -> NacosTransportError {
        NacosTransportError(.writeBufferFull, "outbound queue would exceed \(limit) bytes; the peer is not reading")
    }

    /// The error for a write on a stream that is closed or closed for writing.
    internal static let writeOnClosedStream = NacosTransportError(.connectionClosed, "write on a closed connection")
}
