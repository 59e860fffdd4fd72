/// Why an access token was refused.
public enum AuthTokenError: Error, Sendable, Equatable {
    /// The token is not a well-formed HS256 JWT with `sub` and `exp` claims.
    case malformed
    /// The token's signature matches no accepted key.
    case badSignature
    /// The token's `exp` is not in the future.
    case expired

    /// The message Nacos answers with for this refusal.
    public var nacosMessage: String {
        switch self {
        case .malformed, .badSignature: "token invalid!"
        case .expired: "token expired!"
        }
    }
}
