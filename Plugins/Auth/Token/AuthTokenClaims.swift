/// What an access token says: whose it is and when it stops being valid.
public struct AuthTokenClaims: Sendable, Equatable {
    /// The user the token was issued to (the JWT `sub` claim).
    public var username: String
    /// The moment the token expires, in seconds since the Unix epoch (the JWT `exp` claim).
    public var expiresAt: Int64

    /// Creates claims for `username` expiring at `expiresAt` (epoch seconds).
    public init(username: String, expiresAt: Int64) {
        self.username = username
        self.expiresAt = expiresAt
    }
}
