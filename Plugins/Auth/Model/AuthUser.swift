/// A user: the name it logs in with and its password hash (never the password).
public struct AuthUser: Sendable, Hashable {
    /// The user name.
    public var username: String
    /// `PasswordHasher`'s encoding of the password.
    public var passwordHash: String

    /// Creates a user.
    public init(username: String, passwordHash: String) {
        self.username = username
        self.passwordHash = passwordHash
    }
}
