/// What the auth layer counted since start, for the Prometheus exposition.
public struct AuthCounters: Sendable, Equatable {
    /// Logins that returned a token.
    public var loginSuccesses: UInt64 = 0
    /// Logins refused for an unknown user or a wrong password.
    public var loginFailures: UInt64 = 0
    /// Logins refused by the attempt limits before the password was checked.
    public var loginThrottled: UInt64 = 0
    /// Requests refused, by reason.
    public var refusals: [AuthRefusal: UInt64] = [:]

    /// Counters at zero.
    public init() {}
}
