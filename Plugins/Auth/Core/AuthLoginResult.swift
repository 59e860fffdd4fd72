/// A successful login, in the fields `POST /nacos/v1/auth/users/login` answers.
public struct AuthLoginResult: Sendable, Equatable {
    /// The token (`accessToken`).
    public var accessToken: String
    /// Its lifetime in seconds (`tokenTtl`).
    public var tokenTTLSeconds: Int
    /// Whether the user is a global administrator (`globalAdmin`).
    public var globalAdmin: Bool
    /// The user name (`username`).
    public var username: String
}
