/// A UDP push that failed in a way a later retry would not fix, so `PushService` does not retry it (as
/// Nacos's `NoRequiredRetryException`): the subscriber never acknowledged, or the push cannot be built.
public struct UdpPushError: NonRetryablePushError, Sendable, Equatable, CustomStringConvertible {
    /// Why the push failed.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// No ack arrived after the first transmission and every retransmission.
        public static let notAcknowledged = Code("notAcknowledged")
        /// The client id is not `ip:port#…` with a numeric IP and a port 1...65535.
        public static let invalidClientId = Code("invalidClientId")
        /// The subscriber is an IPv6 address and the push socket is bound to IPv4.
        public static let unreachableAddress = Code("unreachableAddress")
        /// The request carries no service info.
        public static let missingServiceInfo = Code("missingServiceInfo")
        /// The encoded packet does not fit in one datagram.
        public static let packetTooLarge = Code("packetTooLarge")
        /// The executor was shut down.
        public static let shutDown = Code("shutDown")

        /// The code's name.
        public var description: String { self.name }
    }

    /// The failure's code.
    public var code: Code
    /// A human-readable explanation naming the subscriber.
    public var message: String

    /// Creates an error with a code and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(self.code): \(self.message)" }
}
