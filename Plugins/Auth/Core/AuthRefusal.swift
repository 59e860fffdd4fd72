/// Why a request was refused, with the text Nacos answers (its `AccessException` messages).
public enum AuthRefusal: Error, Sendable, Hashable, CaseIterable {
    /// No token, or a token of a user that no longer exists.
    case userNotFound
    /// A token past its expiry.
    case tokenExpired
    /// A token that is malformed or not signed by this cluster's key.
    case tokenInvalid
    /// A valid user without the permission the request needs.
    case forbidden
    /// A cluster request without the server identity, or with a wrong one.
    case serverIdentity

    /// The message sent back, as Nacos words it.
    public var message: String {
        switch self {
        case .userNotFound: "user not found!"
        case .tokenExpired: "token expired!"
        case .tokenInvalid: "token invalid!"
        case .forbidden: "authorization failed!"
        case .serverIdentity:
            "Invalid server identity key or value, Please make sure set `nacos.core.auth.server.identity.key` and `nacos.core.auth.server.identity.value`"
        }
    }

    /// The refusal's label in metrics.
    public var metricLabel: String {
        switch self {
        case .userNotFound: "user_not_found"
        case .tokenExpired: "token_expired"
        case .tokenInvalid: "token_invalid"
        case .forbidden: "forbidden"
        case .serverIdentity: "server_identity"
        }
    }
}
