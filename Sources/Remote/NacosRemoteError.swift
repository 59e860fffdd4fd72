/// An error raised by the remoting layer: the message model, the payload registry, the protocol codec, or
/// a call that timed out, found its connection closed or busy, or got the wrong response.
///
/// Like `NacosTransportError`, the code is an extensible struct so that new codes never break callers
/// that switch over the known ones.
public struct NacosRemoteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure happened.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// A frame's first byte names a protocol version this codec does not speak.
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// A frame is truncated, has trailing bytes, a bad kind, a length past its end or invalid UTF-8.
        public static let malformedFrame = Code("malformedFrame")
        /// A payload names a message type that is not registered.
        public static let unknownType = Code("unknownType")
        /// A message body is not valid JSON for its type.
        public static let malformedBody = Code("malformedBody")
        /// A payload holds a different kind or type of message than the caller asked for.
        public static let typeMismatch = Code("typeMismatch")
        /// A message or payload cannot be encoded (a field past a wire limit, a JSON encoding failure).
        public static let encodingFailed = Code("encodingFailed")
        /// No response arrived within the request's timeout.
        public static let timeout = Code("timeout")
        /// The connection closed before the response arrived, or was already closed.
        public static let connectionClosed = Code("connectionClosed")
        /// The connection's outbound queue is above its high watermark; the request was not queued.
        public static let connectionBusy = Code("connectionBusy")
        /// The client or server is not running (not started yet, reconnecting past the timeout, or shut down).
        public static let notRunning = Code("notRunning")
        /// A server or client was configured in a way it cannot run (no protocol layer, a layer the
        /// transport cannot carry); the message names what is wrong.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// The peer answered with a response of a type other than the one expected.
        public static let unexpectedResponse = Code("unexpectedResponse")

        /// The code's name.
        public var description: String { self.name }
    }

    /// The failure's code.
    public var code: Code
    /// A human-readable explanation naming the offending type, field or byte offset.
    public var message: String

    /// Creates an error with a code and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(self.code): \(self.message)" }
}
