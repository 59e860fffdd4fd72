/// Why a request to a member could not be delivered.
public struct ClusterRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of delivery failure.
    public enum Kind: Sendable, Equatable {
        /// The address is not a member, or cannot be resolved to a cluster RPC address.
        case unknownMember
        /// There is no connection to the member (it refused or dropped it): the member counts as DOWN.
        case unreachable
        /// The member did not answer within the timeout.
        case timedOut
    }

    /// What went wrong.
    public var kind: Kind
    /// The member's `ip:port`.
    public var address: String
    /// A human explanation.
    public var message: String

    /// Creates an error.
    public init(_ kind: Kind, address: String, message: String) {
        self.kind = kind
        self.address = address
        self.message = message
    }

    /// The kind, address and explanation.
    public var description: String { "\(self.kind) \(self.address): \(self.message)" }
}
