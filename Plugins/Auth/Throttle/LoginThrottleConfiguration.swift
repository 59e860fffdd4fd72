/// The limits of `LoginThrottle`: failure buckets per client IP and per user name.
///
/// Each bucket holds `…Burst` failures and refills at `…PerMinute` failures a minute (values below 1
/// count as 1).
public struct LoginThrottleConfiguration: Sendable {
    /// How many failed logins one IP may make in a row before it is refused.
    public var failuresPerIPBurst = 10
    /// How many failed logins a minute one IP regains.
    public var failuresPerIPPerMinute = 10
    /// How many failed logins one user may suffer in a row before suspicious IPs are refused for it.
    public var failuresPerUserBurst = 20
    /// How many failed logins a minute one user regains.
    public var failuresPerUserPerMinute = 20
    /// The most IPs, and separately the most users, tracked at once.
    public var maxTrackedKeys = 100_000

    /// Creates the default limits.
    public init() {}
}
