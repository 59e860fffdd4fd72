/// A gRPC status code (grpc/doc/statuscodes.md); unknown values are kept.
public struct GRPCStatusCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The code's number, as `grpc-status` carries it.
    public var rawValue: Int

    /// Creates a code from its number.
    public init?(rawValue: Int) {
        guard rawValue >= 0 else { return nil }
        self.rawValue = rawValue
    }

    private init(_ value: Int) { self.rawValue = value }

    /// Success.
    public static let ok = Self(0)
    /// The caller cancelled.
    public static let cancelled = Self(1)
    /// An unknown error.
    public static let unknown = Self(2)
    /// The argument is invalid.
    public static let invalidArgument = Self(3)
    /// The deadline passed first.
    public static let deadlineExceeded = Self(4)
    /// Not found.
    public static let notFound = Self(5)
    /// Already exists.
    public static let alreadyExists = Self(6)
    /// Not allowed.
    public static let permissionDenied = Self(7)
    /// A resource (such as the message size) is exhausted.
    public static let resourceExhausted = Self(8)
    /// The system is not in a state for the call.
    public static let failedPrecondition = Self(9)
    /// Aborted.
    public static let aborted = Self(10)
    /// Out of range.
    public static let outOfRange = Self(11)
    /// Not implemented (an unknown method, an unsupported encoding).
    public static let unimplemented = Self(12)
    /// An internal error.
    public static let internalError = Self(13)
    /// The service is unavailable.
    public static let unavailable = Self(14)
    /// Data was lost.
    public static let dataLoss = Self(15)
    /// Not authenticated.
    public static let unauthenticated = Self(16)

    /// The upper-case name (`UNIMPLEMENTED`), or the number for an unknown code.
    public var description: String {
        let names = [
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
            "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
            "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
        ]
        return self.rawValue < names.count ? names[self.rawValue] : String(self.rawValue)
    }
}
